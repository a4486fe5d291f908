"""The check that guards the fused attention kernel on a GPU, run here with stand-ins for it:
it must pass a kernel that computes the same function and fail one that does not."""

import math
import unittest
from unittest import mock

import torch

from causvid import model as M
from causvid import sdpa_check
from causvid.model import ModelConfig

CFG = ModelConfig(vocab_size=40, dim=32, layers=2, heads=2, text_dim=16, text_layers=1, text_heads=2, latent_channels=4, latent_size=8)


def same_function(q, k, v, attn_mask):
    att = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1]) + attn_mask
    return torch.matmul(att.softmax(-1), v)


def bf16_inputs(q, k, v, attn_mask):
    """The same function, on inputs rounded to bf16: coarser than the TF32 a GPU multiplies in."""
    return same_function(*(x.to(torch.bfloat16).float() for x in (q, k, v)), attn_mask)


def ignores_the_mask(q, k, v, attn_mask):
    return torch.matmul((torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(q.shape[-1])).softmax(-1), v)


class FusedAttentionCheckTest(unittest.TestCase):
    def errors_with(self, kernel):
        with mock.patch.object(M, "_fused_attention", kernel):
            return sdpa_check.compare(CFG, torch.device("cpu"))

    def test_a_kernel_computing_the_same_function_passes(self):
        errors = self.errors_with(same_function)
        self.assertIn("step", errors)
        self.assertIn("grad spatial_bias", errors)
        self.assertLess(max(errors.values()), 1e-5)

    def test_rounding_like_a_gpu_s_passes(self):
        self.assertLess(max(self.errors_with(bf16_inputs).values()), sdpa_check.TOLERANCE)

    def test_a_kernel_that_drops_the_masks_fails_on_every_masked_path(self):
        errors = self.errors_with(ignores_the_mask)
        for path in ("teacher_forced", "block_causal", "step", "grad spatial_bias"):
            self.assertGreater(errors[path], sdpa_check.TOLERANCE, path)

    def test_the_check_leaves_the_plain_product_on_where_it_was(self):
        before = set(M.FUSED_DEVICES)
        self.errors_with(same_function)
        self.assertEqual(M.FUSED_DEVICES, before)

    def test_without_a_gpu_there_is_nothing_to_check(self):
        self.assertEqual(sdpa_check.main([]), 0)


if __name__ == "__main__":
    unittest.main()
