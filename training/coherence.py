"""How coherent a teacher's clips are from frame to frame, against real clips.

    python3 training/coherence.py [--checkpoint runs/default/teacher_temporal.pt] [--clips 8]

Prints, in latent space (latents have unit variance per channel):
- frame change: the mean absolute change between consecutive frames, for real clips and for
  the teacher's samples of the same prompts;
- continuation: given the first two real blocks, the mean absolute change from the last given
  frame to each following one, real against the teacher's.
A per-frame denoiser scores far above the real clips on both. Cheap enough to run on a
checkpoint while its round is still training.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from causvid.common import data_dir, default_config, run_dir, setup_torch
from causvid.sampler import teacher_sample
from make_ode_pairs import load_teacher, teacher_checkpoint


def frame_change(latents: torch.Tensor) -> float:
    """Mean absolute change between consecutive frames of (B, N, ...) latents."""
    return float((latents[:, 1:] - latents[:, :-1]).abs().mean())


def change_from(latents: torch.Tensor, frame: int) -> list[float]:
    """Mean absolute change from frame `frame` to each later frame of (B, N, ...) latents."""
    ref = latents[:, frame : frame + 1]
    return [float(d) for d in (latents[:, frame + 1 :] - ref).abs().mean(dim=(0, 2, 3, 4))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", type=Path, default=None, help="a teacher round's .pt (default: the finished teacher)")
    ap.add_argument("--clips", type=int, default=8)
    ap.add_argument("--steps", type=int, default=48)
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
    last = 2 * fpb - 1
    report = {
        "checkpoint": str(path),
        "frame_change": {"real": frame_change(real), "teacher": frame_change(free)},
        "continuation_change_from_last_given": {
            "real": [round(x, 3) for x in change_from(real, last)],
            "teacher": [round(x, 3) for x in change_from(cont, last)],
        },
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
