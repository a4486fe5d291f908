"""uint8 frames <-> the autoencoder's float input: layout, scale, and the round trip."""

import unittest

import numpy as np
import torch

from causvid.sampler import frames_from_u8, frames_to_u8


class FramesTest(unittest.TestCase):
    def test_golden_values_and_channel_layout(self):
        frames = np.zeros((1, 2, 2, 3), np.uint8)
        frames[0, 0, 1] = (255, 51, 0)  # row 0, column 1
        x = frames_from_u8(frames)
        self.assertEqual(tuple(x.shape), (1, 3, 2, 2))
        self.assertEqual(x.dtype, torch.float32)
        self.assertTrue(torch.allclose(x[0, :, 0, 1], torch.tensor([1.0, 0.2, 0.0])))
        self.assertAlmostEqual(float(x.sum()), 1.2, places=6)

    def test_tensor_input_gives_the_same_as_an_array(self):
        frames = np.random.default_rng(0).integers(0, 256, (3, 4, 5, 3), dtype=np.uint8)
        self.assertTrue(torch.equal(frames_from_u8(frames), frames_from_u8(torch.from_numpy(frames))))

    def test_round_trip_is_exact(self):
        frames = np.random.default_rng(1).integers(0, 256, (2, 8, 8, 3), dtype=np.uint8)
        self.assertTrue(np.array_equal(frames_to_u8(frames_from_u8(frames)), frames))

    def test_non_contiguous_arrays_are_accepted(self):
        frames = np.random.default_rng(2).integers(0, 256, (4, 6, 6, 3), dtype=np.uint8)
        self.assertTrue(torch.equal(frames_from_u8(frames[::2]), frames_from_u8(frames[[0, 2]])))


if __name__ == "__main__":
    unittest.main()
