"""The evaluation scorer: its inputs, its labels, and that it learns (tiny runs, seconds)."""

import random
import unittest

import numpy as np
import torch

from causvid.prompts import Scene, SceneObject
from causvid.scorer import HEADS, OBJECT_SCALES, ClipClassifier, labels_of, predict, random_labelled_scene, to_input, train_scorer


class ToInputTest(unittest.TestCase):
    def test_every_other_frame_at_full_size_in_unit_range(self):
        frames = np.zeros((16, 128, 128, 3), np.uint8)
        for i in range(16):
            frames[i, :, :, 0] = 10 * i  # red encodes the frame number
        frames[0, 0, 0, 1] = 255  # one green pixel stays one pixel
        x = to_input(frames)
        self.assertEqual(tuple(x.shape), (1, 8, 3, 128, 128))
        self.assertEqual([round(v * 255) for v in x[0, :, 0, 5, 5].tolist()], [0, 20, 40, 60, 80, 100, 120, 140])
        self.assertAlmostEqual(x[0, 0, 1, 0, 0].item(), 1.0)
        self.assertAlmostEqual(x[0, 0, 1, 0, 1].item(), 0.0)

    def test_stride_one_takes_frames_already_thinned(self):
        frames = np.random.default_rng(0).integers(0, 256, (16, 128, 128, 3), dtype=np.uint8)
        self.assertTrue(torch.equal(to_input(frames), to_input(frames[::2], stride=1)))


class LabelsTest(unittest.TestCase):
    def test_the_first_object_is_labelled_and_a_bare_photo_is_none(self):
        scene = Scene((SceneObject("blue", "star", "spinning"), SceneObject("red", "ball", "bouncing")), "sea", "zoom_in")
        labels = {k: HEADS[k][v] for k, v in labels_of(scene).items()}
        self.assertEqual(labels, {"color": "blue", "shape": "star", "motion": "spinning", "background": "sea", "camera": "zoom_in"})
        bare = {k: HEADS[k][v] for k, v in labels_of(Scene((), "photo", "pan_left", photo=0)).items()}
        self.assertEqual((bare["color"], bare["shape"], bare["motion"]), ("none", "none", "none"))


class LabelledScenesTest(unittest.TestCase):
    def test_objects_span_the_base_radius_to_four_times_it(self):
        # The scorer judges packs trained at either object size (evaluate.py --object-scale), and
        # objects drawn larger than asked.
        rng = random.Random(0)
        sizes = [s.objects[0].size for s in (random_labelled_scene(rng, False) for _ in range(400))]
        lo, hi = OBJECT_SCALES
        self.assertGreaterEqual(min(sizes), 0.09 * lo)
        self.assertLessEqual(max(sizes), 0.15 * hi)
        self.assertLess(min(sizes), 0.11)
        self.assertGreater(max(sizes), 0.5)

    def test_a_wider_range_is_followed(self):
        rng = random.Random(0)
        sizes = [s.objects[0].size for s in (random_labelled_scene(rng, False, (3.0, 4.0)) for _ in range(200))]
        self.assertGreaterEqual(min(sizes), 0.09 * 3)
        self.assertLessEqual(max(sizes), 0.15 * 4)
        self.assertGreater(max(sizes), 0.15 * 3)


class ClassifierTest(unittest.TestCase):
    def test_every_head_gives_one_logit_per_class(self):
        torch.manual_seed(0)
        out = ClipClassifier()(torch.rand(2, 8, 3, 128, 128))
        self.assertEqual({k: tuple(v.shape) for k, v in out.items()}, {k: (2, len(v)) for k, v in HEADS.items()})

    def test_a_tiny_run_learns_its_own_pool(self):
        # Four clips, seen over and over with no refresh: the loss must fall, and predict()
        # must name classes from the heads.
        losses = []
        model = train_scorer(60, 4, pool_size=4, refresh=0, log=lambda m: losses.append(float(m.split()[-1])))
        self.assertLess(losses[-1], 0.5 * losses[0])
        pred = predict(model, np.zeros((16, 128, 128, 3), np.uint8))
        self.assertEqual(set(pred), set(HEADS))
        self.assertTrue(all(pred[k] in HEADS[k] for k in HEADS))


if __name__ == "__main__":
    unittest.main()
