"""The evaluation scorer: a small video classifier trained on rendered ground truth.

    python3 training/train_scorer.py [--steps 3000] [--refresh 2] [--threads 1]

Half of what it sees has been through the frame autoencoder, because every generated clip
has. Writes runs/default/scorer.pt and prints the scorer's accuracy on fresh renders, raw and
round-tripped; evaluate.py reports the same ceiling on the held-out prompts.
"""

import argparse
import random

import numpy as np
import torch

from causvid import photos as P
from causvid.common import load_autoencoder, run_dir, save_atomic, setup_torch
from causvid.sampler import frames_from_u8, frames_to_u8
from causvid.scorer import HEADS, OBJECT_SCALES, TRAIN_STEPS, predict, render_labelled, train_scorer


def autoencoder_roundtrip(ae):
    """uint8 frames (N, H, W, 3) -> the same frames through encoder and decoder."""

    @torch.no_grad()
    def roundtrip(frames_u8):
        x = frames_from_u8(frames_u8)
        return frames_to_u8(ae.decoder(ae.encoder(x)))

    return roundtrip


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=TRAIN_STEPS)
    ap.add_argument("--pool", type=int, default=1600)
    ap.add_argument("--refresh", type=int, default=2, help="new renders swapped into the pool per step")
    ap.add_argument("--object-scales", type=float, nargs=2, default=OBJECT_SCALES, metavar=("LO", "HI"),
                    help="range of object radius multipliers to train on")
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    setup_torch(args.threads)
    run = run_dir()
    roundtrip = autoencoder_roundtrip(load_autoencoder(run))
    model = train_scorer(args.steps, 16, args.pool, roundtrip=roundtrip, refresh=args.refresh, object_scales=tuple(args.object_scales), log=lambda m: print(m, flush=True))
    save_atomic(model.state_dict(), run / "scorer.pt")
    rng = random.Random(99)
    bank = [P.load_photo(p) for p in P.training_photo_paths()]
    for name, fn in (("renders", lambda c: c), ("through the autoencoder", roundtrip)):
        hits = {k: [] for k in HEADS}
        for _ in range(200):
            clip, labels = render_labelled(rng, bank)
            pred = predict(model, fn(clip))
            for k in HEADS:
                hits[k].append(pred[k] == HEADS[k][labels[k]])
        print(f"scorer on 200 fresh {name}: " + ", ".join(f"{k} {100 * np.mean(v):.0f}%" for k, v in hits.items()), flush=True)


if __name__ == "__main__":
    main()
