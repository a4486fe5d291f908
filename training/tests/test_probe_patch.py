"""The still probe's training state: a run stopped and started again ends where one run ends."""

import argparse
import tempfile
import unittest
from pathlib import Path

import torch

from causvid.common import MAX_TOKENS
from causvid.model import TextEncoder, VideoDiT
from make_test_pack import randomise, tiny_config
from probe_patch import train
from train_teacher import EMA


def probe_args(out: Path, steps: int) -> argparse.Namespace:
    return argparse.Namespace(steps=steps, batch=4, lr=1e-3, bias_lr_scale=20.0, learn_spatial_bias=False, time_shift=1.0,
                              object_weight=0.0, clean_weight_floor=0.0, patch=2, save_every=3, out=out)


def fresh(cfg, seed=0):
    torch.manual_seed(seed)
    dit, text = VideoDiT(cfg), TextEncoder(cfg)
    randomise(dit, 1 + seed)
    randomise(text, 2 + seed)
    return dit, text, EMA(dit, 0.9), EMA(text, 0.9)


class ResumeTest(unittest.TestCase):
    def test_a_resumed_run_ends_where_an_unbroken_one_does(self):
        cfg = tiny_config()
        cfg.clip_frames, cfg.frames_per_block = 1, 1
        g = torch.Generator().manual_seed(3)
        frames = torch.randn(12, 1, cfg.latent_channels, cfg.latent_size, cfg.latent_size, generator=g)
        tokens = torch.randint(1, cfg.vocab_size, (12, MAX_TOKENS), generator=g)
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            whole = fresh(cfg)
            train(*whole, frames, tokens, probe_args(Path(a), 6))
            first = fresh(cfg)
            train(*first, frames, tokens, probe_args(Path(b), 3))  # stops after saving step 3
            # A new process with other weights and another random stream: only the saved state
            # can bring it back to the unbroken run's.
            second = fresh(cfg, seed=7)
            train(*second, frames, tokens, probe_args(Path(b), 6))
            for (name, p), q in zip(whole[0].state_dict().items(), second[0].state_dict().values()):
                torch.testing.assert_close(p, q, msg=name)
            for p, q in zip(whole[2].state_dict().values(), second[2].state_dict().values()):
                torch.testing.assert_close(p, q)


if __name__ == "__main__":
    unittest.main()
