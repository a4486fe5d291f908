"""A still-image probe: does the token size decide whether the objects get drawn at all?

    python3 training/probe_patch.py --patch 2 --steps 2500 --out /tmp/probe_p2

Session 7's GPU teachers, trained ~10x longer than the shipped one at batch 256, learned the
backgrounds and stopped drawing the objects (training log). Cheaper than a video teacher, this
trains the same transformer on single latent frames of the training clips (the first block's
prompt, flow matching, prompt dropout for guidance) with a given patch size, then samples
studio prompts, where anything not grey is the object, and reports how much of the frame
the object covers, how often its mean colour is nearest the prompted one and how often its
silhouette reads as the prompted shape (evaluate.studio_objects), beside the same figures for real studio frames. It writes a
contact sheet and a JSON line to --out.

    python3 training/probe_patch.py --patch 2 --checkpoint runs/default/teacher_stills.pt --out /tmp/stills

scores a teacher checkpoint's averaged weights the same way instead of training (the stills
round of train_teacher.py, or any clip round: it is drawn one frame at a time). With `--clips`
a clip round's checkpoint draws whole 16-frame clips instead (~2 min on one core), scored over
every frame, and the sheet shows frames 0, 3, ... 15 of each. `--guidance` sets the
classifier-free guidance of either (3, as the teacher is used).

Two switches ask whether the text path is what loses the shape (session 48): `--text-adaln`
also pools the prompt into every layer's adaptive norm (ModelConfig.text_adaln), and
`--bag-of-words` replaces the text encoder's transformer by the words' own embeddings, so that
what reaches the network is which words the prompt holds and nothing the encoder made of them.
`--object-weight` asks instead whether the loss's attention is what is short: it weighs the flow
error towards the cells where the clean frame departs from its mean (the objects, mostly).
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from causvid.common import cosine_lr, data_dir, default_config, load, load_autoencoder, run_dir, save_atomic, setup_torch, token_batch
from causvid.model import TextEncoder, VideoDiT, clean_error_weight, flow_noise, place_map
from causvid.sampler import frames_to_u8, null_prompt_tokens, teacher_sample
from causvid.silhouette import SilhouetteReader
from evaluate import studio_objects
from make_ode_pairs import load_teacher
from train_teacher import EMA, optimiser_step, shift_times, teacher_optimizer

PAIRS = [("red", "ball"), ("blue", "box"), ("yellow", "star"), ("green", "triangle"), ("purple", "ball"), ("white", "box"), ("orange", "star"), ("red", "box")]
PROMPTS = [f"a {c} {s} standing still in a studio" for c, s in PAIRS]


def figures(frames, descriptions, reader):
    """evaluate.studio_objects of decoded frames (B, 3, H, W), each a one-frame clip, against
    "a <colour> <shape> ..." descriptions."""
    words = [d.split() for d in descriptions]
    return studio_objects([clip[None] for clip in frames_to_u8(frames)], [w[1] for w in words], [w[2] for w in words], reader)


def probe_clips(args, run) -> dict:
    """The studio prompts drawn as whole clips by a clip round's checkpoint, as the card's studio
    check draws them (fewer steps: 24); figures over every frame, and a sheet in args.out."""
    cfg = default_config(patch=args.patch)
    dit, text = load_teacher(run, cfg, args.checkpoint, averaged=not args.raw)
    decoder = load_autoencoder(run).decoder
    drawn = PROMPTS * args.samples
    noise = torch.randn(len(drawn), cfg.clip_frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size, generator=torch.Generator().manual_seed(0))
    blocks = cfg.clip_frames // cfg.frames_per_block
    with torch.no_grad():
        x0, _ = teacher_sample(dit, text, [[p] * blocks for p in drawn], 24, args.guidance, noise)
        clips = [frames_to_u8(decoder(lat)) for lat in x0]
    Image.fromarray(np.concatenate([np.concatenate(list(c[::3]), 1) for c in clips[: len(PROMPTS)]], 0)).save(args.out / "sheet.png")
    pairs = PAIRS * args.samples
    return studio_objects(clips, [c for c, _ in pairs], [s for _, s in pairs], SilhouetteReader.from_renders())


class BagOfWords(torch.nn.Module):
    """The prompt as its words' embeddings, normalised: no order, no attention between words."""

    def __init__(self, cfg):
        super().__init__()
        self.embed = torch.nn.Embedding(cfg.vocab_size, cfg.text_dim)
        self.norm = torch.nn.LayerNorm(cfg.text_dim)

    def forward(self, tokens):
        return self.norm(self.embed(tokens))


def train(dit, text, ema_dit, ema_text, frames, tokens, args):
    """Flow matching on single frames with prompt dropout; returns the last step's loss.

    Every --save-every steps the whole state (weights, averages, optimiser, random streams) goes
    to <out>/train_state.pt, and a run started again with the same --out goes on from there: long
    probes outlive a session. The file also scores as it is: --checkpoint <out>/train_state.pt."""
    opt, params = teacher_optimizer(dit, text, "teacher", args.lr, args.bias_lr_scale, args.learn_spatial_bias)
    rng = np.random.default_rng(0)
    state_file = args.out / "train_state.pt"
    first = 0
    if state_file.exists():
        saved = load(state_file)
        dit.load_state_dict(saved["state"]["dit"])
        text.load_state_dict(saved["state"]["text"])
        ema_dit.load_state_dict(saved["state"]["ema_dit"])
        ema_text.load_state_dict(saved["state"]["ema_text"])
        opt.load_state_dict(saved["opt"])
        rng.bit_generator.state = saved["numpy_rng"]
        torch.set_rng_state(saved["torch_rng"])
        first = saved["step"]
        print(f"resumed at step {first}", flush=True)
    start = time.time()
    loss = None
    for i in range(first, args.steps):
        for g in opt.param_groups:
            g["lr"] = cosine_lr(i, args.steps, args.lr, warmup=100) * g["lr_scale"]
        idx = torch.from_numpy(rng.choice(len(frames), args.batch, replace=False))
        x0, tok = frames[idx], tokens[idx].clone()
        tok[torch.from_numpy(rng.random(args.batch) < 0.1)] = null_prompt_tokens(1)
        t = shift_times(torch.sigmoid(torch.randn(args.batch, 1)), args.time_shift)
        eps = torch.randn_like(x0)
        v = dit.bidirectional(flow_noise(x0, eps, t), t, text(tok)[:, None], (tok != 0).float()[:, None])
        sq = (v - (eps - x0)) ** 2
        if args.object_weight:
            # Where the clean frame departs from its mean (the objects, mostly) counts more.
            place = place_map(x0)
            w = 1 + args.object_weight * place / place.mean(dim=(3, 4), keepdim=True)
            sq = sq * (w / w.mean(dim=(3, 4), keepdim=True))
        err = sq.mean(dim=tuple(range(2, v.dim())))  # per frame
        if args.clean_weight_floor:
            err = err * clean_error_weight(t, args.clean_weight_floor)
        loss = err.mean()
        optimiser_step(loss, opt, params, (ema_dit, dit), (ema_text, text))
        if (i + 1) % 250 == 0:
            print(f"patch {args.patch} step {i + 1}/{args.steps} loss {loss.item():.4f} ({(time.time() - start) / (i + 1 - first):.2f}s/step)", flush=True)
        if args.save_every and ((i + 1) % args.save_every == 0 or i + 1 == args.steps):
            save_atomic({"state": {"dit": dit.state_dict(), "text": text.state_dict(), "ema_dit": ema_dit.state_dict(), "ema_text": ema_text.state_dict()},
                         "opt": opt.state_dict(), "numpy_rng": rng.bit_generator.state, "torch_rng": torch.get_rng_state(), "step": i + 1}, state_file)
    return loss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--patch", type=int, default=4)
    ap.add_argument("--steps", type=int, default=2500)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--save-every", type=int, default=500, help="steps between saves of the whole training state (<out>/train_state.pt), from which a run with the same --out resumes; 0: none")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--checkpoint", type=Path, help="score this teacher checkpoint's EMA weights instead of training")
    ap.add_argument("--clips", action="store_true", help="with --checkpoint: draw whole clips, not single frames")
    ap.add_argument("--raw", action="store_true", help="with --clips: the network's own weights instead of its running average (a short run's average lags)")
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--init", type=Path, help="train on from this teacher checkpoint's EMA weights instead of from scratch")
    ap.add_argument("--learn-spatial-bias", action="store_true", help="as train_teacher.py: train the spatial attention bias, at --bias-lr-scale x the rate")
    ap.add_argument("--bias-lr-scale", type=float, default=20.0, help="as train_teacher.py: the bias's rate relative to the network's")
    ap.add_argument("--random-position", action="store_true", help="start the tokens' place-in-frame embedding random (std 0.02), as before session 12, not from 2-D sin-cos")
    ap.add_argument("--samples", type=int, default=1, help="draw each studio prompt this many times, as frames or with --clips as clips (the first with the noise of a one-sample probe)")
    ap.add_argument("--clean-weight-floor", type=float, default=0.0, help="with a network predicting clean latents: weight each frame's loss by min(1, (t/F)^2) (causvid.model.clean_error_weight); 0: unweighted")
    ap.add_argument("--text-adaln", action="store_true", help="pool the prompt into every layer's adaptive norm too (ModelConfig.text_adaln)")
    ap.add_argument("--bag-of-words", action="store_true", help="the words' own embeddings in place of the text encoder")
    ap.add_argument("--object-weight", type=float, default=0.0, help="weigh each latent cell's flow error by 1 + this x its place map over the map's mean (causvid.model.place_map: where the clean frame departs from its mean, mostly the objects), renormalised to mean 1; 0: unweighted")
    ap.add_argument("--time-shift", type=float, default=1.0, help="as train_teacher.py: draw more noise levels at high noise (1: none)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    setup_torch(args.threads)
    torch.manual_seed(0)
    run = run_dir()
    if args.clips:
        if not args.checkpoint:
            raise SystemExit("--clips draws a clip round's --checkpoint")
        start = time.time()
        o = probe_clips(args, run)
        report = {"checkpoint": str(args.checkpoint), "raw": args.raw, "clips": len(PROMPTS) * args.samples, "guidance": args.guidance, **{k: round(v, 4) for k, v in o.items()}, "seconds": round(time.time() - start)}
        (args.out / "figures.json").write_text(json.dumps(report))
        print(json.dumps(report))
        return
    cfg = default_config(patch=args.patch, clip_frames=1, frames_per_block=1, text_adaln=args.text_adaln)
    latents = np.load(run / "latents.npy", mmap_mode="r")
    prompts = json.loads((data_dir() / "prompts.json").read_text())
    # Every frame of the first block, with that block's prompt.
    frames = torch.from_numpy(np.array(latents[:, :4])).float().reshape(-1, 1, *latents.shape[2:])
    tokens = token_batch([p[0] for p in prompts]).repeat_interleave(4, dim=0)
    dit, text = VideoDiT(cfg), BagOfWords(cfg) if args.bag_of_words else TextEncoder(cfg)
    if args.random_position:
        with torch.no_grad():
            dit.spatial_pos.normal_(0.0, 0.02)
    ema_dit, ema_text = EMA(dit, 0.998), EMA(text, 0.998)
    start = time.time()
    if args.checkpoint:
        state = load(args.checkpoint)["state"]
        ema_dit.load_state_dict(state["ema_dit"])
        ema_text.load_state_dict(state["ema_text"])
        steps, loss = 0, None
    else:
        if args.init:
            state = load(args.init)["state"]
            for module in (dit, ema_dit.model):
                module.load_state_dict(state["ema_dit"])
            for module in (text, ema_text.model):
                module.load_state_dict(state["ema_text"])
        steps, loss = args.steps, train(dit, text, ema_dit, ema_text, frames, tokens, args)
        torch.save({"state": {"ema_dit": ema_dit.state_dict(), "ema_text": ema_text.state_dict()}}, args.out / "probe.pt")
    decoder = load_autoencoder(run).decoder
    drawn = PROMPTS * args.samples
    noise = torch.randn(len(drawn), 1, cfg.latent_channels, cfg.latent_size, cfg.latent_size, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        made = decoder(teacher_sample(ema_dit.model, ema_text.model, [[p] for p in drawn], 24, args.guidance, noise)[0][:, 0])
    studio = [i for i, p in enumerate(prompts) if "in a studio" in p[0] and " and " not in p[0]][: len(PROMPTS)]
    with torch.no_grad():
        real = decoder(frames[[4 * i for i in studio], 0])
    reader = SilhouetteReader.from_renders()
    made_figures = figures(made, drawn, reader)
    real_figures = figures(real, [prompts[i][0] for i in studio], reader)
    rows = [np.concatenate(list(frames_to_u8(made[i : i + len(PROMPTS)])), 1) for i in range(0, len(drawn), len(PROMPTS))]
    sheet = np.concatenate(rows + [np.concatenate(list(frames_to_u8(real)), 1)], 0)
    Image.fromarray(sheet).save(args.out / "sheet.png")
    report = {"patch": args.patch, "steps": steps, "init": str(args.init or ""), "time_shift": args.time_shift, "batch": args.batch, "random_position": args.random_position, "learn_spatial_bias": args.learn_spatial_bias, "text_adaln": args.text_adaln, "bag_of_words": args.bag_of_words, "object_weight": args.object_weight, "samples": args.samples, "final_loss": None if loss is None else round(loss.item(), 4), "checkpoint": str(args.checkpoint or ""),
               "object_cover": round(made_figures["cover"], 4), "colour_right": made_figures["colour_right"], "shape_right": made_figures["shape_right"], "pieces": round(made_figures["pieces"], 2),
               "real_object_cover": round(real_figures["cover"], 4), "real_colour_right": real_figures["colour_right"], "real_shape_right": real_figures["shape_right"], "real_pieces": round(real_figures["pieces"], 2),
               "seconds": round(time.time() - start)}
    (args.out / "figures.json").write_text(json.dumps(report))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
