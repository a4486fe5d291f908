"""Training clips: random scenes (some with a prompt switch at a block boundary), rendered.

`render_dataset` writes `frames.npy` (uint8, (clips, N, 128, 128, 3)), `prompts.json` (one
prompt per block per clip) and `render.json` (how they were rendered) into a data directory;
stages read them back with mmap.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import random
from pathlib import Path

import numpy as np

from . import photos as P
from .prompts import describe, random_scene, switched_scene
from .render import render_clip


# The object radius multiplier the shipped pack's clips were rendered at (make_data.py's default):
# twice the base radius since session 17, where the colour words bound (training log, session 16).
SHIPPED_OBJECT_SCALE = 2.0


def sample_clip(rng: random.Random, n_blocks: int, frames_per_block: int, photo_bank, allow_held_out=False, object_scale=1.0):
    """One clip: its per-block scenes and prompts, rendered. Returns (frames, prompts)."""
    scene = random_scene(rng, n_photos=1 if photo_bank else 0, allow_held_out=allow_held_out, object_scale=object_scale)
    scenes = [scene] * n_blocks
    if rng.random() < 0.3:  # a prompt switch at a block boundary
        at = rng.randrange(1, n_blocks)
        new, _ = switched_scene(rng, scene, n_photos=1 if photo_bank else 0)
        scenes = [scene] * at + [new] * (n_blocks - at)
    textures = []
    if any(s.background == "photo" for s in scenes):
        textures = [P.random_texture(rng.choice(photo_bank), rng)]
    # A pre-roll so clips start mid-motion (grown, spun, already moving), as later blocks do.
    pre = rng.choice([0, 0, 4, 8, 16, 32])
    frames = render_clip([scenes[0]] * (pre // frames_per_block) + scenes, frames_per_block, textures, start_time=rng.uniform(0, 10))
    return frames[pre:], [describe(s) for s in scenes]


_BANK: list = []


def _load_bank(photo_paths):
    _BANK.extend(P.load_photo(p) for p in photo_paths)  # once per worker: decoding is slow


def _worker(args):
    seed, count, n_blocks, fpb, object_scale = args
    rng = random.Random(seed)
    return [sample_clip(rng, n_blocks, fpb, _BANK, object_scale=object_scale) for _ in range(count)]


def render_dataset(out_dir: Path, clips: int, n_blocks: int = 4, frames_per_block: int = 4, workers: int = 2, seed: int = 0, object_scale: float = 1.0):
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [str(p) for p in P.training_photo_paths()]
    n = n_blocks * frames_per_block
    frames = np.lib.format.open_memmap(out_dir / "frames.tmp.npy", mode="w+", dtype=np.uint8, shape=(clips, n, 128, 128, 3))
    chunk = 50
    jobs = [(seed * 100003 + i, min(chunk, clips - i * chunk), n_blocks, frames_per_block, object_scale) for i in range((clips + chunk - 1) // chunk)]
    prompts = []
    with mp.Pool(workers, initializer=_load_bank, initargs=(paths,)) as pool:
        i = 0
        for result in pool.imap(_worker, jobs):
            for clip, p in result:
                frames[i] = clip
                prompts.append(p)
                i += 1
            print(f"rendered {i}/{clips} clips", flush=True)
    frames.flush()
    del frames
    (out_dir / "frames.tmp.npy").rename(out_dir / "frames.npy")
    (out_dir / "prompts.json").write_text(json.dumps(prompts))
    write_render_info(out_dir, clips=clips, seed=seed, object_scale=object_scale)


def write_render_info(out_dir: Path, clips: int, seed: int, object_scale: float):
    """render.json: what the clips were rendered with, for the stages that must render like them
    (evaluate.py's held-out scenes) and for the pack's manifest."""
    (out_dir / "render.json").write_text(json.dumps({"clips": clips, "seed": seed, "object_scale": object_scale}) + "\n")


def rendered_object_scale(data_dir: Path, default: float = 1.0) -> float:
    """The object scale a data directory was rendered at; `default` where it has no render.json
    (data rendered before session 17 was all at the base radius, 1)."""
    info = data_dir / "render.json"
    return float(json.loads(info.read_text())["object_scale"]) if info.exists() else default


def load_dataset(data_dir: Path):
    frames = np.load(data_dir / "frames.npy", mmap_mode="r")
    prompts = json.loads((data_dir / "prompts.json").read_text())
    return frames, prompts


def random_frames(frames: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n uint8 frames (n, H, W, 3), each a random frame of a random clip of `frames`."""
    clips, index = rng.integers(0, frames.shape[0], n), rng.integers(0, frames.shape[1], n)
    return np.stack([frames[c, i] for c, i in zip(clips, index)]) if n else np.zeros((0, *frames.shape[2:]), np.uint8)
