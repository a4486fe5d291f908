"""Stage 1: the frame autoencoder, then the latents of every training clip.

    python3 training/train_ae.py --steps 600
"""

import argparse

import numpy as np
import torch

from causvid.common import Stage, cosine_lr, data_dir, default_config, load_autoencoder, run_dir, save_atomic, setup_torch
from causvid.data import load_dataset
from causvid.model import FrameAutoencoder


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--more", type=int, default=0, help="a second round of this many steps (stage ae_more), starting from the first")
    ap.add_argument("--encode-only", action="store_true", help="encode newly rendered clips with the finished autoencoder (ae_final.pt), keeping its normalisation")
    args = ap.parse_args()
    dev = setup_torch()
    run = run_dir()
    cfg = default_config()
    frames, _ = load_dataset(data_dir())
    if args.encode_only:
        encode_with_finished(load_autoencoder(run).to(dev), frames, cfg, run, dev)
        return
    n_clips, n_frames = frames.shape[:2]
    ae = FrameAutoencoder(cfg).to(dev)
    opt = torch.optim.AdamW(ae.parameters(), lr=args.lr, weight_decay=0.0)
    stage = Stage("ae", args.steps, {"ae": ae, "opt": opt}, run)
    if args.more:
        if not stage.done():
            raise SystemExit("finish the first round before --more")
        # A fresh cosine cycle from the first round's weights: longer training, same code path.
        opt = torch.optim.AdamW(ae.parameters(), lr=args.lr / 2, weight_decay=0.0)
        stage = Stage("ae_more", args.more, {"ae": ae, "opt": opt}, run)
        args.steps, args.lr = args.more, args.lr / 2
    rng = np.random.default_rng(stage.step)

    def step(i):
        for g in opt.param_groups:
            g["lr"] = cosine_lr(i, args.steps, args.lr)
        idx = rng.integers(0, n_clips, args.batch), rng.integers(0, n_frames, args.batch)
        x = torch.from_numpy(np.stack([frames[c, f] for c, f in zip(*idx)])).to(dev).permute(0, 3, 1, 2).float() / 255
        z = ae.encoder(x)
        # Decoding slightly perturbed latents makes the decoder forgiving of diffusion samples.
        rec = ae.decoder(z + 0.05 * torch.randn_like(z))
        l1 = (rec - x).abs().mean()
        loss = l1 + (rec - x).pow(2).mean() + 1e-4 * z.pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {"l1": l1.item()}

    stage.run_loop(step)
    encode_all(ae, frames, run, dev)


@torch.no_grad()
def encode_all(ae, frames, run, dev):
    """Latents of every clip, normalised per channel; the statistics go into both halves."""
    ae.eval()
    raw = []
    enc = ae.encoder
    mean, std = enc.mean.clone(), enc.std.clone()
    enc.mean.zero_()
    enc.std.fill_(1)
    for c in range(frames.shape[0]):
        x = torch.from_numpy(np.ascontiguousarray(frames[c])).to(dev).permute(0, 3, 1, 2).float() / 255
        raw.append(enc(x).cpu())
    raw = torch.stack(raw)  # (clips, N, C, h, w)
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
        z = ae.encoder(x.reshape(b * n, *x.shape[2:]).permute(0, 3, 1, 2).float() / 255)
        latents[c : c + b] = z.reshape(b, n, *z.shape[1:]).half().cpu().numpy()
    latents.flush()
    del latents
    (run / "latents.tmp.npy").rename(run / "latents.npy")
    print(f"encoded {frames.shape[0]} clips with the finished autoencoder", flush=True)


if __name__ == "__main__":
    main()
