"""Stage 2: the text encoder and the bidirectional teacher, by flow matching on latent clips.

    python3 training/train_teacher.py --steps 2500

Conditioning cases the student and engine rely on are trained here too: a clean prefix of
blocks (video extension, the teacher's own sliding windows) and a clean first frame
(image-to-video), both passed with t = 0 and left out of the loss. Prompts are dropped 10%
of the time so classifier-free guidance has an unconditional branch.
"""

import argparse
import copy
import json

import numpy as np
import torch

from causvid.common import Stage, cosine_lr, data_dir, default_config, run_dir, setup_torch, token_batch
from causvid.model import TextEncoder, VideoDiT, flow_noise, frame_weighted_mse
from causvid.sampler import null_prompt_tokens


def conditioning_times(b, n, fpb, rng):
    """Per-frame t (B, N): one logit-normal level per clip, some frames clean (t = 0)."""
    t = torch.sigmoid(torch.randn(b, 1)).expand(b, n).clone()
    for i in range(b):
        r = rng.random()
        if r < 0.25:
            t[i, : fpb * int(rng.integers(1, n // fpb))] = 0.0  # clean prefix blocks
        elif r < 0.35:
            t[i, 0] = 0.0  # clean first frame
    return t


class EMA:
    def __init__(self, model, decay):
        self.model, self.decay = copy.deepcopy(model).eval(), decay
        for p in self.model.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model):
        for e, p in zip(self.model.parameters(), model.parameters()):
            e.lerp_(p, 1 - self.decay)

    def state_dict(self):
        return self.model.state_dict()

    def load_state_dict(self, sd):
        self.model.load_state_dict(sd)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=2500)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=6e-4)
    ap.add_argument("--more", type=int, default=0, help="a second round of this many steps (stage teacher_more), from the first round's weights")
    args = ap.parse_args()
    dev = setup_torch()
    run = run_dir()
    cfg = default_config()
    latents = np.load(run / "latents.npy", mmap_mode="r")
    prompts = json.loads((data_dir() / "prompts.json").read_text())
    tokens = torch.stack([token_batch(p) for p in prompts])  # (clips, blocks, L)
    n_clips, n = latents.shape[:2]
    fpb = cfg.frames_per_block

    dit, text = VideoDiT(cfg).to(dev), TextEncoder(cfg).to(dev)
    params = list(dit.parameters()) + list(text.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    ema_dit, ema_text = EMA(dit, 0.998), EMA(text, 0.998)
    stage = Stage("teacher", args.steps, {"dit": dit, "text": text, "opt": opt, "ema_dit": ema_dit, "ema_text": ema_text}, run)
    if args.more:
        if not stage.done():
            raise SystemExit("finish the first round before --more")
        # A warm restart: a fresh optimiser and cosine cycle at half the peak rate, so a
        # finished teacher can be trained further without re-tuning the first schedule.
        opt = torch.optim.AdamW(params, lr=args.lr / 2, weight_decay=0.01)
        stage = Stage("teacher_more", args.more, {"dit": dit, "text": text, "opt": opt, "ema_dit": ema_dit, "ema_text": ema_text}, run)
        args.steps, args.lr = args.more, args.lr / 2
    rng = np.random.default_rng(1000 + stage.step)

    def step(i):
        for g in opt.param_groups:
            g["lr"] = cosine_lr(i, args.steps, args.lr, warmup=100)
        idx = np.sort(rng.choice(n_clips, args.batch, replace=False))
        x0 = torch.from_numpy(latents[idx].astype(np.float32)).to(dev)
        tok = tokens[idx].clone()
        drop = torch.from_numpy(rng.random(args.batch) < 0.1)
        tok[drop] = null_prompt_tokens(int(drop.sum()), tok.shape[1])
        b, nb, L = tok.shape
        emb = text(tok.reshape(b * nb, L).to(dev)).reshape(b, nb, L, -1)
        mask = (tok != 0).float().to(dev)
        t = conditioning_times(b, n, fpb, rng).to(dev)
        eps = torch.randn_like(x0)
        v = dit.bidirectional(flow_noise(x0, eps, t), t, emb, mask)
        loss = frame_weighted_mse(v, eps - x0, (t > 0).float())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        ema_dit.update(dit)
        ema_text.update(text)
        return {"loss": loss.item()}

    stage.run_loop(step)


if __name__ == "__main__":
    main()
