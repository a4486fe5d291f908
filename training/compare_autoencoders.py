"""Do frame autoencoders keep object shapes? Scores and draws finished ones side by side.

    PYTHONPATH=training python3 training/compare_autoencoders.py \
        training/runs/default '/work/p3runs/default={"latent_size": 32, "latent_channels": 4, "ae_channels": [24, 48, 64]}' \
        --sheet docs/images/autoencoder-shapes.jpg

Each argument is a run folder holding ae_final.pt, optionally followed by `=` and the
CAUSVID_MODEL_CONFIG it was trained under. Prints, per autoencoder, the share of 64 unseen
studio renders whose silhouette still reads as their shape (causvid/silhouette.py) and the
mean absolute pixel error on 64 training frames; the sheet shows each shape, small, on four
backgrounds: ground truth on top, then one row per autoencoder.
"""

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image

from causvid.common import data_dir, default_config, load_autoencoder, setup_torch
from causvid.model import FrameAutoencoder
from causvid.prompts import Scene, SceneObject
from causvid.render import render_clip
from causvid.silhouette import SilhouetteReader, studio_renders
from train_scorer import autoencoder_roundtrip

SHEET_BACKGROUNDS = (("studio", "red"), ("sky", "red"), ("sea", "yellow"), ("grass", "purple"))


def load_run(spec: str) -> tuple[str, FrameAutoencoder]:
    path, _, config = spec.partition("=")
    return path, load_autoencoder(Path(path), default_config(**json.loads(config or "{}")))


def sheet_tiles() -> np.ndarray:
    """(16, 128, 128, 3): each shape at the smallest size the data has, on each background."""
    tiles = []
    for background, colour in SHEET_BACKGROUNDS:
        for shape in ("ball", "box", "triangle", "star"):
            scene = Scene((SceneObject(colour, shape, "standing still", size=0.09),), background, seed=3)
            tiles.append(render_clip([scene], 4)[0])
    return np.stack(tiles)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+", help="RUN_DIR or RUN_DIR=CONFIG_JSON")
    ap.add_argument("--sheet", type=Path, help="write a contact sheet (JPEG) here")
    args = ap.parse_args()
    setup_torch()
    reader = SilhouetteReader.from_renders()
    test = studio_renders(64, seed=5)
    frames, shapes = np.stack([f for _, f in test]), [s for s, _ in test]
    train = np.load(data_dir() / "frames.npy", mmap_mode="r")
    rng = np.random.default_rng(0)
    sample = np.stack([train[c, f] for c, f in zip(rng.integers(0, train.shape[0], 64), rng.integers(0, train.shape[1], 64))])
    tiles = sheet_tiles()
    rows = [tiles]
    print(f"ground truth: shapes read {100 * reader.accuracy(frames, shapes):.0f}%")
    for spec in args.runs:
        name, ae = load_run(spec)
        roundtrip = autoencoder_roundtrip(ae)
        l1 = np.abs(roundtrip(sample).astype(np.float32) - sample).mean() / 255
        print(f"{name}: shapes read {100 * reader.accuracy(roundtrip(frames), shapes):.0f}%, pixel error {l1:.4f}")
        rows.append(roundtrip(tiles))
    if args.sheet:
        crop = [r[:, 32:96, 32:96] for r in rows]  # the middle of each frame, where the object is
        grid = np.concatenate([np.concatenate(list(r), axis=1) for r in crop], axis=0)
        Image.fromarray(grid).resize((grid.shape[1] * 3 // 2, grid.shape[0] * 3 // 2), Image.NEAREST).save(args.sheet, quality=88)


if __name__ == "__main__":
    main()
