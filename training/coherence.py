"""How coherent a teacher's clips are from frame to frame, against real clips.

    python3 training/coherence.py [--checkpoint runs/default/teacher_temporal.pt] [--clips 8]

Prints, in latent space (latents have unit variance per channel):
- frame change: the mean absolute change between consecutive frames, for real clips and for
  the teacher's samples of the same prompts;
- continuation: given the first two real blocks, the mean absolute change from the last given
  frame to each following one, real against the teacher's.
- copy: the first two real blocks given clean, the rest noised to t = 0.95; how far the
  teacher's one-shot clean estimate of the first noisy frame is from the truth, against simply
  copying the last given frame (which real clips are close to). A network that can read a
  clean neighbour gets near the copy; session 3's teacher did not (0.27 against 0.03).
- flow loss: the conditional flow-matching loss on the last 64 clips at fixed noise levels and
  fixed noise, a like-for-like measure of how well two rounds fit the data (the training log's
  loss is on random draws, and each round's recipe and weighting differ).
- word swap (`--word-swap`, decodes frames, ~1 min more): single-object studio clips noised to
  fixed levels; how much the teacher's clean estimate changes, in grey levels of 255, over the
  object's pixels when the colour word is swapped, and over the whole frame when the background
  word is. Session 6's teacher: under 1 for colour, 8-30 for background.
A per-frame denoiser scores far above the real clips on both. Cheap enough to run on a
checkpoint while its round is still training.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from causvid.common import data_dir, default_config, load_autoencoder, run_dir, setup_torch
from causvid.model import flow_noise, x0_from_v
from causvid.prompts import COLORS
from causvid.sampler import encode_block_prompts, frames_to_u8, teacher_sample
from make_ode_pairs import load_teacher, teacher_checkpoint


def frame_change(latents: torch.Tensor) -> float:
    """Mean absolute change between consecutive frames of (B, N, ...) latents."""
    return float((latents[:, 1:] - latents[:, :-1]).abs().mean())


def change_from(latents: torch.Tensor, frame: int) -> list[float]:
    """Mean absolute change from frame `frame` to each later frame of (B, N, ...) latents."""
    ref = latents[:, frame : frame + 1]
    return [float(d) for d in (latents[:, frame + 1 :] - ref).abs().mean(dim=(0, 2, 3, 4))]


def copy_probe(dit, text, real, schedules, given, t_noisy=0.95, seed=0):
    """Error of the teacher's x0 for frame `given` (frames before it clean, the rest at
    t_noisy) against the truth, and the error of copying frame `given` - 1 instead."""
    t = torch.full(real.shape[:2], t_noisy)
    t[:, :given] = 0.0
    noise = torch.randn(real.shape, generator=torch.Generator().manual_seed(seed))
    x_t = flow_noise(real, noise, t)
    emb, mask = encode_block_prompts(text, schedules)
    x0 = x0_from_v(x_t, dit.bidirectional(x_t, t, emb, mask), t)
    truth = real[:, given]
    return {
        "teacher": float((x0[:, given] - truth).abs().mean()),
        "copy_last_given": float((real[:, given - 1] - truth).abs().mean()),
    }


def flow_loss(dit, text, latents, prompts, clips, levels=(0.1, 0.3, 0.5, 0.7, 0.9), batch=16, seed=0):
    """Mean squared flow error of the last `clips` clips at each noise level (every frame noised),
    the same noise every call; in batches, to bound memory."""
    sums = dict.fromkeys(map(str, levels), 0.0)
    for start in range(len(prompts) - clips, len(prompts), batch):
        part = range(start, min(start + batch, len(prompts)))
        real = torch.from_numpy(latents[part.start : part.stop].astype(np.float32))
        emb, mask = encode_block_prompts(text, [prompts[i] for i in part])
        g = torch.Generator().manual_seed(seed)
        for level in levels:
            eps = torch.randn(real.shape, generator=g)
            t = torch.full(real.shape[:2], level)
            v = dit.bidirectional(flow_noise(real, eps, t), t, emb, mask)
            sums[str(level)] += float(((v - (eps - real)) ** 2).sum()) / real[0].numel()
    out = {k: v / clips for k, v in sums.items()}
    out["mean"] = sum(out.values()) / len(levels)
    return out


def word_swap(dit, text, decoder, latents, frames, prompts, levels=(0.3, 0.6, 0.9), clips=8):
    """Mean change of the decoded clean estimate when one prompt word is swapped: the colour
    word (over the object's pixels) and the background (over the frame), per noise level."""
    chosen = [i for i in range(len(prompts) - 1000, len(prompts))
              if len(set(prompts[i])) == 1 and " and " not in prompts[i][0] and prompts[i][0].count("in a studio")][:clips]
    colours = list(COLORS)

    out = {}
    for level in levels:
        colour, background = [], []
        for i in chosen:
            x0 = torch.from_numpy(latents[i : i + 1].astype(np.float32))
            t = torch.full((1, x0.shape[1]), level)
            x_t = flow_noise(x0, torch.randn(x0.shape, generator=torch.Generator().manual_seed(0)), t)

            def estimate(prompt):
                emb, mask = encode_block_prompts(text, [[prompt] * len(prompts[i])])
                return frames_to_u8(decoder(x0_from_v(x_t, dit.bidirectional(x_t, t, emb, mask), t)[0])).astype(np.float32)

            prompt = prompts[i][0]
            word = next(w for w in prompt.split() if w in colours)
            other = colours[(colours.index(word) + 3) % len(colours)]
            truth = frames[i].astype(np.float32)
            on_object = np.abs(truth - truth.reshape(-1, 3).mean(0)).sum(-1) > 120  # off the studio grey
            own = estimate(prompt)
            colour.append(float(np.abs(own - estimate(prompt.replace(word, other, 1)))[on_object].mean()))
            background.append(float(np.abs(own - estimate(prompt.replace("in a studio", "at night"))).mean()))
        out[str(level)] = {"colour_word": round(float(np.mean(colour)), 2), "background_word": round(float(np.mean(background)), 2)}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", type=Path, default=None, help="a teacher round's .pt (default: the finished teacher)")
    ap.add_argument("--clips", type=int, default=8)
    ap.add_argument("--steps", type=int, default=48)
    ap.add_argument("--loss-clips", type=int, default=64)
    ap.add_argument("--word-swap", action="store_true", help="also measure how much a swapped colour or background word changes the estimate")
    args = ap.parse_args()
    setup_torch()
    run, cfg = run_dir(), default_config()
    path = args.checkpoint or teacher_checkpoint(run)
    dit, text = load_teacher(run, cfg, path)
    latents = np.load(run / "latents.npy", mmap_mode="r")
    prompts = json.loads((data_dir() / "prompts.json").read_text())
    # The last clips of the data, the same ones every time, so checkpoints compare.
    idx = list(range(len(prompts) - args.clips, len(prompts)))
    real = torch.from_numpy(np.stack([latents[i] for i in idx]).astype(np.float32))
    schedules = [prompts[i] for i in idx]
    fpb = cfg.frames_per_block
    noise = torch.randn(real.shape, generator=torch.Generator().manual_seed(0))
    known = torch.zeros(real.shape[:2], dtype=torch.bool)
    known[:, : 2 * fpb] = True
    with torch.no_grad():
        free, _ = teacher_sample(dit, text, schedules, args.steps, 3.0, noise)
        cont, _ = teacher_sample(dit, text, schedules, args.steps, 3.0, noise, cond=(real, known))
        copy = copy_probe(dit, text, real, schedules, 2 * fpb)
        loss = flow_loss(dit, text, latents, prompts, args.loss_clips)
    last = 2 * fpb - 1
    report = {
        "checkpoint": str(path),
        "frame_change": {"real": frame_change(real), "teacher": frame_change(free)},
        "continuation_change_from_last_given": {
            "real": [round(x, 3) for x in change_from(real, last)],
            "teacher": [round(x, 3) for x in change_from(cont, last)],
        },
        "copy_error_first_noisy_frame": {k: round(v, 3) for k, v in copy.items()},
        "flow_loss_by_noise_level": {k: round(v, 4) for k, v in loss.items()},
    }
    if args.word_swap:
        frames = np.load(data_dir() / "frames.npy", mmap_mode="r")
        with torch.no_grad():
            report["word_swap_change"] = word_swap(dit, text, load_autoencoder(run).decoder, latents, frames, prompts)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
