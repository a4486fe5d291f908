"""How long a teacher training step's forward and backward take when its clips go through the
network a few at a time (train_teacher.py --micro-batch), on random weights and data.

    python3 training/bench_micro_batch.py [--threads 1] [--sizes 16 8 4 2] [--repeats 2]

Prints seconds per step for each size and its speed-up over the whole batch, measured in one
run (the first round warms up and is not counted). A step is 16 clips and 16 stills, the
shipped clip round's (--batch 16 --joint-stills 16), on today's default network.
"""

import argparse
import time

import torch

from causvid.common import default_config, setup_torch
from causvid.model import TextEncoder, VideoDiT
from causvid.sampler import null_prompt_tokens
from train_teacher import FlowBatch, backward_flow


def random_batch(cfg, clips: int, frames: int, g: torch.Generator) -> FlowBatch:
    shape = (clips, frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size)
    blocks = max(1, frames // cfg.frames_per_block)
    tokens = torch.randint(3, cfg.vocab_size, (clips, blocks, cfg.max_tokens), generator=g)
    tokens[0] = null_prompt_tokens(1, blocks)[0]  # one dropped prompt, as in training
    return FlowBatch(torch.randn(shape, generator=g), tokens, torch.rand(clips, frames, generator=g), torch.randn(shape, generator=g))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--sizes", type=int, nargs="+", default=[16, 8, 4, 2])
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    setup_torch(args.threads)
    cfg = default_config()
    dit, text = VideoDiT(cfg), TextEncoder(cfg)
    g = torch.Generator().manual_seed(0)
    clips, stills = random_batch(cfg, 16, cfg.clip_frames, g), random_batch(cfg, 16, 1, g)
    times = {size: [] for size in args.sizes}
    for round_ in range(args.repeats + 1):
        for size in args.sizes:
            dit.zero_grad(set_to_none=True)
            text.zero_grad(set_to_none=True)
            start = time.perf_counter()
            backward_flow(dit, text, clips, size)
            backward_flow(dit, text, stills, size)
            if round_:
                times[size].append(time.perf_counter() - start)
    largest = max(args.sizes)  # 16 (the default's first): the whole batch in one pass
    print(f"threads {torch.get_num_threads()}, patch {cfg.patch}, a step of 16 clips and 16 stills, best of {args.repeats}:")
    for size in args.sizes:
        best = min(times[size])
        print(f"  {size:3d} clips a pass: {best:6.2f} s/step  ({min(times[largest]) / best:.2f}x the speed at {largest} a pass)")


if __name__ == "__main__":
    main()
