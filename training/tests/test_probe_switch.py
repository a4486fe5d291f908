"""probe_switch.py: the two continuations it compares start from the same clean frames, and the
one-shot read scores the clean estimate of the frames after the fade."""

import functools
import unittest

import numpy as np
import torch

from causvid.common import default_config
from causvid.model import FrameAutoencoder, TextEncoder, VideoDiT
from make_test_pack import randomise
from causvid.sampler import frames_to_u8
from causvid.render import BLEND_FRAMES
from probe_switch import attention_reading, attention_to_place, ball_tokens, one_shot_error, prefixed_switch, rendered_clips, rendered_prefix


@functools.lru_cache(maxsize=None)
def tiny_models():
    """A tiny config and random teacher, text encoder and autoencoder (random everywhere:
    training starts the output layers at zero, which would draw nothing)."""
    cfg = default_config(latent_size=8, latent_channels=4, patch=4, dim=32, layers=2, heads=2, text_dim=16, text_layers=1, text_heads=2,
                         clip_frames=16, ae_channels=(4, 4, 4, 4, 8))  # 128 px halved 4 times: the 8 x 8 latent
    return cfg, randomise(VideoDiT(cfg), 1), randomise(TextEncoder(cfg), 2), randomise(FrameAutoencoder(cfg), 3)


class PrefixedSwitchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cfg, cls.dit, cls.text, cls.ae = tiny_models()
        cls.out = prefixed_switch(cls.dit, cls.text, cls.ae.decoder, seeds=range(2), steps=3)

    def test_switch_after_half_the_blocks(self):
        self.assertEqual(self.out["switch_frame"], 8)

    def test_given_frames_are_the_same_in_both_clips(self):
        # The jump and the control are only comparable if both continue the very same frames.
        for switched, control in self.out["clips"]:
            np.testing.assert_array_equal(switched[:8], control[:8])
            self.assertEqual(len(switched), self.cfg.clip_frames)

    def test_a_rendered_prefix_is_what_both_clips_continue(self):
        # --real-prefix: the given frames are the renderer's red ball, not the teacher's own.
        ae = self.ae
        prefix = rendered_prefix(ae.encoder, range(2), self.cfg)
        self.assertEqual(tuple(prefix.shape), (2, 16, self.cfg.latent_channels, self.cfg.latent_size, self.cfg.latent_size))
        self.assertFalse(torch.equal(prefix[0], prefix[1]), "each seed puts the ball somewhere else")
        out = prefixed_switch(self.dit, self.text, ae.decoder, seeds=range(2), steps=3, prefix=prefix)
        for (switched, control), given in zip(out["clips"], prefix):
            with torch.no_grad():
                expected = frames_to_u8(ae.decoder(given))[:8]
            np.testing.assert_array_equal(switched[:8], expected)
            np.testing.assert_array_equal(control[:8], expected)

    def test_one_reading_per_seed(self):
        for key in ("frames_until_shown", "object_jump_px", "unswitched_move_px"):
            self.assertEqual(len(self.out[key]), 2)


class _Velocity(torch.nn.Module):
    """A stand-in teacher whose velocity is `v(x, t)`."""

    def __init__(self, cfg, v):
        super().__init__()
        self.cfg, self.v = cfg, v

    def bidirectional(self, x, t, text, text_mask):
        return self.v(x, t)


class OneShotTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cfg, _, cls.text, cls.ae = tiny_models()
        cls.clips, cls.prompts = rendered_clips(cls.ae.encoder, range(2), cls.cfg, ("blue", "standing still"))
        cls.noise = torch.randn(cls.clips.shape, generator=torch.Generator().manual_seed(0))

    def test_the_colour_switches_at_the_half_in_the_same_place(self):
        self.assertEqual([p.split()[1] for p in self.prompts[0]], ["red", "red", "blue", "blue"])
        red = rendered_prefix(self.ae.encoder, range(2), self.cfg)
        self.assertTrue(torch.equal(self.clips[:, :8], red[:, :8]))
        self.assertFalse(torch.equal(self.clips[:, 12:], red[:, 12:]))

    def test_a_teacher_that_knows_the_truth_scores_zero(self):
        truth = self.clips
        oracle = _Velocity(self.cfg, lambda x, t: torch.where(t[..., None, None, None] > 0, (x - truth) / t.clamp(min=1e-6)[..., None, None, None], torch.zeros_like(x)))
        self.assertLess(one_shot_error(oracle, self.text, self.clips, self.prompts, self.noise), 1e-10)

    def test_a_still_teacher_scores_the_noise_on_the_settled_frames_only(self):
        # Zero velocity leaves the estimate at x_t, which is t (noise - truth) off the truth.
        still = _Velocity(self.cfg, lambda x, t: torch.zeros_like(x))
        settled = 8 + BLEND_FRAMES - 1
        expected = float((0.95 * (self.noise - self.clips)[:, settled:]).pow(2).mean())
        self.assertAlmostEqual(one_shot_error(still, self.text, self.clips, self.prompts, self.noise), expected, places=5)


class AttentionTest(unittest.TestCase):
    def test_the_ball_token_is_where_the_frame_departs_from_its_mean(self):
        clips = torch.zeros(2, 16, 4, 8, 8)
        clips[0, 7, :, 5, 1] = 3.0  # patch 4: token (row 1, column 0) = 2
        clips[1, 7, :, 0, 6] = -3.0  # token (0, 1) = 1, whatever the sign ("colour")
        self.assertEqual(ball_tokens(clips, 7, 4).tolist(), [2, 1])

    def test_uniform_attention_gives_the_uniform_shares(self):
        cfg = tiny_models()[0]
        n = cfg.clip_frames * cfg.tokens_per_frame
        weights = torch.full((2, 2, n, n), 1.0 / n)
        self.assertEqual(attention_to_place(weights, torch.tensor([0, 3]), cfg), {"to_clean_half": 0.5, "to_ball_place": round(8 / n, 3)})

    def test_attention_on_the_ball_s_place_counts_only_there(self):
        cfg = tiny_models()[0]
        T, n = cfg.tokens_per_frame, cfg.clip_frames * cfg.tokens_per_frame
        weights = torch.zeros(1, 1, n, n)
        weights[..., 7 * T + 2] = 1.0  # every query looks at token 2 of the last clean frame
        self.assertEqual(attention_to_place(weights, torch.tensor([2]), cfg), {"to_clean_half": 1.0, "to_ball_place": 1.0})
        self.assertEqual(attention_to_place(weights, torch.tensor([1]), cfg), {"to_clean_half": 1.0, "to_ball_place": 0.0})

    def test_one_reading_per_layer_and_case_and_the_model_is_left_as_it_was(self):
        import causvid.model

        cfg, dit, text, ae = tiny_models()
        before = causvid.model.attend
        reading = attention_reading(dit, text, ae.encoder, range(2))
        self.assertIs(causvid.model.attend, before)
        self.assertEqual(sorted(reading["per_layer"]), ["colour switch", "motion switch", "no switch"])
        for layers in reading["per_layer"].values():
            self.assertEqual(len(layers), cfg.layers)
            for r in layers:
                self.assertTrue(0.0 <= r["to_ball_place"] <= r["to_clean_half"] <= 1.0)


if __name__ == "__main__":
    unittest.main()
