"""The teacher's noise levels: which clips get clean frames to continue from."""

import unittest

import numpy as np
import torch

from causvid.model import TextEncoder, VideoDiT
from causvid.noise import clip_noise
from causvid.sampler import null_prompt_tokens
from make_test_pack import tiny_config
from causvid.model import frame_weighted_mse
from make_test_pack import randomise
from train_teacher import FlowBatch, backward_flow, conditioning_times, clip_draw_odds, round_recipe, says_pan, says_sideways, shift_times, teacher_optimizer


class ConditioningTimesTest(unittest.TestCase):
    def draw(self, context, b=2000, n=16, fpb=4, **kw):
        torch.manual_seed(0)
        return conditioning_times(b, n, fpb, np.random.default_rng(0), context=context, **kw)

    def test_no_context_leaves_every_frame_noisy(self):
        t = self.draw(0.0)
        self.assertTrue(bool((t > 0).all()))

    def test_full_context_gives_every_clip_a_clean_first_frame(self):
        t = self.draw(1.0)
        self.assertTrue(bool((t[:, 0] == 0).all()))
        self.assertTrue(bool((t[:, -1] > 0).all()), "the last block is always left to denoise")

    def test_shares_of_prefixes_and_first_frames(self):
        t = self.draw(0.35)
        first_only = ((t[:, 0] == 0) & (t[:, 1] > 0)).float().mean().item()
        prefix = (t[:, :4] == 0).all(1).float().mean().item()
        self.assertAlmostEqual(prefix, 0.25, delta=0.03)
        self.assertAlmostEqual(first_only, 0.10, delta=0.02)
        # a clean prefix is whole blocks
        for row in t[(t[:, 0] == 0) & (t[:, 1] == 0)]:
            clean = int((row == 0).sum())
            self.assertEqual(clean % 4, 0)
            self.assertTrue(bool((row[:clean] == 0).all()))

    def test_switch_prefix_ends_the_prefix_at_the_switch(self):
        b = 2000
        switch_blocks = np.where(np.arange(b) % 2 == 0, 2, 0)  # every other clip switches at block 2
        t = self.draw(0.35, b=b, switch_blocks=switch_blocks, switch_prefix=1.0)
        prefixed = (t[:, :4] == 0).all(1).numpy()
        clean_blocks = (t == 0).sum(1).numpy() // 4
        self.assertTrue((clean_blocks[prefixed & (switch_blocks == 2)] == 2).all())
        self.assertGreater(len(set(clean_blocks[prefixed & (switch_blocks == 0)])), 1, "clips that do not switch keep prefixes of every length")

    def test_switch_noise_puts_the_blocks_after_a_switch_prefix_at_high_noise(self):
        b = 2000
        switch_blocks = np.where(np.arange(b) % 2 == 0, 2, 0)
        t = self.draw(0.35, b=b, switch_blocks=switch_blocks, switch_prefix=1.0, switch_noise=0.9)
        at_switch = ((t[:, :8] == 0).all(1) & (t[:, 8] > 0)).numpy() & (switch_blocks == 2)
        self.assertGreater(at_switch.sum(), 100)
        rest = t[torch.from_numpy(at_switch), 8:]
        self.assertTrue(bool(((rest >= 0.9) & (rest < 1.0)).all()))
        self.assertTrue(bool((rest == rest[:, :1]).all()), "one level for the switched blocks")
        others = t[torch.from_numpy(~at_switch)]
        self.assertLess(float((others[others > 0] >= 0.9).float().mean()), 0.1, "the other clips keep their own levels")
        # Off, it draws nothing, so runs without it keep their random stream.
        plain = self.draw(0.35, b=b, switch_blocks=switch_blocks, switch_prefix=1.0)
        self.assertTrue(torch.equal(plain, self.draw(0.35, b=b, switch_blocks=switch_blocks, switch_prefix=1.0, switch_noise=0.0)))
        self.assertFalse(torch.equal(plain, t))

    def test_without_switch_prefix_the_draws_are_as_before(self):
        # The shipped recipe's random stream must not change when the option is off.
        plain = self.draw(0.35)
        off = self.draw(0.35, switch_blocks=np.full(2000, 2), switch_prefix=0.0)
        self.assertTrue(torch.equal(plain, off))

    def test_photo_first_frame_gives_photo_clips_their_first_frame(self):
        b = 2000
        photo = np.arange(b) % 2 == 0
        t = self.draw(0.35, b=b, photo_clips=photo, photo_first_frame=1.0)
        self.assertTrue(bool((t[torch.from_numpy(photo), 0] == 0).all()))
        others = t[torch.from_numpy(~photo)]
        self.assertAlmostEqual(float((others[:, 0] == 0).float().mean()), 0.35, delta=0.04, msg="other clips keep the usual share")
        prefixes = (t[:, :4] == 0).all(1)
        self.assertAlmostEqual(float(prefixes[torch.from_numpy(photo)].float().mean()), 0.25, delta=0.04, msg="a photo clip's prefix stays a prefix")
        # Off, it draws nothing, so runs without it keep their random stream.
        self.assertTrue(torch.equal(self.draw(0.35, b=b), self.draw(0.35, b=b, photo_clips=photo, photo_first_frame=0.0)))

    def test_shift_moves_draws_to_high_noise(self):
        t = torch.tensor([0.0, 0.25, 0.5, 1.0])
        np.testing.assert_allclose(shift_times(t, 3.0).numpy(), [0.0, 0.5, 0.75, 1.0], atol=1e-6)


def training_noise(x0, correlation=0.0):
    """The flow's noise as train_teacher draws it for clips x0 (torch's global generator)."""
    return clip_noise(None, len(x0), x0.shape[1:], correlation, device=x0.device)


class TrainingNoiseTest(unittest.TestCase):
    def test_independent_noise_is_the_plain_draw(self):
        x0 = torch.zeros(2, 4, 8, 4, 4)
        torch.manual_seed(5)
        plain = torch.randn_like(x0)
        torch.manual_seed(5)
        self.assertTrue(torch.equal(training_noise(x0), plain))

    def test_frames_share_the_stated_correlation_and_stay_standard_normal(self):
        torch.manual_seed(0)
        eps = training_noise(torch.zeros(4000, 3, 2, 2, 2), 0.8)
        flat = eps.reshape(4000, 3, -1)
        self.assertAlmostEqual(flat.var().item(), 1.0, delta=0.02)
        corr = torch.corrcoef(torch.stack([flat[:, 0].flatten(), flat[:, 2].flatten()]))[0, 1].item()
        self.assertAlmostEqual(corr, 0.8, delta=0.02)
        # each clip draws its own shared frame
        clips = torch.corrcoef(torch.stack([flat[:-1, 0].flatten(), flat[1:, 0].flatten()]))[0, 1].item()
        self.assertAlmostEqual(clips, 0.0, delta=0.02)


class ClipDrawOddsTest(unittest.TestCase):
    def test_photo_clips_weighted(self):
        odds = clip_draw_odds((np.array([True, False, False, True]), 3.0), (np.zeros(4, bool), 1.0))
        np.testing.assert_allclose(odds, [3 / 8, 1 / 8, 1 / 8, 3 / 8])

    def test_no_photo_clips_is_uniform(self):
        np.testing.assert_allclose(clip_draw_odds((np.zeros(4, bool), 3.0), (np.zeros(4, bool), 1.0)), [0.25] * 4)

    def test_weights_multiply_for_a_photo_clip_that_switches(self):
        photo, switch = np.array([True, True, False, False]), np.array([True, False, True, False])
        odds = clip_draw_odds((photo, 3.0), (switch, 2.0))
        np.testing.assert_allclose(odds, np.array([6, 3, 2, 1]) / 12)

    def test_sideways_clips_weighted_with_the_others(self):
        switch, sideways = np.array([True, False, False]), np.array([True, True, False])
        odds = clip_draw_odds((np.zeros(3, bool), 1.0), (switch, 2.0), (sideways, 3.0))
        np.testing.assert_allclose(odds, np.array([6, 3, 1]) / 10)

    def test_sideways_reads_object_motion_and_pans_not_other_words(self):
        self.assertTrue(says_sideways(["a red ball moving left in the sky"]))
        self.assertTrue(says_sideways(["a red ball in the sky", "a red ball in the sky, the camera pans right"]))
        self.assertFalse(says_sideways(["a bright ball moving up", "a ball growing, the camera zooms in"]))
        self.assertFalse(says_sideways(["a rightward box"]))  # a whole word only

    def test_pan_reads_the_camera_not_an_object_moving_sideways(self):
        self.assertTrue(says_pan(["a red ball in the sky", "a red ball in the sky, the camera pans left"]))
        self.assertTrue(says_pan(["in a photo, the camera pans right"]))
        self.assertFalse(says_pan(["a red ball moving left in the sky", "a red ball moving right, the camera zooms out"]))

    def test_a_weight_of_zero_leaves_a_kind_out(self):
        odds = clip_draw_odds((np.array([True, False, False, True]), 0.0))
        np.testing.assert_allclose(odds, [0, 0.5, 0.5, 0])


class RoundRecipeTest(unittest.TestCase):
    def test_first_rounds_train_without_the_temporal_terms(self):
        self.assertEqual(round_recipe("teacher", False, 0.5, 2.0), (0.0, 0.0))
        self.assertEqual(round_recipe("teacher_more", False, 0.5, 2.0), (0.0, 0.0))

    def test_third_and_fourth_rounds_use_them(self):
        self.assertEqual(round_recipe("teacher_temporal", False, 0.5, 2.0), (0.5, 2.0))
        self.assertEqual(round_recipe("teacher_spatial", False, 0.25, 1.0), (0.25, 1.0))

    def test_a_continuation_asks_for_them(self):
        self.assertEqual(round_recipe("teacher", True, 0.5, 2.0), (0.5, 2.0))


class TeacherOptimizerTest(unittest.TestCase):
    def optimised(self, **kw):
        cfg = tiny_config()
        dit, text = VideoDiT(cfg), TextEncoder(cfg)
        opt, params = teacher_optimizer(dit, text, "teacher", 1e-3, 20.0, **kw)
        in_opt = {id(p) for g in opt.param_groups for p in g["params"]}
        return dit, text, in_opt, {id(p) for p in params}

    def test_text_encoder_trains_with_the_network_by_default(self):
        dit, text, in_opt, clipped = self.optimised()
        self.assertTrue(all(id(p) in in_opt and id(p) in clipped for p in text.parameters()))
        self.assertNotIn(id(dit.spatial_bias), in_opt, "the bias learns only when asked")

    def test_a_frozen_text_encoder_is_left_out(self):
        dit, text, in_opt, clipped = self.optimised(train_text=False)
        self.assertFalse(any(id(p) in in_opt or id(p) in clipped for p in text.parameters()))
        self.assertFalse(any(p.requires_grad for p in text.parameters()))
        self.assertTrue(all(id(p) in in_opt for p in dit.parameters() if p is not dit.spatial_bias))


class MicroBatchTest(unittest.TestCase):
    def test_a_slices_share_of_the_loss_is_its_error_over_the_whole_batchs_weight(self):
        pred, target = torch.zeros(2, 2, 1, 1, 1), torch.tensor([1.0, 2.0, 3.0, 4.0]).reshape(2, 2, 1, 1, 1)
        w = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
        self.assertAlmostEqual(frame_weighted_mse(pred, target, w).item(), (1 + 9 + 16) / 3, places=5)
        first = frame_weighted_mse(pred[:1], target[:1], w[:1], w.sum()).item()
        second = frame_weighted_mse(pred[1:], target[1:], w[1:], w.sum()).item()
        self.assertAlmostEqual(first, 1 / 3, places=6)
        self.assertAlmostEqual(first + second, (1 + 9 + 16) / 3, places=5)

    def gradients(self, micro_batch, difference_weight):
        cfg = tiny_config()
        dit, text = randomise(VideoDiT(cfg), 1), randomise(TextEncoder(cfg), 2)
        g = torch.Generator().manual_seed(3)
        shape = (5, cfg.clip_frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size)
        t = torch.rand(5, cfg.clip_frames, generator=g)
        t[1, :4] = 0  # a clean prefix block: left out of both losses
        tokens = torch.randint(3, cfg.vocab_size, (5, cfg.clip_frames // cfg.frames_per_block, cfg.max_tokens), generator=g)
        tokens[2] = null_prompt_tokens(1, tokens.shape[1])[0]  # a dropped prompt
        batch = FlowBatch(torch.randn(shape, generator=g), tokens, t, torch.randn(shape, generator=g))
        losses = backward_flow(dit, text, batch, micro_batch, difference_weight)
        return losses, [p.grad.clone() if p.grad is not None else None for p in list(dit.parameters()) + list(text.parameters())]

    def test_micro_batches_give_the_whole_batchs_losses_and_gradients(self):
        for weight in (0.0, 2.0):
            (flow, diff), whole = self.gradients(None, weight)
            for micro in (2, 1):
                (f, d), parts = self.gradients(micro, weight)
                self.assertAlmostEqual(f, flow, places=5)
                self.assertAlmostEqual(d, diff, places=5)
                for a, b in zip(whole, parts):
                    self.assertEqual(a is None, b is None)
                    if a is not None:
                        torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-6)
            self.assertEqual(diff == 0.0, weight == 0.0)


if __name__ == "__main__":
    unittest.main()
