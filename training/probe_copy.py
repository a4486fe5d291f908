"""Does a teacher read a clean frame it is given? Two figures, in seconds, before any sampling.

    python3 training/probe_copy.py --checkpoint runs/default/teacher.pt

The clips are `probe_photo.py`'s: the renderer's camera moves over the held-out photo, encoded
with the run's autoencoder. That probe samples whole clips against the truth (minutes); this one
reads a single step (seconds) and says why a teacher fails the other.

- one-shot: frame 0 clean (t = 0), every other frame at noise level t; the network's single
  estimate of frame 1's clean latent, as the mean absolute error in latent units. Beside it the
  same with no clean frame (what the network guesses from the prompt alone) and the error of
  copying frame 0 (a network that carries the clean frame on, unmoved; the camera moves, so a
  network that moves it too can do better). A teacher that reads the
  clean frame goes from the first towards the last.
- attention: per layer and head, the share of frame 1's attention that lands on the clean frame 0,
  and on frame 0's token at the query's own place. Uniform attention gives 1/16 and 1/(16 T).
  A head can look at the clean frame and still not carry it on: the two figures together say
  whether the network fails to find the frame or fails to use it.
"""

import argparse
import json
from pathlib import Path

import torch

from causvid import model as M
from causvid import photos as P
from causvid.common import default_config, load_autoencoder, run_dir, setup_torch
from causvid.model import flow_noise, x0_from_v
from causvid.sampler import encode_block_prompts, frames_from_u8
from make_ode_pairs import load_teacher
from probe_photo import truth_clips, views


def attention_on_frame(att: torch.Tensor, tokens_per_frame: int, frame: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """att (B, H, T, K): softmax weights of one frame's T queries over K keys, frame-major.
    Returns per head the mean mass on `frame`'s keys and on its key at each query's own place."""
    T = tokens_per_frame
    keys = att[..., frame * T : (frame + 1) * T]  # (B, H, T, T)
    whole = keys.sum(-1).mean((0, 2))
    same_place = torch.diagonal(keys, dim1=-2, dim2=-1).mean((0, 2))
    return whole, same_place


def recorded_self_attention(query_frame: int, tokens_per_frame: int):
    """A block in which each self-attention over a whole clip leaves the softmax weights of
    `query_frame`'s queries in the yielded list, one (B, H, T, K) tensor per layer."""
    T = tokens_per_frame

    def query_rows(weights):
        # The clip's self-attention has as many keys as queries, more than a frame's; the
        # cross-attention to the prompt is left out.
        if weights.shape[-1] == weights.shape[-2] > T:
            return weights[:, :, query_frame * T : (query_frame + 1) * T]
        return None

    return M.attention_recorded(query_rows)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", type=Path, required=True, help="a teacher checkpoint")
    ap.add_argument("--noise", type=float, default=0.9, help="noise level of the frames after the clean one")
    ap.add_argument("--raw", action="store_true", help="the network's own weights instead of its running average (a short run's average lags)")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    setup_torch(args.threads)
    run, cfg = run_dir(), default_config()
    dit, text = load_teacher(run, cfg, args.checkpoint, averaged=not args.raw)
    truth, prompts = truth_clips(views(P.load_photo(P.HELD_OUT_PHOTO)), cfg.clip_frames, cfg.frames_per_block)
    with torch.no_grad():
        frames = frames_from_u8(truth.reshape(-1, *truth.shape[2:]))
        lat = load_autoencoder(run).encoder(frames).reshape(len(truth), cfg.clip_frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size)
    emb, mask = encode_block_prompts(text, [[p] * (cfg.clip_frames // cfg.frames_per_block) for p in prompts])
    eps = torch.randn(lat.shape, generator=torch.Generator().manual_seed(0))

    def one_shot(clean_first: bool):
        t = torch.full(lat.shape[:2], args.noise)
        if clean_first:
            t[:, 0] = 0
        x_t = flow_noise(lat, eps, t)
        with torch.no_grad():
            x0 = x0_from_v(x_t, dit.bidirectional(x_t, t, emb, mask), t)
        return float((x0[:, 1] - lat[:, 1]).abs().mean())

    with recorded_self_attention(1, cfg.tokens_per_frame) as records:
        with_clean = one_shot(True)
    figures = {
        "checkpoint": str(args.checkpoint),
        "noise": args.noise,
        "one_shot_after_clean_frame": round(with_clean, 3),
        "one_shot_without": round(one_shot(False), 3),
        "copy_frame0": round(float((lat[:, 0] - lat[:, 1]).abs().mean()), 3),
        "attention": [],
    }
    for layer, att in enumerate(records):
        whole, same = attention_on_frame(att, cfg.tokens_per_frame)
        figures["attention"].append({"layer": layer, "on_clean_frame": [round(float(x), 3) for x in whole], "same_place": [round(float(x), 3) for x in same]})
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
