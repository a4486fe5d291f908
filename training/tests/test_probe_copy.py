"""probe_copy.py's attention figures, against attention worked out by hand."""

import unittest

import torch

from causvid import model as M
from causvid.common import default_config
from probe_copy import attention_on_frame, recorded_self_attention


class AttentionOnFrameTest(unittest.TestCase):
    def test_hand_worked_masses(self):
        # Two tokens a frame, keys of three frames; one head. Query 0 puts 0.5 on its own place in
        # frame 0 and 0.25 on the other; query 1 puts 0.25 on its own place in frame 0, the rest
        # on later frames.
        att = torch.tensor([[[[0.5, 0.25, 0.25, 0.0, 0.0, 0.0], [0.0, 0.25, 0.0, 0.5, 0.25, 0.0]]]])
        whole, same = attention_on_frame(att, tokens_per_frame=2)
        self.assertAlmostEqual(float(whole[0]), (0.75 + 0.25) / 2)
        self.assertAlmostEqual(float(same[0]), (0.5 + 0.25) / 2)

    def test_another_frame(self):
        att = torch.tensor([[[[0.5, 0.25, 0.25, 0.0], [0.0, 0.25, 0.0, 0.75]]]])
        whole, same = attention_on_frame(att, tokens_per_frame=2, frame=1)
        self.assertAlmostEqual(float(whole[0]), (0.25 + 0.75) / 2)
        self.assertAlmostEqual(float(same[0]), (0.25 + 0.75) / 2)


class RecordedSelfAttentionTest(unittest.TestCase):
    def test_records_each_layer_and_restores_attention(self):
        cfg = default_config(latent_size=8, latent_channels=4, patch=4, dim=32, layers=2, heads=2, text_dim=16, text_layers=1, text_heads=2, clip_frames=8)
        torch.manual_seed(0)
        dit = M.VideoDiT(cfg)
        x, t = torch.randn(1, 8, 4, 8, 8), torch.rand(1, 8)
        text, mask = torch.randn(1, 2, 5, 16), torch.ones(1, 2, 5)
        before = M.attend
        with torch.no_grad():
            plain = dit.bidirectional(x, t, text, mask)
            with recorded_self_attention(1, cfg.tokens_per_frame) as records:
                spied = dit.bidirectional(x, t, text, mask)
        self.assertEqual(len(records), cfg.layers)  # the text cross-attention is left out
        self.assertEqual(tuple(records[0].shape), (1, cfg.heads, cfg.tokens_per_frame, 8 * cfg.tokens_per_frame))
        torch.testing.assert_close(records[0].sum(-1), torch.ones(1, cfg.heads, cfg.tokens_per_frame))
        torch.testing.assert_close(spied, plain)  # watching does not change the network
        self.assertIs(M.attend, before)


if __name__ == "__main__":
    unittest.main()
