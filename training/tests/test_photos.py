"""The photo bank: which wallpaper file is taken, and the colour jitter of its crops."""

import random
import tempfile
import unittest
from pathlib import Path

import numpy as np

from causvid.photos import TEXTURE, jitter_colours, plasma_image, random_texture


class PlasmaImageTest(unittest.TestCase):
    def test_smallest_landscape_size_of_at_least_512(self):
        with tempfile.TemporaryDirectory() as d:
            for name in ("640x480.jpg", "800x600.jpg", "1920x1080.jpg", "1080x1920.jpg", "screenshot.png"):
                (Path(d) / name).touch()
            self.assertEqual(plasma_image(Path(d)).name, "800x600.jpg")

    def test_none_without_a_usable_size(self):
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "720x1440.jpg").touch()  # portrait only
            self.assertIsNone(plasma_image(Path(d)))
            self.assertIsNone(plasma_image(Path(d) / "missing"))


class JitterTest(unittest.TestCase):
    def test_golden(self):
        # Random(0) draws saturation 1.2067, contrast 1.1032, exposure 0.9682; worked by hand:
        # grey 0.4 -> 0.1587, 0.4, 0.6413; frame mean 0.45; (0.1587 - 0.45) * 1.1032 + 0.45 = 0.1286;
        # * 0.9682 = 0.1245. The second pixel's red and green leave [0, 1] and are clipped.
        img = np.array([[[0.2, 0.4, 0.6], [0.9, 0.1, 0.5]]], np.float32)
        out = jitter_colours(img, random.Random(0))
        np.testing.assert_allclose(out, [[[0.12452, 0.38230, 0.64007], [1.0, 0.0, 0.48911]]], atol=2e-5)
        self.assertEqual(out.dtype, np.float32)

    def test_grey_stays_grey(self):
        img = np.full((4, 4, 3), 0.3, np.float32)
        img[0, 0] = 0.7
        out = jitter_colours(img, random.Random(5))
        np.testing.assert_allclose(out[..., 0], out[..., 2], atol=1e-6)


class RandomTextureTest(unittest.TestCase):
    def test_size_range_and_repeatable(self):
        photo = np.random.default_rng(0).random((300, 400, 3)).astype(np.float32)
        a, b = random_texture(photo, random.Random(3)), random_texture(photo, random.Random(3))
        self.assertEqual(a.shape, (TEXTURE, TEXTURE, 3))
        self.assertTrue(0.0 <= a.min() and a.max() <= 1.0)
        np.testing.assert_array_equal(a, b)


if __name__ == "__main__":
    unittest.main()
