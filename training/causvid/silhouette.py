"""Reading an object's shape from its silhouette in the plain grey studio, with no classifier.

In the studio every pixel far off the backdrop belongs to the object, so its shape can be read
from that mask by two numbers: how much of its bounding box it fills (extent: a box 1, a ball
pi/4, a triangle or a star about a half) and how much of its convex hull (solidity: a star's
points leave gaps, the other three shapes fill theirs). On ground-truth renders these read the
shape almost always, where the learned scorer's shape head reads under half (training log), so
they tell whether the frame autoencoder and the generators keep shapes at all.
"""

from __future__ import annotations

import random

import numpy as np
from skimage.measure import label, regionprops

from .prompts import COLORS, SHAPES, Scene, SceneObject
from .render import render_clip

# "Far" off the backdrop: every object colour is, and the speckle of generated backdrops mostly
# is not (evaluate.studio_objects reads cover and colour from the same mask).
FAR = 0.25
# Regions smaller than this (pixels) are speckle, not an object: the smallest studio object
# (radius 0.09 of the view at 128 px, a star) covers ~150.
MIN_AREA = 40


def off_backdrop(frame_u8: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 studio frame -> bool mask of pixels far off its backdrop (the median)."""
    f = frame_u8.astype(np.float32) / 255
    grey = np.median(f.reshape(-1, 3), axis=0)
    return np.abs(f - grey).max(-1) > FAR


def regions(mask: np.ndarray) -> list:
    """The mask's connected regions (8-neighbour) bigger than speckle, as skimage regionprops."""
    return [r for r in regionprops(label(mask, connectivity=2)) if r.area >= MIN_AREA]


def pieces(mask: np.ndarray) -> int:
    """How many separate regions an off-backdrop mask has: 1 for one object drawn whole. An
    undertrained generator draws one object as several token-sized pieces (training log, session
    10), which cover and colour do not show."""
    return len(regions(mask))


def steadiness(masks) -> float | None:
    """How still an object is drawn over a clip: the mean overlap (intersection over union) of
    each frame's off-backdrop mask with the previous frame's, over the pairs where either has
    one. A standing object drawn the same in every frame reads 1; one the generator redraws in a
    new outline each frame (boils) reads lower, which the scorer's motion head reads as spinning
    or bouncing (training log, session 45). None when no frame has a mask."""
    overlaps = []
    for before, after in zip(masks[:-1], masks[1:]):
        union = np.logical_or(before, after).sum()
        if union:
            overlaps.append(np.logical_and(before, after).sum() / union)
    return float(np.mean(overlaps)) if overlaps else None


def silhouette_features(mask: np.ndarray) -> tuple[float, float] | None:
    """(extent, solidity) of the largest connected region of a mask; None when it has none
    bigger than speckle."""
    found = regions(mask)
    if not found:
        return None
    r = max(found, key=lambda r: r.area)
    return float(r.extent), float(r.solidity)


def studio_renders(n: int, seed: int, object_scale: float = 1.0) -> list[tuple[str, np.ndarray]]:
    """n (shape, frame) pairs: each shape in turn, standing still in the studio, in a random
    colour and size (radius 0.09-0.15 view widths times `object_scale`), unrotated (a prompt
    names no angle, and standing objects do not turn)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        shape = SHAPES[i % len(SHAPES)]
        obj = SceneObject(rng.choice(list(COLORS)), shape, "standing still", x=rng.uniform(0.3, 0.7), y=rng.uniform(0.3, 0.7), size=rng.uniform(0.09, 0.15) * object_scale)
        out.append((shape, render_clip([Scene((obj,), "studio", seed=rng.randrange(1 << 30))], 4)[0]))
    return out


class SilhouetteReader:
    """Reads a studio frame's shape as the nearest, in (extent, solidity), of each shape's mean
    on ground-truth renders."""

    def __init__(self, references: list[tuple[str, np.ndarray]]):
        feats: dict[str, list] = {s: [] for s in SHAPES}
        for shape, frame in references:
            f = silhouette_features(off_backdrop(frame))
            if f is not None:
                feats[shape].append(f)
        self.centres = {s: np.mean(v, axis=0) for s, v in feats.items() if v}

    @classmethod
    def from_renders(cls, n: int = 64, seed: int = 21, object_scale: float = 1.0) -> "SilhouetteReader":
        return cls(studio_renders(n, seed, object_scale))

    def read(self, frame_u8: np.ndarray) -> str | None:
        return self.read_mask(off_backdrop(frame_u8))

    def read_mask(self, mask: np.ndarray) -> str | None:
        """The shape of an off-backdrop mask (off_backdrop), for callers that already have it."""
        f = silhouette_features(mask)
        if f is None:
            return None
        return min(self.centres, key=lambda s: float(np.sum((self.centres[s] - np.asarray(f)) ** 2)))

    def accuracy(self, frames_u8, shapes) -> float:
        """Share of frames read as their shape (none drawn counts as wrong)."""
        return float(np.mean([self.read(f) == s for f, s in zip(frames_u8, shapes)]))
