import tempfile
import unittest
from pathlib import Path
from unittest import mock

import torch

from causvid.common import Stage


class FakeClock:
    """Each step advances the clock: `slow` for the first `warm_up` steps, then 1."""

    def __init__(self, warm_up: int, slow: float):
        self.now, self.steps, self.warm_up, self.slow = 0.0, 0, warm_up, slow

    def time(self):
        return self.now

    def step(self, _):
        self.now += self.slow if self.steps < self.warm_up else 1.0
        self.steps += 1
        return {}


class TimedStageTest(unittest.TestCase):
    def run_stage(self, clock, seconds):
        with tempfile.TemporaryDirectory() as d, mock.patch("causvid.common.time.time", clock.time):
            stage = Stage("s", 1_000_000, {"m": torch.nn.Linear(1, 1)}, Path(d), save_every=1e9)
            stage.run_loop(clock.step, log_every=1_000_000, seconds=seconds)
            return stage.step

    def test_a_steady_rate_fills_the_time(self):
        self.assertEqual(self.run_stage(FakeClock(0, 1.0), 200), 200)

    def test_slow_first_steps_are_refitted_once_warm(self):
        # 25 steps at 2 s fit 100 steps in 200 s; from step 25 to 100 a step takes 1 s, so at
        # step 100 (125 s spent) 75 more fit: 175, where the first fit alone would stop at 100.
        self.assertEqual(self.run_stage(FakeClock(25, 2.0), 200), 175)

    def test_a_round_that_fits_few_steps_is_not_refitted(self):
        self.assertEqual(self.run_stage(FakeClock(25, 4.0), 200), 50)


if __name__ == "__main__":
    unittest.main()
