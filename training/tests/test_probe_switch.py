"""probe_switch.py: the two continuations it compares start from the same clean frames."""

import unittest

import numpy as np
import torch

from causvid.common import default_config
from causvid.model import FrameAutoencoder, TextEncoder, VideoDiT
from make_test_pack import randomise
from causvid.sampler import frames_to_u8
from probe_switch import prefixed_switch, rendered_prefix


class PrefixedSwitchTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cfg = default_config(latent_size=8, latent_channels=4, patch=4, dim=32, layers=2, heads=2, text_dim=16, text_layers=1, text_heads=2,
                             clip_frames=16, ae_channels=(4, 4, 4, 4, 8))  # 128 px halved 4 times: the 8 x 8 latent
        cls.cfg = cfg
        # Random everywhere (training starts the output layers at zero, which would draw nothing).
        dit, text, ae = randomise(VideoDiT(cfg), 1), randomise(TextEncoder(cfg), 2), randomise(FrameAutoencoder(cfg), 3)
        cls.dit, cls.text, cls.ae = dit, text, ae
        cls.out = prefixed_switch(dit, text, ae.decoder, seeds=range(2), steps=3)

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


if __name__ == "__main__":
    unittest.main()
