import unittest

import numpy as np

from evaluate import frame_change, frames_until


class FrameChangeTest(unittest.TestCase):
    def test_a_still_clip_scores_zero_and_a_steady_fade_its_step(self):
        still = np.full((4, 8, 8, 3), 90, dtype=np.uint8)
        fade = np.stack([np.full((8, 8, 3), 51 * i, dtype=np.uint8) for i in range(4)])
        self.assertEqual(frame_change([still]), 0.0)
        self.assertAlmostEqual(frame_change([fade]), 0.2, places=6)
        self.assertAlmostEqual(frame_change([still, fade]), 0.1, places=6)

    def test_only_consecutive_frames_count(self):
        # Flicker between two images changes every frame; a one-time cut only once.
        a, b = np.zeros((8, 8, 3), np.uint8), np.full((8, 8, 3), 255, np.uint8)
        flicker = np.stack([a, b, a, b, a])
        cut = np.stack([a, a, b, b, b])
        self.assertAlmostEqual(frame_change([flicker]), 1.0, places=6)
        self.assertAlmostEqual(frame_change([cut]), 0.25, places=6)


class FramesUntilTest(unittest.TestCase):
    def test_counts_from_the_switch_to_the_first_held_reading(self):
        labels = ["sunset"] * 16 + ["sunset", "night", "sunset", "night", "night", "night", "night", "night"]
        # A one-frame flash of the new background does not count; the held run from frame 19 does.
        self.assertEqual(frames_until(labels, 16, "night"), 3)
        self.assertEqual(frames_until(labels, 16, "night", hold=1), 1)
        self.assertIsNone(frames_until(labels, 16, "sea"))
        self.assertIsNone(frames_until(["night"] * 19, 16, "night"), "too few frames left to hold 4")


if __name__ == "__main__":
    unittest.main()
