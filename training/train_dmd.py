"""Stage 5: distribution matching distillation (DMD) on the student's own rollouts.

    python3 training/train_dmd.py --steps 400

Each step the causal student generates whole clips block by block through its KV cache, as
the engine will. The generator's update is the DMD gradient, the difference between the
critic's "fake" score (trained on the student's samples) and the teacher's "real" score with
guidance, taken at a random noise level. Gradients flow through the last denoising pass of
each block (a random exit step, the context detached), which is what keeps this affordable
and makes the student learn from its own context, the cure for drift. With --rollout-blocks
past the teacher's 4-block clip the window rolls (sink frames and all) before the scored
blocks, so the student also learns from the context it streams with after the first seconds.
A small ODE regression term (--ode-weight) anchors the tiny model while the critic is still
young, and a regression on real continuations (--data-weight) holds it to the data's
frame-to-frame coherence where it has context, with a term on the frame-to-frame change itself
(--difference-weight). Or, with no real target, --steadiness-weight holds the student's own
rollouts to the data's frame-to-frame change (excess_change_loss). --anchor-weight holds the
scored blocks' image statistics to those of the regression student's own rollout from the same
noise and prompts (statistics_anchor_loss), the student DMD starts from, which does not darken.
"""

import argparse
import copy
import json

import numpy as np
import torch

from causvid.common import STREAM_CONTEXT_FRAMES, STREAM_SINK_FRAMES, Stage, cosine_lr, data_dir, default_config, load, run_dir, setup_torch
from causvid.model import excess_change_loss, flow_noise, frame_difference_loss, frame_pair_change, frame_weighted_mse, statistics_anchor_loss, x0_from_v
from causvid.sampler import KvCache, encode_block_prompts, null_prompt_tokens
from make_ode_pairs import load_teacher
from train_student_ode import load_pairs, random_block_steps, states_at


@torch.no_grad()
def rollout(student, emb, mask, timesteps, noise, context_frames, known, real, sink_frames=0, keep_last=0):
    """Batched streaming generation, through a KV cache that rolls as the engine's does.

    Returns x0 (B,N,...), per-step states (B,S,N,...) and, for each of the last `keep_last`
    blocks, the context it was made against (cache keys/values, their positions and mask, and
    the block's own frame positions), so that a step can be re-run with gradients against it.
    Frames marked in `known` (B,N) are pinned to `real` and given t = 0, as the engine does
    with a photo's first frame or a video's blocks."""
    b, n = noise.shape[:2]
    F = student.cfg.frames_per_block
    dev = noise.device
    cache = KvCache(student, context_frames, sink_frames, batch=b)
    x0s, states, contexts = [], [], []
    steps = list(timesteps) + [0.0]
    for blk in range(n // F):
        pin = known[:, blk * F : (blk + 1) * F, None, None, None]
        given = real[:, blk * F : (blk + 1) * F]
        x = torch.where(pin, given, noise[:, blk * F : (blk + 1) * F])
        kv, cpos, cmask = cache.tensors()
        fpos = cache.next_positions()
        if blk >= n // F - keep_last:
            contexts.append((kv, cpos, cmask, fpos))
        st = []
        for t, t_next in zip(steps[:-1], steps[1:]):
            st.append(x)
            tt = torch.full((b, F), t, device=dev).masked_fill(known[:, blk * F : (blk + 1) * F], 0.0)
            v, _ = student.step(x, tt, fpos, emb[:, blk], mask[:, blk], kv, cpos, cmask)
            x = torch.where(pin, given, x + (t_next - t) * v)
        _, bkv = student.step(x, torch.zeros(b, F, device=dev), fpos, emb[:, blk], mask[:, blk], kv, cpos, cmask)
        cache.append(bkv, x)
        x0s.append(x)
        states.append(torch.stack(st, dim=1))
    return torch.cat(x0s, dim=1), torch.cat(states, dim=2), contexts


def denoise_in_context(student, noisy, t, emb, mask, contexts):
    """x0 from one denoising pass per block, with gradients, each block against the (detached)
    context it was generated with. noisy (B,N,...) and t (B,N) cover the last len(contexts)
    blocks; emb/mask their prompts. Where the cache never rolled this is the same function as
    teacher_forced on the rollout's clean blocks; past that, it is the only way to score a
    block made against a rolled window, whose context teacher_forced cannot rebuild."""
    F = student.cfg.frames_per_block
    out = []
    for j, (kv, cpos, cmask, fpos) in enumerate(contexts):
        x, tt = noisy[:, j * F : (j + 1) * F], t[:, j * F : (j + 1) * F]
        v, _ = student.step(x, tt, fpos, emb[:, j], mask[:, j], kv, cpos, cmask)
        out.append(x0_from_v(x, v, tt))
    return torch.cat(out, dim=1)


def continuation_weights(t, photo, frames_per_block, max_t=1.0):
    """(B, N) weights of the continuation regression: noisy frames that have context (the
    first block only where its first frame is given, a photo) at noise levels up to max_t.
    From pure noise the regression pulls towards the average of what continues a context,
    which darkened a long clip (training log, session 19)."""
    w = ((t > 0) & (t <= max_t)).float()
    w[~photo, :frames_per_block] = 0.0
    return w


def rollout_length(rng, rollout_blocks, clip_blocks, clip_share):
    """Blocks in this step's rollout: with probability clip_share the teacher's clip alone (a
    window that never rolls, where session 24's pack's student learned to switch), else rollout_blocks
    (where a long clip learns to hold). At share 0 rng is not drawn, so runs repeat as before."""
    if clip_share > 0 and rng.random() < clip_share:
        return clip_blocks
    return rollout_blocks


def rolled_prompts(block_prompts, lead, mode="first"):
    """Each clip's prompts for a rollout of `lead` more blocks than its own: the lead-in's
    blocks, then the clip's. `first` opens with its first prompt held (as shipped); `cycle`
    repeats the clip's own schedule, so that a clip with a switch switches back and forth in the
    lead-in too, and the scored switch does not always follow a long stretch of one prompt."""
    if mode == "first":
        return [[p[0]] * lead + list(p) for p in block_prompts]
    if mode == "cycle":
        return [[p[(j - lead) % len(p)] for j in range(lead)] + list(p) for p in block_prompts]
    raise ValueError(f"unknown lead-in mode {mode!r}")


def switch_free_frames(block_prompts, scored_blocks, frames_per_block, after_switch):
    """(B, frames) weights over a rollout's last `scored_blocks` blocks: 0 for the frames of a
    block whose prompt differs from the block before it and of the after_switch - 1 blocks
    after it, where a switched attribute has to show; 1 elsewhere. block_prompts: B lists of
    the rollout's prompts."""
    rows = []
    for prompts in block_prompts:
        first = len(prompts) - scored_blocks
        free = [False] * scored_blocks
        for j in range(scored_blocks):
            if first + j > 0 and prompts[first + j] != prompts[first + j - 1]:
                for m in range(j, min(j + after_switch, scored_blocks)):
                    free[m] = True
        rows.append([0.0 if free[f // frames_per_block] else 1.0 for f in range(scored_blocks * frames_per_block)])
    return torch.tensor(rows)


def switch_free_pairs(block_prompts, scored_blocks, frames_per_block, with_before, after_switch):
    """(B, pairs) weights of excess_change_loss, each pair weighted as the frame it ends in
    (switch_free_frames); with_before: the first pair is the seam with the frame before the
    scored blocks."""
    frames = switch_free_frames(block_prompts, scored_blocks, frames_per_block, after_switch)
    return frames if with_before else frames[:, 1:]


def change_threshold(latents, quantile, every=8):
    """The per-pair frame change (mean squared, latent) that the data's clips stay under with
    probability `quantile`, read from every `every`th clip: the quantity excess_change_loss
    penalises, measured the same way."""
    x = torch.from_numpy(np.asarray(latents[::every], dtype=np.float32))
    return float(np.quantile(frame_pair_change(x).numpy(), quantile))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--critic-lr", type=float, default=1e-4)
    ap.add_argument("--seconds", type=float, default=0.0, help="train for this long instead of --steps (on a rented GPU)")
    ap.add_argument("--critic-steps", type=int, default=2)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--ode-weight", type=float, default=0.25)
    ap.add_argument("--data-weight", type=float, default=0.5, help="regression on real continuations (see continuation_loss)")
    ap.add_argument("--difference-weight", type=float, default=1.0, help="in the continuation regression, weight of the frame-to-frame change against the real one")
    ap.add_argument("--data-max-t", type=float, default=1.0, help="the continuation regression only at student steps up to this noise level (1: all)")
    ap.add_argument("--steadiness-weight", type=float, default=0.0, help="penalty on the rollouts' own frame-to-frame change past the data's (excess_change_loss); 0: off")
    ap.add_argument("--steadiness-switch-free", type=int, default=0, help="leave that penalty out for this many blocks from a prompt switch (0: nowhere)")
    ap.add_argument("--steadiness-quantile", type=float, default=0.9, help="the threshold of that penalty: this quantile of the data's per-pair change")
    ap.add_argument("--dmd-switch-free", type=int, default=0, help="leave the DMD gradient out for this many blocks from a prompt switch, where the teacher loses the object (training log, session 29); 0: nowhere (as shipped)")
    ap.add_argument("--anchor-weight", type=float, default=1.0, help="hold the scored blocks' per-channel latent means to the regression student's rollout from the same noise and prompts (statistics_anchor_loss); 1 as shipped since session 25, 0: off")
    ap.add_argument("--anchor-pooled", action="store_true", help="that anchor on one mean per channel over the batch and all scored frames, not per block and clip")
    ap.add_argument("--seed", type=int, default=3000, help="of the prompts, noise and rollouts (3000 as shipped): another gives a repeat of the same recipe")
    ap.add_argument("--rollout-blocks", type=int, default=16, help="blocks per rollout (16 as shipped since session 25, 4 before); past the teacher's clip the cache rolls, and DMD scores the last clip's worth")
    ap.add_argument("--clip-rollout-share", type=float, default=0.0, help="share of steps whose rollout is the teacher's clip alone (no lead-in, a window that has not rolled) instead of --rollout-blocks")
    ap.add_argument("--lead-in", choices=["first", "cycle"], default="first", help="the prompts of a rollout's blocks before the scored clip: its first prompt held (as shipped) or its own schedule repeated")
    ap.add_argument("--context-frames", type=int, default=STREAM_CONTEXT_FRAMES, help="the rollouts' window, as the pack will stream")
    ap.add_argument("--sink-frames", type=int, default=STREAM_SINK_FRAMES)
    args = ap.parse_args()
    cfg = default_config()
    if args.rollout_blocks * cfg.frames_per_block < cfg.clip_frames:
        ap.error(f"--rollout-blocks must cover the teacher's clip ({cfg.clip_frames // cfg.frames_per_block} blocks)")
    dev = setup_torch()
    run = run_dir()
    teacher, text = (m.to(dev) for m in load_teacher(run, cfg))
    for p in list(teacher.parameters()) + list(text.parameters()):
        p.requires_grad_(False)
    student = copy.deepcopy(teacher)
    student.load_state_dict(load(run / "student_ode.pt")["state"]["student"])
    critic = copy.deepcopy(teacher)
    # The regression student, frozen: its long clips keep their brightness (training log, session 23).
    reference = copy.deepcopy(student).eval().requires_grad_(False) if args.anchor_weight > 0 else None
    for m in (student, critic):
        m.train()
        for p in m.parameters():
            p.requires_grad_(True)
    opt_g = torch.optim.AdamW(student.parameters(), lr=args.lr, weight_decay=0.0, betas=(0.0, 0.99))
    opt_c = torch.optim.AdamW(critic.parameters(), lr=args.critic_lr, weight_decay=0.0, betas=(0.0, 0.99))
    stage = Stage("student_dmd", args.steps, {"student": student, "critic": critic, "opt_g": opt_g, "opt_c": opt_c}, run)
    rng = np.random.default_rng(args.seed + stage.step)
    torch.manual_seed(args.seed + stage.step)  # the rollouts' noise, so that a run can be repeated
    x0_pairs, traj_pairs, known_pairs, prompts, timesteps = load_pairs(run)
    ts = torch.tensor(timesteps, device=dev)
    F, n = cfg.frames_per_block, cfg.clip_frames
    shape = (n, cfg.latent_channels, cfg.latent_size, cfg.latent_size)
    latents = np.load(run / "latents.npy", mmap_mode="r")
    data_prompts = json.loads((data_dir() / "prompts.json").read_text())
    # Read even when the penalty is off, so that the log's excess_change means the same in every run.
    steady_threshold = change_threshold(latents, args.steadiness_quantile)
    with torch.no_grad():
        null_tok = null_prompt_tokens(1, device=dev)
        null = text(null_tok)
        null_mask = (null_tok != 0).float()

    def embed_prompts(block_prompts):
        with torch.no_grad():
            return encode_block_prompts(text, block_prompts)

    def embed(idx):
        return embed_prompts([prompts[i] for i in idx])

    def noise_levels(b, known):
        """One level per clip; frames given as real data stay clean (t = 0)."""
        return (torch.rand(b, 1, device=dev) * 0.96 + 0.02).expand(b, n).masked_fill(known, 0.0)

    def critic_loss(x0, emb, mask, known):
        b = x0.shape[0]
        tau = noise_levels(b, known)
        eps = torch.randn_like(x0)
        v = critic.bidirectional(flow_noise(x0, eps, tau), tau, emb, mask)
        return frame_weighted_mse(v, eps - x0, (~known).float())

    def continuation_loss(b):
        """x0 regression on real clips, only where the student has context: blocks after the
        first, and the rest of the first block when its first frame is given (a photo). There
        the real next frames are nearly determined by what came before, so regressing on them
        teaches the student to stay coherent with its context (the teacher's own samples flicker)
        without the blur that regressing a first block from pure noise would bring."""
        r = np.sort(rng.choice(len(latents), b, replace=False))
        x0 = torch.from_numpy(latents[r].astype(np.float32)).to(dev)
        emb_r, mask_r = embed_prompts([data_prompts[j] for j in r])
        k = random_block_steps(rng, b, n, F, len(timesteps)).to(dev)
        t = ts[k]
        photo = torch.from_numpy(rng.random(b) < 0.25).to(dev)
        t[photo, 0] = 0.0
        w = continuation_weights(t, photo, F, args.data_max_t)
        noisy = flow_noise(x0, torch.randn_like(x0), t)
        pred = x0_from_v(noisy, student.teacher_forced(x0, noisy, t, emb_r, mask_r), t)
        # The change into each predicted frame, from the frame before it (predicted too, or the
        # clean context, which x0_from_v returns exactly where t = 0) against the real change:
        # the seam between a block and its context is where flicker shows.
        return frame_weighted_mse(pred, x0, w) + args.difference_weight * frame_difference_loss(pred, x0, w[:, 1:])

    def step(i):
        for g in opt_g.param_groups:
            g["lr"] = cosine_lr(i, stage.total, args.lr, warmup=20)
        idx = rng.choice(len(prompts), args.batch, replace=False)
        blocks = rollout_length(rng, args.rollout_blocks, n // F, args.clip_rollout_share)
        b, lead = len(idx), blocks - n // F
        # A rollout longer than the teacher's clip opens with `lead` blocks of lead-in (its
        # prompts from --lead-in; the clip's given frames, a photo stays in the sink); DMD scores
        # the last clip's worth, made against a window that has rolled, as the engine's does.
        rolled = rolled_prompts([prompts[i] for i in idx], lead, args.lead_in)
        emb, mask = embed_prompts(rolled)
        known = torch.zeros(b, blocks * F, dtype=torch.bool, device=dev)
        known[:, :n] = known_pairs[idx].to(dev)
        real = torch.zeros(b, blocks * F, *shape[1:], device=dev)
        real[:, :n] = x0_pairs[idx].to(dev)
        noise = torch.randn(b, blocks * F, *shape[1:], device=dev)
        x0_roll, states, contexts = rollout(student, emb, mask, timesteps, noise, args.context_frames, known, real, args.sink_frames, keep_last=n // F)
        x0_ref = rollout(reference, emb, mask, timesteps, noise, args.context_frames, known, real, args.sink_frames)[0][:, -n:] if reference is not None else None
        states, known = states[:, :, -n:], known[:, -n:]
        emb, mask = emb[:, -(n // F) :], mask[:, -(n // F) :]
        k = random_block_steps(rng, b, n, F, len(timesteps)).to(dev)
        t = ts[k].masked_fill(known, 0.0)
        x0_gen = denoise_in_context(student, states_at(states, k), t, emb, mask, contexts)

        with torch.no_grad():
            tau = noise_levels(b, known)
            eps = torch.randn_like(x0_gen)
            x_tau = flow_noise(x0_gen.detach(), eps, tau)
            ne, nm = null.expand(b * (n // F), -1, -1).reshape(emb.shape), null_mask.expand(b * (n // F), -1).reshape(mask.shape)
            v = teacher.bidirectional(torch.cat([x_tau, x_tau]), torch.cat([tau, tau]), torch.cat([emb, ne]), torch.cat([mask, nm]))
            v_real = v[b:] + args.guidance * (v[:b] - v[b:])
            v_fake = critic.bidirectional(x_tau, tau, emb, mask)
            x0_real, x0_fake = x0_from_v(x_tau, v_real, tau), x0_from_v(x_tau, v_fake, tau)
            norm = (x0_gen.detach() - x0_real).abs().mean(dim=(1, 2, 3, 4), keepdim=True).clamp_min(1e-3)
            grad = (x0_fake - x0_real) / norm
        if args.dmd_switch_free:
            grad = grad * switch_free_frames(rolled, n // F, F, args.dmd_switch_free).to(dev)[:, :, None, None, None]
        loss_dmd = 0.5 * ((x0_gen - (x0_gen - grad).detach()) ** 2).mean()
        loss = loss_dmd
        # The frame before the scored blocks (the lead-in's last, detached) makes the seam a pair.
        before = x0_roll[:, -n - 1 : -n] if lead > 0 else None
        free = switch_free_pairs(rolled, n // F, F, before is not None, args.steadiness_switch_free).to(dev) if args.steadiness_switch_free else None
        loss_steady = excess_change_loss(x0_gen, before, steady_threshold, free)
        if args.steadiness_weight > 0:
            loss = loss + args.steadiness_weight * loss_steady
        # x0_gen is a one-pass prediction from a random step, the reference's the finished block:
        # only their means are compared, which a prediction keeps, in expectation, at every level.
        loss_anchor = statistics_anchor_loss(x0_gen, x0_ref, F, args.anchor_pooled) if x0_ref is not None else torch.zeros((), device=dev)
        loss = loss + args.anchor_weight * loss_anchor
        if args.ode_weight > 0:
            j = torch.from_numpy(rng.choice(len(x0_pairs), b, replace=False))
            kj = random_block_steps(rng, b, n, F, len(timesteps))
            nj = states_at(traj_pairs[j], kj).to(dev)
            ej, mj = embed(j.tolist())
            tj = ts[kj.to(dev)].masked_fill(known_pairs[j].to(dev), 0.0)
            xj = x0_pairs[j].to(dev)
            pred = x0_from_v(nj, student.teacher_forced(xj, nj, tj, ej, mj), tj)
            loss = loss + args.ode_weight * ((pred - xj) ** 2).mean()
        loss_data = continuation_loss(b) if args.data_weight > 0 else torch.zeros((), device=dev)
        loss = loss + args.data_weight * loss_data
        opt_g.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
        opt_g.step()

        for _ in range(args.critic_steps):
            lc = critic_loss(x0_gen.detach(), emb, mask, known)
            opt_c.zero_grad(set_to_none=True)
            lc.backward()
            torch.nn.utils.clip_grad_norm_(critic.parameters(), 1.0)
            opt_c.step()
        return {"dmd": loss_dmd.item(), "data": loss_data.item(), "total": loss.item(), "critic": lc.item(), "excess_change": loss_steady.item(), "anchor": loss_anchor.item(), "x0_std": x0_gen.detach().std().item()}

    stage.run_loop(step, log_every=10, seconds=args.seconds)


if __name__ == "__main__":
    main()
