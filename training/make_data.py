"""Stage 0: render the training clips into training/data/ (not kept in git).

    python3 training/make_data.py --clips 4000

Then, where it is missing, the objects' coverage of every clip at the latent grid's resolution
(`coverage.npy`, uint8 (clips, N, 16, 16)), which the teacher's object round weights its loss
by. It is rendered again from the same seeds and checked clip by clip against `frames.npy`, so
a dataset rendered before coverage existed gains it unchanged.
"""

import argparse

import numpy as np

from causvid.common import data_dir
from causvid.data import load_dataset, render_dataset, replay_coverage

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=4000)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    out = data_dir()
    if (out / "frames.npy").exists():
        print(f"{out}/frames.npy exists; delete it to re-render")
    else:
        render_dataset(out, args.clips, workers=args.workers)
    if not (out / "coverage.npy").exists():
        frames, _ = load_dataset(out)
        coverage, sums = replay_coverage(len(frames), workers=args.workers)
        stored = np.array([frames[i].sum(dtype=np.int64) for i in range(len(frames))])
        if not np.array_equal(sums, stored):
            bad = np.flatnonzero(sums != stored)
            raise SystemExit(f"the replay differs from frames.npy in {len(bad)} clips (first: {bad[0]}); re-render the data")
        np.save(out / "coverage.tmp.npy", coverage)
        (out / "coverage.tmp.npy").rename(out / "coverage.npy")
        print(f"{out}/coverage.npy: objects cover {float((coverage > 0).mean()):.1%} of latent cells")
