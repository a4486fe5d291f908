"""A random-weight pack of another student architecture, to time with the engine before training it.

    python3 training/probe_speed.py --patch 2 --dim 128 --out /tmp/pack_p2
    ./studio bench --model /tmp/pack_p2 --seconds 8     # frames_per_second, realtime_factor

The autoencoder and text encoder are the trained ones of runs/default, so the decoder's
share of the time is the real one; the student (and, since a pack must have one, the teacher)
are random: the time of a graph does not depend on its weights.
"""

import argparse
from pathlib import Path

from causvid.common import default_config, load_autoencoder, run_dir
from causvid.export import export_pack
from causvid.model import VideoDiT
from make_ode_pairs import STUDENT_TIMESTEPS, load_teacher
from make_test_pack import randomise


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--patch", type=int, default=4)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    cfg = default_config(patch=args.patch, dim=args.dim, layers=args.layers, heads=args.heads)
    _, text = load_teacher(run_dir(), default_config())
    student = randomise(VideoDiT(cfg), 1)
    export_pack(
        args.out, cfg, load_autoencoder(run_dir()), text, student, student, STUDENT_TIMESTEPS, 12, 0, 48, 3.0,
        name=f"speed-probe-p{args.patch}-d{args.dim}-l{args.layers}", description="Random weights, for timing only.", training_info={"config": cfg.to_dict()},
    )
    print(f"{args.out}: {sum(p.stat().st_size for p in args.out.iterdir()) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
