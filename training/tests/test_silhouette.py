import unittest

import numpy as np

from causvid.silhouette import SilhouetteReader, off_backdrop, pieces, silhouette_features, steadiness, studio_renders


def disc(size=64, radius=20.0):
    y, x = np.mgrid[:size, :size]
    return (x - size / 2 + 0.5) ** 2 + (y - size / 2 + 0.5) ** 2 <= radius**2


class SilhouetteFeaturesTest(unittest.TestCase):
    def test_a_square_fills_its_box_and_its_hull(self):
        m = np.zeros((64, 64), bool)
        m[10:40, 20:50] = True
        extent, solidity = silhouette_features(m)
        self.assertAlmostEqual(extent, 1.0, places=6)
        self.assertAlmostEqual(solidity, 1.0, places=6)

    def test_a_disc_fills_a_quarter_pi_of_its_box(self):
        extent, solidity = silhouette_features(disc())
        self.assertAlmostEqual(extent, np.pi / 4, delta=0.01)
        self.assertGreater(solidity, 0.97)

    def test_a_plus_sign_leaves_gaps_in_its_hull(self):
        m = np.zeros((64, 64), bool)
        m[28:36, 10:54] = True
        m[10:54, 28:36] = True
        extent, solidity = silhouette_features(m)
        self.assertLess(solidity, 0.6)
        self.assertLess(extent, 0.4)

    def test_the_largest_region_counts_and_speckle_is_nothing(self):
        m = disc()
        m[0:3, 0:3] = True  # a speck in a corner does not stretch the box
        self.assertAlmostEqual(silhouette_features(m)[0], np.pi / 4, delta=0.01)
        speck = np.zeros((64, 64), bool)
        speck[5:10, 5:10] = True
        self.assertIsNone(silhouette_features(speck))


class PiecesTest(unittest.TestCase):
    def test_counts_separate_regions_bigger_than_speckle(self):
        m = np.zeros((64, 64), bool)
        self.assertEqual(pieces(m), 0)
        m[5:15, 5:15] = True
        self.assertEqual(pieces(m), 1)
        m[40:50, 40:50] = True
        m[30:33, 5:8] = True  # speckle
        self.assertEqual(pieces(m), 2)
        m[15:16, 15:40] = True  # joined corner to corner (8-neighbour) and along a line: one object
        m[16:40, 39:40] = True
        self.assertEqual(pieces(m), 1)


class SteadinessTest(unittest.TestCase):
    def test_mean_overlap_with_the_previous_frame(self):
        a = np.zeros((4, 4), bool)
        a[0, :2] = True  # two pixels
        b = np.zeros((4, 4), bool)
        b[0, 1:3] = True  # two pixels, one shared with a: IoU 1/3
        self.assertAlmostEqual(steadiness([a, b, b]), (1 / 3 + 1) / 2)

    def test_frames_with_nothing_on_either_side_are_left_out(self):
        empty = np.zeros((4, 4), bool)
        a = np.zeros((4, 4), bool)
        a[1, 1] = True
        # (empty, empty) is skipped; (empty, a) and (a, empty) overlap 0; (a, a) 1.
        self.assertAlmostEqual(steadiness([empty, empty, a, a, empty]), 1 / 3)
        self.assertIsNone(steadiness([empty, empty]))


class OffBackdropTest(unittest.TestCase):
    def test_only_pixels_far_from_the_backdrop_are_the_object(self):
        f = np.full((32, 32, 3), 128, np.uint8)
        f[4:8, 4:8] = (200, 40, 40)  # a red patch
        f[20:24, 20:24] = (150, 150, 150)  # a faint blotch, under the threshold
        m = off_backdrop(f)
        self.assertEqual(int(m.sum()), 16)
        self.assertTrue(m[4:8, 4:8].all())


class SilhouetteReaderTest(unittest.TestCase):
    def test_reads_unseen_renders_of_every_shape(self):
        reader = SilhouetteReader.from_renders(n=32, seed=1)
        test = studio_renders(32, seed=2)
        self.assertGreaterEqual(reader.accuracy([f for _, f in test], [s for s, _ in test]), 0.9)

    def test_reads_twice_the_radius_as_well(self):
        # Extent and solidity do not depend on size, but the references are drawn at the size
        # under test all the same (evaluate.py --object-scale), so the outline's share matches.
        reader = SilhouetteReader.from_renders(n=32, seed=1, object_scale=2.0)
        test = studio_renders(32, seed=2, object_scale=2.0)
        self.assertGreaterEqual(reader.accuracy([f for _, f in test], [s for s, _ in test]), 0.9)
        small, big = studio_renders(4, seed=3), studio_renders(4, seed=3, object_scale=2.0)
        self.assertGreater(off_backdrop(big[0][1]).sum(), 3 * off_backdrop(small[0][1]).sum())

    def test_an_empty_studio_reads_as_nothing(self):
        reader = SilhouetteReader.from_renders(n=8, seed=1)
        self.assertIsNone(reader.read(np.full((128, 128, 3), 120, np.uint8)))


if __name__ == "__main__":
    unittest.main()
