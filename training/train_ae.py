"""Stage 1: the frame autoencoder, then the latents of every training clip.

    python3 training/train_ae.py --steps 600
"""

import argparse
import random

import numpy as np
import torch
import torch.nn.functional as F

from causvid import photos as P
from causvid.common import Stage, cosine_lr, data_dir, default_config, load_autoencoder, run_dir, save_atomic, setup_torch
from causvid.data import load_dataset, random_frames
from causvid.model import FrameAutoencoder
from causvid.sampler import frames_from_u8


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--edge-weight", type=float, default=0.0, help="extra weight on pixels where the frame differs from its local mean (object outlines); 0 as shipped")
    ap.add_argument("--gradient-weight", type=float, default=0.0, help="weight of an L1 loss on horizontal and vertical pixel differences (sharp edges); 0 as shipped")
    ap.add_argument("--more", type=int, default=0, help="a second round of this many steps (stage ae_more), starting from the first")
    ap.add_argument("--seconds", type=float, default=0.0, help="train both rounds for this long instead of their step counts, shared as steps : more (on a rented GPU)")
    ap.add_argument("--photo-share", type=float, default=0.0, help="share of each batch that is photo frames (causvid.photos.random_frames) beside the rendered ones; 0 as shipped, where photos come only as the renderer's backdrops")
    ap.add_argument("--encode-only", action="store_true", help="encode newly rendered clips with the finished autoencoder (ae_final.pt), keeping its normalisation")
    args = ap.parse_args()
    dev = setup_torch()
    run = run_dir()
    cfg = default_config()
    frames, _ = load_dataset(data_dir())
    if args.encode_only:
        encode_with_finished(load_autoencoder(run).to(dev), frames, cfg, run, dev)
        return
    ae = FrameAutoencoder(cfg).to(dev)
    opt = torch.optim.AdamW(ae.parameters(), lr=args.lr, weight_decay=0.0)
    share = args.steps / (args.steps + args.more)
    train_round(ae, frames, Stage("ae", args.steps, {"ae": ae, "opt": opt}, run), opt, args.lr, args, dev, args.seconds * share)
    if args.more:
        # A fresh cosine cycle from the first round's weights: longer training, same code path.
        opt = torch.optim.AdamW(ae.parameters(), lr=args.lr / 2, weight_decay=0.0)
        train_round(ae, frames, Stage("ae_more", args.more, {"ae": ae, "opt": opt}, run), opt, args.lr / 2, args, dev, args.seconds * (1 - share))
    encode_all(ae, frames, run, dev)


def edge_weights(x, edge_weight: float):
    """Per-pixel loss weights, 1 plus edge_weight times how far each pixel is from its 5x5
    mean, relative to the frame's average such distance (divided by 4, so that a typical object
    outline, ~10 times the average, weighs ~3.5 at edge_weight 1). An object covers ~2% of a
    frame: with equal weights the loss is nearly all background, and the autoencoder learned to
    draw every shape as the same blob (training log, session 9)."""
    e = (x - F.avg_pool2d(x, 5, 1, 2, count_include_pad=False)).abs().sum(1, keepdim=True)
    return 1 + edge_weight * e / (e.mean(dim=(2, 3), keepdim=True) + 1e-3) / 4


def reconstruction_loss(rec, x, edge_weight: float = 0.0, gradient_weight: float = 0.0):
    """L1 + L2 of (N, 3, H, W) frames, optionally edge-weighted, plus an L1 on pixel
    differences along both axes, which blur costs and a sharp outline does not."""
    d = rec - x
    w = edge_weights(x, edge_weight) if edge_weight else 1.0
    loss = (w * d.abs()).mean() + (w * d.pow(2)).mean()
    if gradient_weight:
        dy = (d[..., 1:, :] - d[..., :-1, :]).abs().mean()
        dx = (d[..., :, 1:] - d[..., :, :-1]).abs().mean()
        loss = loss + gradient_weight * (dx + dy)
    return loss


def train_round(ae, frames, stage, opt, lr, args, dev, seconds=0.0):
    """One round to its stage's total (nothing when it is done), resuming where it stopped;
    with `seconds`, a fresh round runs as many steps as fit in them instead."""
    if stage.done():
        return
    rng = np.random.default_rng(stage.step)
    photo_rng = random.Random(stage.step)
    n_photo = round(args.batch * args.photo_share)
    photos = [P.load_photo(p) for p in P.training_photo_paths()] if n_photo else []
    if n_photo and not photos:
        raise SystemExit("--photo-share: no training photos found (training/DATA.md)")

    def step(i):
        for g in opt.param_groups:
            g["lr"] = cosine_lr(i, stage.total, lr)
        x = np.concatenate([random_frames(frames, args.batch - n_photo, rng), P.random_frames(photos, n_photo, frames.shape[2], photo_rng)])
        x = frames_from_u8(torch.from_numpy(x).to(dev))
        z = ae.encoder(x)
        # Decoding slightly perturbed latents makes the decoder forgiving of diffusion samples.
        rec = ae.decoder(z + 0.05 * torch.randn_like(z))
        l1 = (rec - x).abs().mean()
        loss = reconstruction_loss(rec, x, args.edge_weight, args.gradient_weight) + 1e-4 * z.pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {"l1": l1.item()}

    stage.run_loop(step, seconds=seconds)


@torch.no_grad()
def encode_all(ae, frames, run, dev, batch=32):
    """Latents of every clip, normalised per channel; the statistics go into both halves."""
    ae.eval()
    raw = []
    enc = ae.encoder
    mean, std = enc.mean.clone(), enc.std.clone()
    enc.mean.zero_()
    enc.std.fill_(1)
    for c in range(0, frames.shape[0], batch):
        x = torch.from_numpy(np.array(frames[c : c + batch])).to(dev)
        b, n = x.shape[:2]
        z = enc(frames_from_u8(x.reshape(b * n, *x.shape[2:])))
        raw.append(z.reshape(b, n, *z.shape[1:]).cpu())
    raw = torch.cat(raw)  # (clips, N, C, h, w)
    mean = raw.mean(dim=(0, 1, 3, 4))
    std = raw.std(dim=(0, 1, 3, 4))
    ae.set_normalisation(mean.to(dev), std.to(dev))
    latents = ((raw - mean[None, None, :, None, None]) / std[None, None, :, None, None]).half().numpy()
    np.save(run / "latents.npy", latents)
    save_atomic({"ae": ae.state_dict()}, run / "ae_final.pt")
    print(f"encoded {latents.shape} latents; channel std before normalisation {std.tolist()}", flush=True)


@torch.no_grad()
def encode_with_finished(ae, frames, cfg, run, dev, batch=64):
    """Latents of every clip under the autoencoder's own normalisation: a teacher trained on
    them pairs with the shipped decoder, which a fresh normalisation would break."""
    latents = np.lib.format.open_memmap(run / "latents.tmp.npy", mode="w+", dtype=np.float16, shape=(*frames.shape[:2], cfg.latent_channels, cfg.latent_size, cfg.latent_size))
    for c in range(0, frames.shape[0], batch):
        x = torch.from_numpy(np.array(frames[c : c + batch])).to(dev)
        b, n = x.shape[:2]
        z = ae.encoder(frames_from_u8(x.reshape(b * n, *x.shape[2:])))
        latents[c : c + b] = z.reshape(b, n, *z.shape[1:]).half().cpu().numpy()
    latents.flush()
    del latents
    (run / "latents.tmp.npy").rename(run / "latents.npy")
    print(f"encoded {frames.shape[0]} clips with the finished autoencoder", flush=True)


if __name__ == "__main__":
    main()
