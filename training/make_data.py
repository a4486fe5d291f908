"""Stage 0: render the training clips into training/data/ (not kept in git).

    python3 training/make_data.py --clips 4000
"""

import argparse

from causvid.common import data_dir
from causvid.data import SHIPPED_OBJECT_SCALE, render_dataset

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=4000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--object-scale", type=float, default=SHIPPED_OBJECT_SCALE, help="multiply every object's radius (0.09-0.15 view widths) by this: 2 as shipped since session 17, 1 before; the same seeds give the same scenes otherwise")
    args = ap.parse_args()
    out = data_dir()
    if (out / "frames.npy").exists():
        print(f"{out}/frames.npy exists; delete it to re-render")
    else:
        render_dataset(out, args.clips, workers=args.workers, object_scale=args.object_scale)
