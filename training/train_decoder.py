"""Stage 1b: the frame decoder again, on photos, with the encoder frozen.

    python3 training/train_decoder.py --steps 3000

The frame autoencoder (train_ae.py) learns from the rendered clips, where a photo is one
backdrop among seven. On a photo it has never seen its decoder gives back a blur in the wrong
colours: a dusk sky turns green, a grey pier purple (training log, session 42). A user's photo
is pinned as the first frame of image-to-video and decoded in every frame after, so this is
what the studio shows of it.

Only the decoder learns here. The encoder stays as it is, so every latent (the dataset's, the
teacher's, the student's) means what it meant, and nothing trained on them has to be trained
again: a pack gets the new decoder alone. A batch is half photo frames (the training photos,
cropped, flipped and recoloured as the renderer's photo backdrops are, at frame size, as the
engine pins a photo) and half rendered frames, whose decoding must not get worse; latents are
perturbed slightly, as in train_ae.py, for samples that are never exactly an encoding.

At the end the new decoder goes into ae_final.pt, which every later stage and the export read;
the autoencoder it started from is kept in ae_before_decoder.pt.
"""

import argparse
import random

import numpy as np
import torch

from causvid import photos as P
from causvid.common import Stage, cosine_lr, data_dir, default_config, load, run_dir, save_atomic, setup_torch
from causvid.data import load_dataset
from causvid.model import FrameAutoencoder
from causvid.sampler import frames_from_u8, frames_to_u8
from train_ae import reconstruction_loss

BASE = "ae_before_decoder.pt"


def photo_frames(photos: list[np.ndarray], n: int, size: int, rng: random.Random) -> np.ndarray:
    """n uint8 frames (n, size, size, 3), each a random crop of a random photo."""
    out = [P.random_texture(photos[rng.randrange(len(photos))], rng, size) for _ in range(n)]
    return (np.stack(out) * 255).round().astype(np.uint8)


def rendered_frames(frames: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    clips, index = rng.integers(0, frames.shape[0], n), rng.integers(0, frames.shape[1], n)
    return np.stack([frames[c, i] for c, i in zip(clips, index)])


@torch.no_grad()
def reconstruction_error(ae: FrameAutoencoder, frames_u8: np.ndarray) -> float:
    """Mean absolute difference (0-1) between uint8 frames and their round trip."""
    rec = frames_to_u8(ae.decoder(ae.encoder(frames_from_u8(frames_u8))))
    return float(np.abs(rec.astype(np.float32) - frames_u8.astype(np.float32)).mean() / 255)


def held_out_views(size: int) -> np.ndarray:
    """The evaluation's unseen photo (never trained on, here either) and its mirror, uint8."""
    photo = P.load_photo(P.HELD_OUT_PHOTO)
    views = [P.center_texture(photo, size), P.center_texture(photo[:, ::-1].copy(), size)]
    return (np.stack(views) * 255).round().astype(np.uint8)


def train_decoder(ae: FrameAutoencoder, frames: np.ndarray, photos: list[np.ndarray], stage: Stage, opt, lr: float, batch: int, photo_share: float, dev):
    """The decoder to the stage's total, resuming where it stopped; the encoder is not touched."""
    if stage.done():
        return
    ae.encoder.requires_grad_(False).eval()
    rng, nrng = random.Random(stage.step), np.random.default_rng(stage.step)
    n_photo = round(batch * photo_share)
    size = frames.shape[2]

    def step(i):
        for g in opt.param_groups:
            g["lr"] = cosine_lr(i, stage.total, lr)
        x = np.concatenate([photo_frames(photos, n_photo, size, rng), rendered_frames(frames, batch - n_photo, nrng)])
        x = frames_from_u8(torch.from_numpy(x).to(dev))
        with torch.no_grad():
            z = ae.encoder(x)
        rec = ae.decoder(z + 0.05 * torch.randn_like(z))
        loss = reconstruction_loss(rec, x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {"loss": loss.item(), "l1_photos": (rec[:n_photo] - x[:n_photo]).abs().mean().item()}

    stage.run_loop(step)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--photo-share", type=float, default=0.5, help="share of each batch that is photo frames, the rest rendered ones")
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    dev = setup_torch(args.threads)
    run = run_dir()
    # Rerun after the stage is done, this only writes ae_final.pt again (the same bytes' worth).
    if not (run / BASE).exists():
        save_atomic(load(run / "ae_final.pt"), run / BASE)
    ae = FrameAutoencoder(default_config())
    ae.load_state_dict(load(run / BASE)["ae"])
    ae.to(dev)
    frames, _ = load_dataset(data_dir())
    photos = [P.load_photo(p) for p in P.training_photo_paths()]
    if not photos:
        raise SystemExit("no training photos found: install mate-backgrounds and plasma-workspace-wallpapers, or set CAUSVID_PHOTOS (training/DATA.md)")
    held, rendered = held_out_views(frames.shape[2]), rendered_frames(frames, 64, np.random.default_rng(12345))
    print(f"[decoder] before: unseen photo {reconstruction_error(ae, held):.4f}, rendered frames {reconstruction_error(ae, rendered):.4f}", flush=True)
    opt = torch.optim.AdamW(ae.decoder.parameters(), lr=args.lr, weight_decay=0.0)
    stage = Stage("decoder", args.steps, {"decoder": ae.decoder, "opt": opt}, run)
    train_decoder(ae, frames, photos, stage, opt, args.lr, args.batch, args.photo_share, dev)
    ae.eval()
    print(f"[decoder] after: unseen photo {reconstruction_error(ae, held):.4f}, rendered frames {reconstruction_error(ae, rendered):.4f}", flush=True)
    save_atomic({"ae": ae.state_dict()}, run / "ae_final.pt")


if __name__ == "__main__":
    main()
