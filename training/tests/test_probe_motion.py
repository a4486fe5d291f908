"""The motion probe reads the rendered truth as moving the way its prompt says, and nothing else so."""

import math
import unittest

import numpy as np
import torch

from causvid.data import SHIPPED_OBJECT_SCALE
from causvid.noise import clip_noise
from causvid.prompts import MOTIONS
from causvid.render import render_clip
from probe_motion import ENDS, case_contrast, case_of, contrasts, mean_drift, motion_figures, object_track, probe_noise, shown, studio_motion_scenes, truth_prior

SCENES = studio_motion_scenes(1, SHIPPED_OBJECT_SCALE)
CLIPS = [render_clip([s] * 4, 4) for s in SCENES]


class ObjectTrackTest(unittest.TestCase):
    def test_the_truth_moves_its_object_a_third_of_the_view_in_the_prompted_direction(self):
        tracks = {case_of(s): object_track(c) for s, c in zip(SCENES, CLIPS)}
        self.assertAlmostEqual(tracks["moving left"][0], -32.7, delta=1.0)
        self.assertAlmostEqual(tracks["moving right"][0], 32.7, delta=1.0)
        self.assertAlmostEqual(tracks["moving up"][1], -32.7, delta=1.0)
        self.assertAlmostEqual(tracks["moving down"][1], 32.7, delta=1.0)
        self.assertGreater(tracks["growing"][2], 2.0)
        self.assertLess(tracks["shrinking"][2], 0.5)
        right, down, growth = tracks["standing still"]
        self.assertEqual((round(right, 3), round(down, 3)), (0.0, 0.0))
        self.assertAlmostEqual(growth, 1.0, places=3)
        self.assertAlmostEqual(tracks["pans left"][0], 24.0, delta=1.0, msg="as in film, the content slides right")
        self.assertAlmostEqual(tracks["pans right"][0], -24.0, delta=1.0)

    def test_an_empty_studio_has_no_move(self):
        empty = np.full((16, 128, 128, 3), 128, np.uint8)
        right, down, growth = object_track(empty)
        self.assertTrue(math.isnan(right) and math.isnan(down))
        self.assertEqual(growth, 1.0)


class ShownTest(unittest.TestCase):
    def test_each_directed_word_needs_its_own_direction(self):
        self.assertTrue(shown("moving left", -9, 0, 1))
        self.assertFalse(shown("moving left", 9, 0, 1))
        self.assertFalse(shown("moving left", -7, 0, 1), "under a quarter of the truth's move")
        self.assertTrue(shown("moving down", 0, 9, 1))
        self.assertFalse(shown("moving up", 0, 9, 1))
        self.assertTrue(shown("growing", 0, 0, 1.4))
        self.assertFalse(shown("growing", 0, 0, 1.2), "under a third more area")
        self.assertFalse(shown("growing", 0, 0, 0.5))
        self.assertTrue(shown("shrinking", 0, 0, 0.7))
        self.assertIsNone(shown("spinning", 30, 0, 1))
        self.assertIsNone(shown("standing still", 0, 0, 1))
        self.assertTrue(shown("pans left", 9, 0, 1))
        self.assertFalse(shown("pans left", -9, 0, 1))
        self.assertTrue(shown("pans right", -9, 0, 1))

    def test_the_truth_shows_every_directed_motion_and_a_still_object_none(self):
        figures = motion_figures(CLIPS, SCENES)
        self.assertEqual((figures["shown"], figures["directed_clips"]), (1.0, 6))
        self.assertEqual((figures["pans_shown"], figures["pan_clips"]), (1.0, 2))
        self.assertEqual(set(figures["per_case"]), set(MOTIONS) | {"pans left", "pans right"})
        still = CLIPS[MOTIONS.index("standing still")]
        held = motion_figures([still] * len(SCENES), SCENES)
        self.assertEqual((held["shown"], held["pans_shown"]), (0.0, 0.0))


class PairedNoiseTest(unittest.TestCase):
    SHAPE = (2, 1, 2, 2)

    def test_paired_scenes_of_a_seed_share_their_draw_and_seeds_differ(self):
        noise = probe_noise(3, 2, self.SHAPE, paired=True)
        self.assertEqual(tuple(noise.shape), (6, *self.SHAPE))
        for k in range(3):
            self.assertTrue(torch.equal(noise[2 * k], noise[2 * k + 1]))
        self.assertFalse(torch.equal(noise[0], noise[2]))

    def test_unpaired_scenes_draw_as_before_pairing(self):
        noise = probe_noise(3, 2, self.SHAPE, paired=False)
        self.assertTrue(torch.equal(noise, clip_noise(torch.Generator().manual_seed(700), 6, self.SHAPE, 0.0)))

    def test_pans_only_keeps_the_pans_in_order(self):
        scenes = studio_motion_scenes(2, SHIPPED_OBJECT_SCALE, pans_only=True)
        self.assertEqual([case_of(s) for s in scenes], ["pans left", "pans right"] * 2)
        self.assertEqual(scenes[0].objects[0].color, "red")
        self.assertEqual(scenes[2].objects[0].color, "blue")

    def test_the_truths_contrasts_are_twice_each_move(self):
        contrasts_of = motion_figures(CLIPS, SCENES)["contrasts"]
        self.assertAlmostEqual(contrasts_of["pans left - pans right"], 48.0, delta=2.0)
        self.assertAlmostEqual(contrasts_of["moving right - moving left"], 65.4, delta=2.0)
        self.assertAlmostEqual(contrasts_of["moving down - moving up"], 65.4, delta=2.0)
        held = motion_figures([CLIPS[MOTIONS.index("standing still")]] * len(SCENES), SCENES)["contrasts"]
        self.assertEqual(set(held.values()), {0.0}, "a clip that ignores its prompt contrasts nothing")
        self.assertTrue(math.isnan(case_contrast({"moving left": {"right": -30.0}}, "pans left", "pans right")))


class PriorTest(unittest.TestCase):
    def test_the_drift_of_a_square_moving_two_pixels_a_frame(self):
        frames = np.full((16, 64, 64, 3), 0.5, np.float32)
        for k in range(16):
            frames[k, 20:30, 10 + 2 * k : 20 + 2 * k] = (0.9, 0.1, 0.1)
        right, down = mean_drift(frames)
        self.assertAlmostEqual(right, 2.0 * (16 - ENDS), places=4)  # the mean of frames 12-15 less that of 0-3
        self.assertAlmostEqual(down, 0.0, places=4)

    def test_contrasts_are_right_minus_left_and_down_minus_up(self):
        drifts = {"moving left": (-10.0, 1.0), "moving right": (12.0, 0.0), "moving up": (0.5, -9.0), "moving down": (0.0, 11.5)}
        self.assertEqual(contrasts(drifts), {"right_minus_left": 22.0, "down_minus_up": 20.5})

    def test_the_truth_averaged_over_places_drifts_the_prompted_way(self):
        truth = truth_prior([("red", "ball")], SHIPPED_OBJECT_SCALE, placements=4)["red ball"]
        self.assertGreater(truth["right_minus_left"], 15)
        self.assertGreater(truth["down_minus_up"], 15)


if __name__ == "__main__":
    unittest.main()
