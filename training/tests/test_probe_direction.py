"""The direction probe says each case the other way and reads the margin between the two fits."""

import unittest

import numpy as np

from causvid.prompts import describe
from probe_direction import OPPOSITE, case_scene, margin, opposite_scene, tally


class CaseSceneTest(unittest.TestCase):
    def test_each_case_is_said_its_own_way_and_the_opposite_flips_only_the_direction(self):
        self.assertEqual(describe(case_scene("moving left", 0, 1.0)), "a red ball moving left in a studio")
        self.assertEqual(describe(opposite_scene(case_scene("moving left", 0, 1.0), "moving left")), "a red ball moving right in a studio")
        self.assertEqual(describe(case_scene("moving down", 1, 1.0)), "a blue box moving down in the sky")
        self.assertEqual(describe(case_scene("pan_left", 2, 1.0)), "a yellow star standing still on the grass, the camera pans left")
        self.assertEqual(describe(opposite_scene(case_scene("pan_left", 2, 1.0), "pan_left")), "a yellow star standing still on the grass, the camera pans right")

    def test_the_backdrops_given_are_taken_in_turn(self):
        self.assertEqual([case_scene("moving up", k, 1.0, ("studio", "sea")).background for k in range(3)], ["studio", "sea", "studio"])

    def test_opposites_pair_up(self):
        for case, other in OPPOSITE.items():
            self.assertEqual(OPPOSITE[other], case)

    def test_the_object_scale_scales_only_the_radius(self):
        small, big = case_scene("moving up", 3, 1.0), case_scene("moving up", 3, 2.0)
        self.assertAlmostEqual(big.objects[0].size, 2 * small.objects[0].size)
        self.assertEqual(describe(small), describe(big))


class MarginTest(unittest.TestCase):
    def test_margin_is_the_opposite_loss_over_the_own_summed_over_levels(self):
        self.assertAlmostEqual(margin(np.array([1.0, 3.0]), np.array([2.0, 3.0])), 0.25)
        self.assertAlmostEqual(margin(np.array([2.0, 2.0]), np.array([1.0, 1.0])), -0.5)
        self.assertEqual(margin(np.array([1.0]), np.array([1.0])), 0.0)

    def test_tally_counts_a_tie_as_no_win_and_splits_by_backdrop(self):
        read = tally([0.2, -0.1, 0.0, 0.3, 0.4])
        self.assertEqual(read["own_wins"], 0.6)
        self.assertAlmostEqual(read["margin"], 0.16)
        self.assertEqual(list(read["by_backdrop"]), ["studio", "sky", "grass", "sea"])
        self.assertAlmostEqual(read["by_backdrop"]["studio"], 0.3)
        self.assertAlmostEqual(read["by_backdrop"]["sea"], 0.3)


if __name__ == "__main__":
    unittest.main()
