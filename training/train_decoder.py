"""Stage 5b, not shipped: the frame decoder again, on photos, with the encoder frozen.

    python3 training/train_decoder.py --steps 3000 --keep-share 0.25    # after the student

The frame autoencoder (train_ae.py) learns from the rendered clips, where a photo is one
backdrop among seven. On a photo it has never seen it gives back a blur in the wrong colours:
a dusk sky turns green, a grey pier purple (training log, session 42). A user's photo is pinned
as the first frame of image-to-video and decoded in every frame after, so this is what the
studio shows of it.

Only the decoder learns here. The encoder stays as it is, so every latent (the dataset's, the
teacher's, the student's) means what it meant, and nothing trained on them has to be trained
again: a pack gets the new decoder alone. A batch is photo frames (the training photos,
cropped, flipped and recoloured as the renderer's photo backdrops are, at frame size, as the
engine pins a photo; `--photo-share`) and rendered frames, latents perturbed slightly as in
train_ae.py. A generated latent is not an encoding: trained on encodings alone, the new decoder
drew green fringes around the student's objects and turned its purple grey-green. So a share of
each batch can be latents the run's student made (`--keep-share`; `decoder_keep.npy`, made once
from the training prompts), on which the decoder is held to what the decoder it started from
drew. At a quarter of the batch that did not stop it either (session 42). The likely reason
(not measured): the encoder gives a photo's greens latents that the student also makes for its
purple, and one decoder cannot draw both. Hence not shipped: the photo's ceiling is the
encoder's, and a better one means a new teacher and student trained on its latents.

At the end the new decoder goes into ae_final.pt, which the export reads; the autoencoder it
started from is kept in ae_before_decoder.pt.
"""

import argparse
import copy
import random

import numpy as np
import torch

from causvid import photos as P
from causvid.common import Stage, cosine_lr, data_dir, default_config, load, run_dir, save_atomic, setup_torch
from causvid.data import load_dataset, random_frames
from causvid.model import FrameAutoencoder
from causvid.sampler import frames_from_u8
from train_ae import reconstruction_loss
from train_scorer import autoencoder_roundtrip

BASE = "ae_before_decoder.pt"


def reconstruction_error(ae: FrameAutoencoder, frames_u8: np.ndarray) -> float:
    """Mean absolute difference (0-1) between uint8 frames and their round trip."""
    rec = autoencoder_roundtrip(ae)(frames_u8)
    return float(np.abs(rec.astype(np.float32) - frames_u8.astype(np.float32)).mean() / 255)


def held_out_views(size: int) -> np.ndarray:
    """The evaluation's unseen photo (never trained on, here either) and its mirror, uint8."""
    photo = P.load_photo(P.HELD_OUT_PHOTO)
    views = [P.center_texture(photo, size), P.center_texture(photo[:, ::-1].copy(), size)]
    return (np.stack(views) * 255).round().astype(np.uint8)


def train_decoder(ae: FrameAutoencoder, frames: np.ndarray, photos: list[np.ndarray], stage: Stage, opt, lr: float, batch: int, photo_share: float, dev,
                  keep: np.ndarray | None = None, keep_share: float = 0.0, base_decoder=None):
    """The decoder to the stage's total, resuming where it stopped; the encoder is not touched.
    With `keep` (generated latents, (N, C, h, w)) a `keep_share` of each batch holds the decoder
    to `base_decoder`'s drawing of them."""
    if stage.done():
        return
    ae.encoder.requires_grad_(False).eval()
    rng, nrng = random.Random(stage.step), np.random.default_rng(stage.step)
    n_keep = round(batch * keep_share) if keep is not None else 0
    n_photo = round(batch * photo_share)
    n_rendered = batch - n_photo - n_keep
    if n_rendered < 0:
        raise ValueError("--photo-share and --keep-share take more than the whole batch")
    size = frames.shape[2]

    def step(i):
        for g in opt.param_groups:
            g["lr"] = cosine_lr(i, stage.total, lr)
        loss, metrics = torch.zeros((), device=dev), {}
        if n_photo + n_rendered:
            x = np.concatenate([P.random_frames(photos, n_photo, size, rng), random_frames(frames, n_rendered, nrng)])
            x = frames_from_u8(torch.from_numpy(x).to(dev))
            with torch.no_grad():
                z = ae.encoder(x)
            rec = ae.decoder(z + 0.05 * torch.randn_like(z))
            loss = reconstruction_loss(rec, x) * (n_photo + n_rendered) / batch
            if n_photo:
                metrics["l1_photos"] = (rec[:n_photo] - x[:n_photo]).abs().mean().item()
        if n_keep:
            z_keep = torch.from_numpy(keep[nrng.integers(0, len(keep), n_keep)].astype(np.float32)).to(dev)
            with torch.no_grad():
                target = base_decoder(z_keep)
            drift = reconstruction_loss(ae.decoder(z_keep), target)
            loss = loss + drift * n_keep / batch
            metrics["kept"] = drift.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {"loss": loss.item(), **metrics}

    stage.run_loop(step)


def generated_latents(run, cfg, prompts: list, clips: int, seed: int = 7) -> np.ndarray:
    """Latents (clips * 16, C, h, w) that the run's finished student makes from `clips` of the
    training prompts (each clip's opening prompt), streamed as the engine streams the pack."""
    from causvid.common import STREAM_CONTEXT_FRAMES, STREAM_SINK_FRAMES
    from causvid.model import VideoDiT
    from causvid.sampler import StudentStreamer
    from make_ode_pairs import load_teacher, run_timesteps, student_checkpoint

    _, text = load_teacher(run, cfg)
    student = VideoDiT(cfg)
    student.load_state_dict(load(student_checkpoint(run))["state"]["student"])
    student.eval()
    pick = random.Random(seed)
    blocks = cfg.clip_frames // cfg.frames_per_block
    out = []
    with torch.no_grad():
        for i in range(clips):
            schedule = pick.choice(prompts)
            streamer = StudentStreamer(student, text, None, run_timesteps(run), STREAM_CONTEXT_FRAMES, STREAM_SINK_FRAMES)
            out.append(streamer.generate({0: schedule[0]}, blocks, seed=seed * 1000 + i).numpy().astype(np.float16))
    return np.concatenate(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--photo-share", type=float, default=0.5, help="share of each batch that is photo frames, the rest rendered ones")
    ap.add_argument("--keep-share", type=float, default=0.0, help="share of each batch that is the run's student's latents, held to the starting decoder's drawing (needs a finished student)")
    ap.add_argument("--keep-clips", type=int, default=160, help="clips the student makes for that, once (decoder_keep.npy)")
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
    frames, prompts = load_dataset(data_dir())
    photos = [P.load_photo(p) for p in P.training_photo_paths()]
    if not photos:
        raise SystemExit("no training photos found: install mate-backgrounds and plasma-workspace-wallpapers, or set CAUSVID_PHOTOS (training/DATA.md)")
    held, rendered = held_out_views(frames.shape[2]), random_frames(frames, 64, np.random.default_rng(12345))
    print(f"[decoder] before: unseen photo {reconstruction_error(ae, held):.4f}, rendered frames {reconstruction_error(ae, rendered):.4f}", flush=True)
    keep, base_decoder = None, None
    if args.keep_share:
        keep_path = run / "decoder_keep.npy"
        if not keep_path.exists():
            np.save(keep_path, generated_latents(run, default_config(), prompts, args.keep_clips))
        keep = np.load(keep_path)
        base_decoder = copy.deepcopy(ae.decoder).requires_grad_(False).eval()
    opt = torch.optim.AdamW(ae.decoder.parameters(), lr=args.lr, weight_decay=0.0)
    stage = Stage("decoder", args.steps, {"decoder": ae.decoder, "opt": opt}, run)
    train_decoder(ae, frames, photos, stage, opt, args.lr, args.batch, args.photo_share, dev, keep, args.keep_share, base_decoder)
    ae.eval()
    print(f"[decoder] after: unseen photo {reconstruction_error(ae, held):.4f}, rendered frames {reconstruction_error(ae, rendered):.4f}", flush=True)
    save_atomic({"ae": ae.state_dict()}, run / "ae_final.pt")


if __name__ == "__main__":
    main()
