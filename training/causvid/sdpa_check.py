"""Does the fused attention kernel compute what the plain product computes, on this machine?

    python3 -m causvid.sdpa_check [--batch 32]    # exit status 0: it does, or there is none

A GPU with a current torch runs attention through torch's fused kernel (causvid.model.attend),
which the CPU here cannot run, so it is checked where it runs: every path the chain trains and
streams through (teacher, student with teacher forcing, block-causal, the cached step), with the
run's architecture (CAUSVID_MODEL_CONFIG) and random weights, once through each attention,
outputs and gradients compared. gpu_train.sh turns the kernel off (CAUSVID_SDPA=0) when this
fails, so a kernel that breaks on these shapes costs a run its speed and not its weights. It
also prints a teacher training step's time both ways.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from contextlib import contextmanager

import torch

from . import model as M
from .common import default_config, setup_torch

# Relative to the largest value of each compared tensor. At these weights, attention computed
# from bf16-rounded inputs (coarser than the TF32 the plain product runs in) differs by at most
# 0.035 (a gradient) and a kernel that drops the masks by 0.27 or more (tests/test_sdpa_check.py).
TOLERANCE = 5e-2


def randomise(*modules, seed=0):
    """Every parameter random: the output layers start at zero, which would make every path
    return zero whatever its attention did. At 0.2 the attention is peaked enough that what it
    may see decides the result; at 0.1 it was nearly uniform and a dropped mask barely showed."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in modules:
            for name, p in m.named_parameters():
                # The spatial bias as strong as a trained one can be, so a misplaced one shows.
                p.copy_(torch.randn(p.shape, generator=g) * (1.0 if name == "spatial_bias" else 0.2))


def run_paths(dit, text, cfg, dev, batch=2, seed=1):
    """{path: output} for the same random inputs, and the gradients of a fixed projection of
    all of them with respect to every parameter."""
    g = torch.Generator().manual_seed(seed)
    n, fpb, T = cfg.clip_frames, cfg.frames_per_block, cfg.tokens_per_frame
    nb = n // fpb
    shape = (batch, n, cfg.latent_channels, cfg.latent_size, cfg.latent_size)
    x, clean = (torch.randn(shape, generator=g).to(dev) for _ in range(2))
    t = torch.rand(batch, n, generator=g).to(dev)
    tok = torch.randint(1, cfg.vocab_size, (batch * nb, cfg.max_tokens), generator=g)
    tok[:, cfg.max_tokens // 2 :] = 0  # padding, so that the prompt's mask matters
    tok = tok.to(dev)
    mask = (tok != 0).float().reshape(batch, nb, -1)
    emb = text(tok).reshape(batch, nb, cfg.max_tokens, -1)
    # The streaming step: one block after two cached ones, whose first frame's slots are empty.
    k = 2 * fpb * T
    cache = torch.randn(cfg.layers, 2, batch, cfg.heads, k, cfg.head_dim, generator=g)
    cache[:, 1, :, :, :T] *= 10  # loud values in the empty slots: a kernel that reads them shows it
    cache = cache.to(dev)
    cache_pos = torch.arange(2 * fpb, dtype=torch.float32).repeat_interleave(T).to(dev)
    cache_mask = torch.ones(k, device=dev)
    cache_mask[:T] = 0
    frame_pos = torch.arange(2 * fpb, 3 * fpb, dtype=torch.float32, device=dev)
    outs = {
        "bidirectional": dit.bidirectional(x, t, emb, mask),
        "teacher_forced": dit.teacher_forced(clean, x, t, emb, mask),
        "block_causal": dit.block_causal(x, t, emb, mask)[0],
        "step": dit.step(x[:, :fpb], t[:, :fpb], frame_pos, emb[:, 0], mask[:, 0], cache, cache_pos, cache_mask)[0],
    }
    loss = sum((o * torch.randn(o.shape, generator=g).to(dev)).sum() for o in outs.values())
    params = dict(dit.named_parameters()) | {"text." + k: p for k, p in text.named_parameters()}
    grads = torch.autograd.grad(loss, list(params.values()), allow_unused=True)
    outs |= {"grad " + name: gr for name, gr in zip(params, grads) if gr is not None}
    return {k: v.detach() for k, v in outs.items()}


def relative_error(a, b):
    return float((a - b).abs().max() / b.abs().max().clamp_min(1e-6))


@contextmanager
def attention(dev, fused: bool):
    """Within it, attention on `dev` goes through the fused kernel or the plain product;
    afterwards it goes where it went before."""
    saved = set(M.FUSED_DEVICES)
    M.FUSED_DEVICES.clear()
    if fused:
        M.FUSED_DEVICES.add(dev.type)
    try:
        yield
    finally:
        M.FUSED_DEVICES.clear()
        M.FUSED_DEVICES.update(saved)


def random_networks(cfg, dev):
    dit, text = M.VideoDiT(cfg).to(dev), M.TextEncoder(cfg).to(dev)
    randomise(dit, text)
    return dit, text


def compare(cfg, dev) -> dict:
    """{compared tensor: relative error of the fused kernel against the plain product}."""
    dit, text = random_networks(cfg, dev)
    with attention(dev, fused=False):
        plain = run_paths(dit, text, cfg, dev)
    with attention(dev, fused=True):
        fused = run_paths(dit, text, cfg, dev)
    # A gradient the fused run lacks (its kernel dropped the bias) is as wrong as can be.
    return {k: relative_error(fused[k], plain[k]) if k in fused else math.inf for k in plain}


def step_seconds(cfg, dev, batch, fused: bool, repeats=5) -> float:
    """One teacher training step's forward and backward at `batch` clips."""
    dit, text = random_networks(cfg, dev)
    x = torch.randn(batch, cfg.clip_frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size, device=dev)
    t = torch.rand(batch, cfg.clip_frames, device=dev)
    nb = cfg.clip_frames // cfg.frames_per_block
    tok = torch.ones(batch * nb, cfg.max_tokens, dtype=torch.long, device=dev)
    with attention(dev, fused):
        for i in range(repeats + 2):  # two to warm up
            if i == 2:
                sync(dev)
                t0 = time.perf_counter()
            emb = text(tok).reshape(batch, nb, cfg.max_tokens, -1)
            dit.bidirectional(x, t, emb, (tok != 0).float().reshape(batch, nb, -1)).square().mean().backward()
        sync(dev)
    return (time.perf_counter() - t0) / repeats


def sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=32, help="clips in the timed teacher step")
    args = ap.parse_args(argv)
    dev = setup_torch()
    if M._fused_attention is None or dev.type == "cpu":
        print("sdpa_check: no fused attention here (the plain product is used)")
        return 0
    cfg = default_config()
    try:
        errors = compare(cfg, dev)
    except Exception as e:  # a kernel that refuses these shapes: the run goes on without it
        print(f"sdpa_check: the fused kernel failed ({type(e).__name__}: {e})")
        return 1
    worst = max(errors, key=errors.get)
    print(f"sdpa_check: largest relative difference {errors[worst]:.2e} ({worst}), tolerance {TOLERANCE:.0e}")
    if errors[worst] > TOLERANCE:
        # Which tensors disagree says where to look (session 15's H200 failed, worst on the place
        # embedding's gradient, and printed nothing more).
        over = sorted((k for k in errors if errors[k] > TOLERANCE), key=errors.get, reverse=True)
        print("sdpa_check: over the tolerance: " + ", ".join(f"{k} {errors[k]:.2e}" for k in over))
        print("sdpa_check: within it: " + ", ".join(f"{k} {errors[k]:.1e}" for k in errors if k not in over))
        return 1
    plain, fused = step_seconds(cfg, dev, args.batch, False), step_seconds(cfg, dev, args.batch, True)
    print(f"sdpa_check: a teacher step at batch {args.batch}: plain {1000 * plain:.1f} ms, fused {1000 * fused:.1f} ms ({plain / fused:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
