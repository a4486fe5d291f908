"""The PyTorch reference sampler, run on a model pack's own weights.

    python3 training/reference_sampler.py --pack models/default --seconds 10 --seed 1 \
        --prompt "a red ball bouncing at sunset" [--bench] [--out frames.npy]

Rebuilds the torch modules from the pack's ONNX initializers (causvid.pack), then
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
import torch

from causvid.pack import read_pack
from causvid.sampler import StudentStreamer, SwitchGuidance, frames_to_u8


def load_pack(pack: Path):
    m = read_pack(pack, teacher=False)
    return m.manifest, m.cfg, m.text, m.ae, m.student


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
    streamer = StudentStreamer(student, text, ae.decoder, st["timesteps"], st["context_frames"], st["sink_frames"], SwitchGuidance.from_manifest(st))
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
