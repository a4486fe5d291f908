"""Contact sheet of samples from the current checkpoints, to look at training progress.

    python3 training/preview.py --who teacher --out /tmp/teacher.png [--steps 24]
    python3 training/preview.py --checkpoint runs/default/teacher_spatial.pt   # a round still training
"""

import argparse
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from causvid.common import default_config, load, load_autoencoder, run_dir, setup_torch
from causvid.model import VideoDiT
from causvid.sampler import StudentStreamer, frames_to_u8, teacher_sample
from make_ode_pairs import load_teacher, run_timesteps

PROMPTS = [
    "a red ball bouncing at sunset",
    "a blue box moving left in the sky",
    "a yellow star spinning at night",
    "a green ball moving right over the sea",
    "a purple triangle growing on the grass",
    "a white box standing still in a studio, the camera zooms in",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--who", choices=["teacher", "student_ode", "student_dmd"], default="teacher")
    ap.add_argument("--steps", type=int, default=24)
    ap.add_argument("--out", type=Path, default=Path("/tmp/preview.png"))
    ap.add_argument("--checkpoint", type=Path, help="the teacher's checkpoint (default: the finished teacher)")
    args = ap.parse_args()
    setup_torch()
    run = run_dir()
    cfg = default_config()
    ae = load_autoencoder(run)
    teacher, text = load_teacher(run, cfg, args.checkpoint)
    rows = []
    with torch.no_grad():
        if args.who == "teacher":
            noise = torch.randn(len(PROMPTS), 16, cfg.latent_channels, cfg.latent_size, cfg.latent_size, generator=torch.Generator().manual_seed(0))
            x0, _ = teacher_sample(teacher, text, [[p] * 4 for p in PROMPTS], args.steps, 3.0, noise)
        else:
            student = VideoDiT(cfg)
            student.load_state_dict(load(run / f"{args.who}.pt")["state"]["student"])
            timesteps = run_timesteps(run)
            x0 = torch.stack([StudentStreamer(student.eval(), text, ae.decoder, timesteps, 12, 0).generate({0: p}, 4, seed=i) for i, p in enumerate(PROMPTS)])
        for lat in x0:
            rows.append(np.concatenate(list(frames_to_u8(ae.decoder(lat[::3]))), 1))
    Image.fromarray(np.concatenate(rows, 0)).save(args.out)
    print(args.out)


if __name__ == "__main__":
    main()
