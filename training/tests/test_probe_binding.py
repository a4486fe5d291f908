"""The binding probe rewrites one word of a prompt, and reads the lowest loss as the network's word."""

import unittest

import numpy as np
import torch

from causvid.model import TextEncoder, VideoDiT
from causvid.prompts import Scene, SceneObject, describe
from make_test_pack import randomise, tiny_config
from probe_binding import attribute_words, candidate_losses, readings, tally, with_word, word_of

SCENE = Scene((SceneObject("green", "triangle", "moving left"),), "sunset", "zoom_in")


class WithWordTest(unittest.TestCase):
    def test_each_attribute_changes_only_its_own_word(self):
        self.assertEqual(describe(SCENE), "a green triangle moving left at sunset, the camera zooms in")
        self.assertEqual(describe(with_word(SCENE, "color", "red")), "a red triangle moving left at sunset, the camera zooms in")
        self.assertEqual(describe(with_word(SCENE, "shape", "star")), "a green star moving left at sunset, the camera zooms in")
        self.assertEqual(describe(with_word(SCENE, "motion", "spinning")), "a green triangle spinning at sunset, the camera zooms in")
        self.assertEqual(describe(with_word(SCENE, "background", "sea")), "a green triangle moving left over the sea, the camera zooms in")
        self.assertEqual(describe(with_word(SCENE, "camera", "still")), "a green triangle moving left at sunset")

    def test_the_scene_own_word_is_among_the_candidates(self):
        for attribute, words in attribute_words().items():
            self.assertIn(word_of(SCENE, attribute), words)
            self.assertEqual(len(set(words)), len(words))
        self.assertNotIn("photo", attribute_words()["background"])


class ReadingsTest(unittest.TestCase):
    def test_the_lowest_loss_is_the_reading_summed_and_at_each_level(self):
        losses = np.array([[1.0, 5.0], [2.0, 1.0], [3.0, 0.5]])  # sums 6, 3, 3.5
        self.assertEqual(readings(losses, 1), {"all": True, "levels": [False, False]})
        self.assertEqual(readings(losses, 0), {"all": False, "levels": [True, False]})
        self.assertEqual(readings(losses, 2), {"all": False, "levels": [False, True]})

    def test_tally_is_the_share_read_right(self):
        reads = [{"all": True, "levels": [True, False]}, {"all": False, "levels": [True, True]}, {"all": True, "levels": [False, False]}, {"all": True, "levels": [True, False]}]
        self.assertEqual(tally(reads, 2), {"all": 0.75, "levels": [0.75, 0.25]})


class CandidateLossesTest(unittest.TestCase):
    def setUp(self):
        cfg = tiny_config()
        self.teacher, self.text = randomise(VideoDiT(cfg), 1), randomise(TextEncoder(cfg), 2)
        with torch.no_grad():  # random weights read the words faintly; the tests need them to show
            for layer in self.teacher.layers:
                layer.cross_proj.weight.mul_(30)
        self.x0 = torch.randn(cfg.clip_frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size, generator=torch.Generator().manual_seed(3))

    def losses(self, prompts):
        return candidate_losses(self.teacher, self.text, self.x0, prompts, [0.5, 0.9], torch.Generator().manual_seed(4))

    def test_prompts_taken_a_few_at_a_time_score_as_each_alone(self):
        prompts = [describe(with_word(SCENE, "motion", m)) for m in attribute_words()["motion"][:6]]
        together = self.losses(prompts)
        self.assertEqual(together.shape, (6, 2))
        for k, p in enumerate(prompts):
            np.testing.assert_allclose(together[k], self.losses([p])[0], rtol=1e-6)

    def test_the_word_changes_the_loss_and_the_same_prompt_does_not(self):
        a, b = describe(SCENE), describe(with_word(SCENE, "color", "blue"))
        same, other = self.losses([a, a]), self.losses([a, b])
        np.testing.assert_array_equal(same[0], same[1])
        self.assertTrue(np.all(other[0] != other[1]), "a random network reads every word a little")


if __name__ == "__main__":
    unittest.main()
