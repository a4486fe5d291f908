"""The student's streaming loop: the guidance away from the old prompt at a switch."""

import unittest

import torch

import make_test_pack
from causvid.sampler import SwitchGuidance, StudentStreamer

RED, BLUE = "a red ball standing still in a studio", "a blue ball standing still in a studio"


class SwitchGuidanceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        torch.manual_seed(0)
        cls.ae, cls.text, cls.student, _ = make_test_pack.random_modules(make_test_pack.tiny_config())

    def streamer(self, guidance=None):
        return StudentStreamer(self.student, self.text, self.ae.decoder, [1.0, 0.6, 0.3], 8, 4, switch_guidance=guidance)

    def test_a_clip_without_a_switch_is_not_guided(self):
        plain = self.streamer().generate({0: RED}, 4, seed=3)
        guided = self.streamer(SwitchGuidance(3.0, 2)).generate({0: RED}, 4, seed=3)
        self.assertTrue(torch.equal(plain, guided))

    def test_scale_zero_is_the_plain_loop(self):
        plain = self.streamer().generate({0: RED, 2: BLUE}, 4, seed=3)
        off = self.streamer(SwitchGuidance(0.0, 3)).generate({0: RED, 2: BLUE}, 4, seed=3)
        self.assertTrue(torch.equal(plain, off))

    def test_only_the_first_switched_block_is_guided_on_its_first_steps(self):
        g = SwitchGuidance(3.0, 2)
        s = self.streamer(g)
        calls = []  # (block, prompt embedding) of every denoising pass (t > 0)
        step, next_block = s._step, s.next_block

        def counting(x, t, emb):
            if float(t.max()) > 0:
                calls.append((block[0], emb))
            return step(x, t, emb)

        def numbered(seed, b, cond_first_frame=None):
            block[0] = b
            return next_block(seed, b, cond_first_frame)

        block = [None]
        s._step, s.next_block = counting, numbered
        s.generate({0: RED, 2: BLUE}, 4, seed=3)
        per_block = [[e for b, e in calls if b == k] for k in range(4)]
        self.assertEqual([len(p) for p in per_block], [3, 3, 3 + g.steps, 3])
        red_emb = per_block[0][0]
        self.assertEqual(sum(e is red_emb for e in per_block[2]), g.steps)
        self.assertFalse(any(e is red_emb for e in per_block[3]))

    def test_the_guided_block_follows_the_formula_and_earlier_blocks_are_untouched(self):
        g = SwitchGuidance(2.5, 1)
        plain = self.streamer().generate({0: RED, 2: BLUE}, 3, seed=5)
        guided = self.streamer(g).generate({0: RED, 2: BLUE}, 3, seed=5)
        fpb = self.student.cfg.frames_per_block
        self.assertTrue(torch.equal(plain[: 2 * fpb], guided[: 2 * fpb]))
        # Block 2 by hand: the first step from t = 1 to 0.6 guided away from red, the rest plain.
        s = self.streamer()
        s.generate({0: RED}, 2, seed=5)
        red_emb = s.emb
        s.set_prompt(BLUE)
        from causvid.noise import block_noise

        c = self.student.cfg
        x = torch.from_numpy(block_noise(5, 2, (fpb, c.latent_channels, c.latent_size, c.latent_size)))[None]
        with torch.no_grad():
            ones = torch.ones(1, fpb)
            v_new, _ = s._step(x, ones, s.emb)
            v_old, _ = s._step(x, ones, red_emb)
            x = x + (0.6 - 1.0) * (v_new + 2.5 * (v_new - v_old))
            for t, t_next in ((0.6, 0.3), (0.3, 0.0)):
                v, _ = s._step(x, t * ones, s.emb)
                x = x + (t_next - t) * v
        self.assertTrue(torch.allclose(guided[2 * fpb :], x[0], atol=1e-6))
        self.assertFalse(torch.allclose(plain[2 * fpb :], x[0], atol=1e-3))

    def test_the_manifest_entry_round_trips_and_may_be_absent(self):
        g = SwitchGuidance(3.0, 3)
        self.assertEqual(SwitchGuidance.from_manifest({"switch_guidance": g.manifest_entry()}), g)
        self.assertNotIn("unguided_phrases", g.manifest_entry())  # a pack before session 45 reads the same
        with_phrases = SwitchGuidance(3.0, 3, ("in a studio", "on the grass"))
        self.assertEqual(with_phrases.manifest_entry()["unguided_phrases"], ["in a studio", "on the grass"])
        self.assertEqual(SwitchGuidance.from_manifest({"switch_guidance": with_phrases.manifest_entry()}), with_phrases)
        self.assertIsNone(SwitchGuidance.from_manifest({"timesteps": [1.0]}))

    def test_a_switch_of_unguided_phrases_only_is_not_guided(self):
        g = SwitchGuidance(3.0, 2, ("in a studio", "on the grass", "in the sky"))
        self.assertFalse(g.guides("a red ball standing still on the grass", "a red ball standing still in a studio"))
        self.assertFalse(g.guides("A red ball on the grass, the camera pans left", "a red  ball in the sky,the camera pans left"))
        self.assertTrue(g.guides("a red ball on the grass", "a blue ball on the grass"))
        self.assertTrue(g.guides("a red ball on the grass", "a blue ball in a studio"))
        self.assertTrue(g.guides("a red ball on the grass", "a red ball on the grass, the camera pans left"))
        self.assertFalse(SwitchGuidance(0.0, 2).guides(RED, BLUE))
        # The streamer follows it: the same passes as the plain loop.
        grass = "a red ball standing still on the grass"
        plain = self.streamer().generate({0: grass, 2: RED}, 4, seed=3)
        self.assertTrue(torch.equal(plain, self.streamer(g).generate({0: grass, 2: RED}, 4, seed=3)))
        self.assertFalse(torch.equal(self.streamer().generate({0: RED, 2: BLUE}, 4, seed=3), self.streamer(g).generate({0: RED, 2: BLUE}, 4, seed=3)))


if __name__ == "__main__":
    unittest.main()
