"""A random-weight pack of another student architecture, to time with the engine before training it.

    python3 training/probe_speed.py --patch 2 --dim 128 --out /tmp/pack_p2
    ./studio bench --model /tmp/pack_p2 --seconds 8     # frames_per_second, realtime_factor

The time of a graph does not depend on its weights, so the student (and, since a pack must
have one, the teacher) and the text encoder are random. The autoencoder is the run's trained one
when it has one (its latent normalisation keeps the decoded frames in range), otherwise random:
CAUSVID_MODEL_CONFIG='{"latent_size": 32, "latent_channels": 4, "ae_channels": [24, 48, 64]}'
times session 9's autoencoder before it is trained.
"""

import argparse
from pathlib import Path

from causvid.common import default_config, load_autoencoder, run_dir
from causvid.export import export_pack
from causvid.model import FrameAutoencoder, TextEncoder, VideoDiT
from make_ode_pairs import STUDENT_TIMESTEPS
from make_test_pack import randomise


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--patch", type=int, default=4)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--timesteps", default=",".join(str(t) for t in STUDENT_TIMESTEPS), help="the student's denoising timesteps, comma-separated")
    ap.add_argument("--context", type=int, default=12, help="context window in frames")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    cfg = default_config(patch=args.patch, dim=args.dim, layers=args.layers, heads=args.heads)
    text = randomise(TextEncoder(cfg), 2)
    ae = load_autoencoder(run_dir()) if (run_dir() / "ae_final.pt").exists() else randomise(FrameAutoencoder(cfg), 3)
    student = randomise(VideoDiT(cfg), 1)
    export_pack(
        args.out, cfg, ae, text, student, student, [float(t) for t in args.timesteps.split(",")], args.context, 0, 48, 3.0,
        name=f"speed-probe-p{args.patch}-d{args.dim}-l{args.layers}", description="Random weights, for timing only.", training_info={"config": cfg.to_dict()},
    )
    print(f"{args.out}: {sum(p.stat().st_size for p in args.out.iterdir()) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
