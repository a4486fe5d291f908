"""The PyTorch reference sampler, run on a model pack's own weights.

    python3 training/reference_sampler.py --pack models/default --seconds 10 --seed 1 \
        --prompt "a red ball bouncing at sunset" [--bench] [--out frames.npy]

Rebuilds the torch modules from the pack's ONNX initializers (export keeps their names), then
streams with the same block loop as the engine. `--bench` prints one JSON line with the
frames per second, which `./studio bench` compares with the Java engine.
"""

import argparse
import json
import math
import os
import time
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from causvid.model import FrameAutoencoder, ModelConfig, TextEncoder, VideoDiT
from causvid.sampler import StudentStreamer, frames_to_u8


def weights(path: Path, prefix: str = "") -> dict:
    model = onnx.load(str(path))
    return {i.name[len(prefix):]: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in model.graph.initializer if i.name.startswith(prefix)}


def load_into(module, state: dict):
    """The exporter merges identical initializers (e.g. LayerNorm scales still at 1), so a
    missing name is a parameter equal to another one: it keeps its constructor value, which
    is the shared value for every parameter initialised deterministically."""
    missing, unexpected = module.load_state_dict(state, strict=False)
    if unexpected:
        raise ValueError(f"pack has weights the model does not: {unexpected[:5]}")
    return module


def load_pack(pack: Path):
    manifest = json.loads((pack / "manifest.json").read_text())
    cfg = ModelConfig.from_dict(manifest["training"]["config"])
    g = manifest["graphs"]
    text, ae, student = TextEncoder(cfg), FrameAutoencoder(cfg), VideoDiT(cfg)
    load_into(text, weights(pack / g["text_encoder"]["file"]))
    load_into(ae.encoder, weights(pack / g["frame_encoder"]["file"]))
    load_into(ae.decoder, weights(pack / g["frame_decoder"]["file"]))
    load_into(student, weights(pack / g["student_step"]["file"], "dit."))
    return manifest, cfg, text.eval(), ae.eval(), student.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", type=Path, required=True)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--prompt", default="a red ball bouncing at sunset")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    torch.set_num_threads(args.threads or os.cpu_count() or 1)  # as many as the engine uses
    manifest, cfg, text, ae, student = load_pack(args.pack)
    st = manifest["student"]
    fps, fpb = manifest["video"]["fps"], manifest["frames_per_block"]
    blocks = max(1, math.ceil(args.seconds * fps / fpb - 1e-9))
    streamer = StudentStreamer(student, text, ae.decoder, st["timesteps"], st["context_frames"], st["sink_frames"])
    frames = []
    start = time.perf_counter()
    first = None
    with torch.no_grad():
        streamer.set_prompt(args.prompt)
        for b in range(blocks):
            rgb = ae.decoder(streamer.next_block(args.seed, b)[0])
            first = first or time.perf_counter() - start
            frames.append(frames_to_u8(rgb))
    elapsed = time.perf_counter() - start
    if args.out:
        np.save(args.out, np.concatenate(frames))
    n = blocks * fpb
    print(json.dumps({"frames": n, "seconds": round(elapsed, 3), "frames_per_second": round(n / elapsed, 2), "first_frame_ms": round(1000 * first, 1), "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
