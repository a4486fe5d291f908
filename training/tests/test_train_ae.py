import tempfile
import unittest
from argparse import Namespace
from pathlib import Path

import numpy as np
import torch

from causvid.common import Stage
from causvid.model import FrameAutoencoder, ModelConfig
from train_ae import edge_weights, reconstruction_loss, train_round


class ReconstructionLossTest(unittest.TestCase):
    def test_plain_loss_is_l1_plus_l2(self):
        x = torch.rand(2, 3, 16, 16)
        self.assertEqual(reconstruction_loss(x, x).item(), 0.0)
        self.assertAlmostEqual(reconstruction_loss(x + 0.1, x).item(), 0.1 + 0.01, places=5)

    def test_the_gradient_term_costs_edges_not_offsets(self):
        x = torch.rand(1, 3, 16, 16)
        self.assertAlmostEqual(reconstruction_loss(x + 0.1, x, gradient_weight=1.0).item(), 0.11, places=5)
        checker = (torch.arange(16)[:, None] + torch.arange(16)[None, :]) % 2 * 0.2 - 0.1  # +-0.1
        # Neighbours differ by 0.2 along both axes: 0.11 + 0.2 + 0.2.
        self.assertAlmostEqual(reconstruction_loss(x + checker, x, gradient_weight=1.0).item(), 0.51, places=5)

    def test_edge_weights_are_one_on_flat_frames_and_heavier_on_outlines(self):
        flat = torch.full((1, 3, 32, 32), 0.5)
        self.assertTrue(torch.allclose(edge_weights(flat, 1.0), torch.ones(1, 1, 32, 32)))
        square = flat.clone()
        square[:, :, 12:20, 12:20] = 1.0
        w = edge_weights(square, 1.0)[0, 0]
        self.assertEqual(w[0, 0].item(), 1.0)  # far from the square
        self.assertGreater(w[12, 12].item(), 2.0)  # its corner
        # Weighted, an error on the outline costs more than the same error on the backdrop.
        err_edge, err_far = torch.zeros_like(square), torch.zeros_like(square)
        err_edge[:, :, 12, 12] = 0.5
        err_far[:, :, 0, 0] = 0.5
        self.assertGreater(reconstruction_loss(square + err_edge, square, edge_weight=1.0), reconstruction_loss(square + err_far, square, edge_weight=1.0))


class TrainRoundTest(unittest.TestCase):
    def test_both_rounds_run_in_one_call_and_a_finished_round_is_skipped(self):
        # build_pack.sh runs `train_ae.py --steps N --more M` on a fresh run: the first round must
        # train before the second instead of refusing to start.
        torch.manual_seed(0)
        ae = FrameAutoencoder(ModelConfig(vocab_size=8, max_tokens=4, ae_channels=(4, 8), latent_channels=2, latent_size=8))
        frames = np.random.default_rng(0).integers(0, 255, (3, 2, 16, 16, 3), dtype=np.uint8)
        args = Namespace(batch=2, edge_weight=1.0, gradient_weight=1.0, photo_share=0.0)
        with tempfile.TemporaryDirectory() as d:
            run = Path(d)
            for name, steps in (("ae", 3), ("ae_more", 2)):
                opt = torch.optim.AdamW(ae.parameters(), lr=1e-3)
                train_round(ae, frames, Stage(name, steps, {"ae": ae, "opt": opt}, run), opt, 1e-3, args, "cpu")
                self.assertEqual((run / f"{name}.done").read_text(), str(steps))
            before = [p.clone() for p in ae.parameters()]
            opt = torch.optim.AdamW(ae.parameters(), lr=1e-3)
            train_round(ae, frames, Stage("ae_more", 2, {"ae": ae, "opt": opt}, run), opt, 1e-3, args, "cpu")
            self.assertTrue(all(torch.equal(a, b) for a, b in zip(before, ae.parameters())), "a finished round trains no further")


if __name__ == "__main__":
    unittest.main()
