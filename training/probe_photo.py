"""Does a teacher carry on a photo it has never seen, as the camera moves? Scored against the
renderer's truth.

    python3 training/probe_photo.py --checkpoint runs/default/teacher.pt --out /tmp/photo

The held-out photo (skimage's rocket.jpg, never in training) in four views: its centre square,
the same mirrored, and its left and right squares. The renderer moves the camera over each
("in a photo, the camera pans left", "pans right", "zooms in"; no object): that is the truth.
Its first frame, encoded, is pinned clean, as the engine pins a user's photo, and the teacher
draws the other 15 frames from that prompt (24 Euler steps, guidance 3, one noise per clip).

Per camera move, over frames 4-15 (decoded, 0-1):
- error: mean absolute difference from the truth's frames;
- held: the same for a clip that holds the first frame still, the error of not moving at all;
- copy: the autoencoder's own error on the truth's first frame (encoded and decoded), the floor;
- direction: for the pans, the share of frame pairs whose horizontal shift (phase correlation)
  has the truth's sign;
- kept: correlation of frame 15 with the truth's frame 15 (1: the photo carried on; near 0: lost).

A generator that paints something else after the first frame scores above `held` and near 0
kept; one that carries the photo as the camera moves goes under `held`, with kept near 1. The
sheet in --out shows, per view, the truth's frames 0, 5, 10, 15 and then the teacher's.
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from causvid import photos as P
from causvid.common import default_config, load_autoencoder, run_dir, setup_torch
from causvid.prompts import Scene, describe
from causvid.render import render_clip
from causvid.sampler import frames_from_u8, frames_to_u8, teacher_sample
from evaluate import phase_shift
from make_ode_pairs import load_teacher

CAMERAS = ("pan_left", "pan_right", "zoom_in")
SCORED = slice(4, 16)  # frames 1-3 share the pinned frame's block; the score starts at the next


def views(photo: np.ndarray) -> list[np.ndarray]:
    """Four square views of one photo, at the renderer's texture size."""
    h, w, _ = photo.shape
    side = min(h, w)
    left, right = photo[:side, :side], photo[h - side :, w - side :]
    return [P.center_texture(photo), P.center_texture(photo[:, ::-1].copy()), P.center_texture(left), P.center_texture(right)]


def truth_clips(textures, n_frames: int, fpb: int) -> tuple[np.ndarray, list[str]]:
    """The renderer's clips (uint8, (V*C, N, 128, 128, 3)) and prompts, view-major."""
    clips, prompts = [], []
    for tex in textures:
        for camera in CAMERAS:
            scene = Scene((), "photo", camera, photo=0)
            clips.append(render_clip([scene] * (n_frames // fpb), fpb, [tex]))
            prompts.append(describe(scene))
    return np.stack(clips), prompts


def scores(made: np.ndarray, truth: np.ndarray, roundtrip_first: np.ndarray) -> dict:
    """The module docstring's figures for one camera's clips, uint8 (B, N, H, W, 3)."""
    f = lambda a: a.astype(np.float32) / 255
    err = np.abs(f(made[:, SCORED]) - f(truth[:, SCORED])).mean()
    held = np.abs(f(made[:, :1]) - f(truth[:, SCORED])).mean()
    copy = np.abs(f(roundtrip_first[:, None]) - f(truth[:, :1])).mean()
    kept = np.mean([np.corrcoef(f(m[-1]).ravel(), f(t[-1]).ravel())[0, 1] for m, t in zip(made, truth)])
    out = {"error": float(err), "held": float(held), "copy": float(copy), "kept": float(kept)}
    signs = []
    for m, t in zip(made, truth):
        for i in range(SCORED.start - 1, made.shape[1] - 1):
            true_shift = phase_shift(t[i], t[i + 1])
            if true_shift:
                signs.append(np.sign(phase_shift(m[i], m[i + 1])) == np.sign(true_shift))
    if signs:
        out["direction"] = float(np.mean(signs))
    return out


def sheet(made: np.ndarray, truth: np.ndarray, path: Path, frames=(0, 5, 10, 15)):
    rows = []
    for m, t in zip(made, truth):
        rows.append(np.concatenate([t[i] for i in frames] + [np.full_like(t[0][:, :8], 255)] + [m[i] for i in frames], axis=1))
    Image.fromarray(np.concatenate(rows, axis=0)).save(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", type=Path, required=True, help="a teacher checkpoint (its averaged weights are used)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--steps", type=int, default=24)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    setup_torch(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    run, cfg = run_dir(), default_config()
    started = time.time()
    dit, text = load_teacher(run, cfg, args.checkpoint)
    ae = load_autoencoder(run)
    truth, prompts = truth_clips(views(P.load_photo(P.HELD_OUT_PHOTO)), cfg.clip_frames, cfg.frames_per_block)
    blocks = cfg.clip_frames // cfg.frames_per_block
    with torch.no_grad():
        first = ae.encoder(frames_from_u8(truth[:, 0]))
        cond = torch.zeros(len(truth), cfg.clip_frames, *first.shape[1:])
        cond[:, 0] = first
        known = torch.zeros(len(truth), cfg.clip_frames, dtype=torch.bool)
        known[:, 0] = True
        noise = torch.randn(cond.shape, generator=torch.Generator().manual_seed(0))
        x0, _ = teacher_sample(dit, text, [[p] * blocks for p in prompts], args.steps, args.guidance, noise, cond=(cond, known))
        made = frames_to_u8(ae.decoder(x0.flatten(0, 1))).reshape(truth.shape)
        roundtrip_first = frames_to_u8(ae.decoder(first))
    result = {"checkpoint": str(args.checkpoint)}
    for c, camera in enumerate(CAMERAS):
        pick = slice(c, None, len(CAMERAS))
        result[camera] = scores(made[pick], truth[pick], roundtrip_first[pick])
    result["seconds"] = round(time.time() - started)
    sheet(made[:: len(CAMERAS)], truth[:: len(CAMERAS)], args.out / "pan_left.png")
    (args.out / "figures.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
