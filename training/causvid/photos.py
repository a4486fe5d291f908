"""Natural photographs from Debian packages, used as camera-moved backgrounds (see DATA.md)."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import numpy as np
from PIL import Image

SKIMAGE_DATA = Path("/usr/lib/python3/dist-packages/skimage/data")
SKIMAGE_PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "motorcycle_left.png", "hubble_deep_field.jpg", "retina.jpg", "ihc.png"]
# Never used for training: the "photo never seen in training" of the evaluation.
HELD_OUT_PHOTO = SKIMAGE_DATA / "rocket.jpg"
# The photographs among two desktops' wallpapers (the rest are drawings and gradients). With
# scikit-image's seven alone, a network can learn the bank's look by heart and paint it after
# a user's photo instead of carrying the photo on (training log, session 13).
MATE_NATURE = Path("/usr/share/backgrounds/mate/nature")  # mate-backgrounds: all twelve are photos
PLASMA_WALLPAPERS = Path("/usr/share/wallpapers")  # plasma-workspace-wallpapers
PLASMA_PHOTOS = ["BytheWater", "ColdRipple", "ColorfulCups", "DarkestHour", "EveningGlow", "FallenLeaf",
                 "Grey", "Kite", "OneStandsOut", "Path", "Volna", "summer_1am"]
TEXTURE = 192


def training_photo_paths() -> list[Path]:
    """The Debian packages' photos that are installed, or on a machine without them (a rented
    GPU) the folder CAUSVID_PHOTOS, which `python3 -m causvid.photos DIR` fills with copies."""
    if os.environ.get("CAUSVID_PHOTOS"):
        return sorted(Path(os.environ["CAUSVID_PHOTOS"]).glob("*.png"))
    paths = [SKIMAGE_DATA / n for n in SKIMAGE_PHOTOS if (SKIMAGE_DATA / n).exists()]
    if MATE_NATURE.is_dir():
        paths += sorted(MATE_NATURE.glob("*.jpg"))
    for name in PLASMA_PHOTOS:
        image = plasma_image(PLASMA_WALLPAPERS / name / "contents" / "images")
        if image:
            paths.append(image)
    return paths


def plasma_image(folder: Path, short_side: int = 512) -> Path | None:
    """A Plasma wallpaper ships one file per screen size, named WIDTHxHEIGHT: the smallest
    landscape one whose short side is at least `short_side` (load_photo shrinks it anyway)."""
    sizes = []
    for f in folder.glob("*x*.*") if folder.is_dir() else ():
        w, _, h = f.stem.partition("x")
        if w.isdigit() and h.isdigit() and int(w) >= int(h) >= short_side:
            sizes.append((int(w) * int(h), f))
    return min(sizes)[1] if sizes else None


def load_photo(path: Path, max_side: int = 512) -> np.ndarray:
    """RGB float32 in [0, 1], downscaled so the long side is at most max_side."""
    img = Image.open(path).convert("RGB")
    img.thumbnail((max_side, max_side), Image.BICUBIC)
    return np.asarray(img, np.float32) / 255.0


def random_texture(photo: np.ndarray, rng: random.Random, size: int = TEXTURE) -> np.ndarray:
    """A random square crop (30-100% of the short side), maybe flipped, at `size` px (the
    renderer's texture size; a frame's for a photo seen as it is, as the engine pins one)."""
    h, w, _ = photo.shape
    side = int(min(h, w) * rng.uniform(0.3, 1.0))
    y0, x0 = rng.randint(0, h - side), rng.randint(0, w - side)
    crop = photo[y0 : y0 + side, x0 : x0 + side]
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    img = Image.fromarray((crop * 255).astype(np.uint8)).resize((size, size), Image.BILINEAR)
    return jitter_colours(np.asarray(img, np.float32) / 255.0, rng)


def random_frames(photos: list[np.ndarray], n: int, size: int, rng: random.Random) -> np.ndarray:
    """n uint8 frames (n, size, size, 3), each a random_texture of a random photo: a photo seen
    as a frame, as the engine pins a user's photo for image-to-video."""
    out = [random_texture(photos[rng.randrange(len(photos))], rng, size) for _ in range(n)]
    return (np.stack(out) * 255).round().astype(np.uint8) if out else np.zeros((0, size, size, 3), np.uint8)


def jitter_colours(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Saturation x0.7-1.3, contrast x0.8-1.2 and exposure x0.8-1.2: each photo is seen in many
    lights, so that a photo's palette is not a signature the generator can learn by heart."""
    grey = img.mean(-1, keepdims=True)
    img = grey + rng.uniform(0.7, 1.3) * (img - grey)
    mean = img.mean()
    img = mean + rng.uniform(0.8, 1.2) * (img - mean)
    return np.clip(img * rng.uniform(0.8, 1.2), 0.0, 1.0).astype(np.float32)


def center_texture(photo: np.ndarray, size: int = TEXTURE) -> np.ndarray:
    """The whole photo's centre square, as a user's photo is placed (crop, not letterbox)."""
    h, w, _ = photo.shape
    side = min(h, w)
    y0, x0 = (h - side) // 2, (w - side) // 2
    img = Image.fromarray((photo[y0 : y0 + side, x0 : x0 + side] * 255).astype(np.uint8)).resize((size, size), Image.BILINEAR)
    return np.asarray(img, np.float32) / 255.0


if __name__ == "__main__":
    # Copies of the training photos, downscaled as load_photo would, for CAUSVID_PHOTOS.
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for i, path in enumerate(training_photo_paths()):
        # A Plasma wallpaper's file is named by its size; its folder three up has the name.
        name = path.parents[2].name if path.parent.name == "images" else path.stem
        Image.fromarray((load_photo(path) * 255).round().astype(np.uint8)).save(out / f"{i:02d}_{name}.png")
