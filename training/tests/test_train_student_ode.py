"""The regression step taken in micro-batches is the step taken whole."""

import unittest

import torch

from causvid.common import CPU_MICRO_BATCH, micro_batch_size
from causvid.model import TextEncoder, VideoDiT
from causvid.sampler import encode_block_prompts
from make_test_pack import randomise, tiny_config
from train_student_ode import backward_regression


class MicroBatchSizeTest(unittest.TestCase):
    def test_a_cpu_takes_a_few_clips_a_pass_a_gpu_the_whole_batch_and_an_ask_wins(self):
        self.assertEqual(micro_batch_size(None, torch.device("cpu")), CPU_MICRO_BATCH)
        self.assertIsNone(micro_batch_size(None, torch.device("cuda")))
        self.assertEqual(micro_batch_size(2, torch.device("cuda")), 2)
        self.assertIsNone(micro_batch_size(0, torch.device("cpu")), "0 asks for the whole batch")


class BackwardRegressionTest(unittest.TestCase):
    def gradients(self, micro_batch):
        cfg = tiny_config()
        student, text = randomise(VideoDiT(cfg), 4), randomise(TextEncoder(cfg), 5)
        g = torch.Generator().manual_seed(6)
        shape = (5, cfg.clip_frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size)
        x0, noisy = torch.randn(shape, generator=g), torch.randn(shape, generator=g)
        t = torch.tensor([1.0, 0.75, 0.5, 0.25]).repeat_interleave(cfg.frames_per_block)[None].repeat(5, 1)
        t[0, 0] = 0.0  # a photo's first frame, given clean
        noisy[0, 0] = x0[0, 0]
        with torch.no_grad():
            emb, mask = encode_block_prompts(text, [["a red ball bouncing in the sky"] * 4] * 4 + [["a blue box at night"] * 4])
        loss = backward_regression(student, x0, noisy, t, emb, mask, micro_batch)
        return loss, [p.grad.clone() for p in student.parameters() if p.grad is not None]

    def test_micro_batches_give_the_whole_batchs_loss_and_gradients(self):
        loss, whole = self.gradients(None)
        self.assertGreater(len(whole), 0)
        for micro in (2, 3):
            part_loss, parts = self.gradients(micro)
            self.assertAlmostEqual(part_loss, loss, places=5)
            self.assertEqual(len(parts), len(whole))
            for a, b in zip(whole, parts):
                torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-6)


if __name__ == "__main__":
    unittest.main()
