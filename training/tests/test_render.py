"""The renderer draws what the prompt says (colour, place, motion, camera)."""

import random
import unittest
from dataclasses import replace

import numpy as np

from causvid.prompts import COLORS, Scene, SceneObject, describe, random_object, random_scene, with_object_scale
from causvid.render import render_clip


def obj(motion="standing still", color="red", shape="ball"):
    return SceneObject(color=color, shape=shape, motion=motion, x=0.5, y=0.5, size=0.12)


def mask_of(frame, color):
    rgb = np.asarray(COLORS[color]) * 255
    return (np.abs(frame.astype(float) - rgb).sum(-1) < 90)


def centroid(frame, color):
    ys, xs = np.nonzero(mask_of(frame, color))
    return xs.mean(), ys.mean(), len(xs)


class RenderTest(unittest.TestCase):
    def clip(self, scene, blocks=4):
        return render_clip([scene] * blocks, 4)

    def test_prompt_text(self):
        s = Scene((obj("bouncing"),), "sunset", "zoom_in")
        self.assertEqual(describe(s), "a red ball bouncing at sunset, the camera zooms in")

    def test_colour_and_place(self):
        f = self.clip(Scene((obj(color="blue"),), "studio"))[0]
        x, y, n = centroid(f, "blue")
        self.assertGreater(n, 100)
        self.assertAlmostEqual(x, 64, delta=3)
        self.assertAlmostEqual(y, 64, delta=3)

    def test_motion_right(self):
        c = self.clip(Scene((obj("moving right"),), "studio"))
        self.assertGreater(centroid(c[-1], "red")[0] - centroid(c[0], "red")[0], 15)

    def test_pan_left_slides_scene_right(self):
        c = self.clip(Scene((obj(),), "studio", "pan_left"))
        self.assertGreater(centroid(c[-1], "red")[0] - centroid(c[0], "red")[0], 15)

    def test_zoom_in_grows(self):
        c = self.clip(Scene((obj(),), "studio", "zoom_in"))
        self.assertGreater(centroid(c[-1], "red")[2], 1.3 * centroid(c[0], "red")[2])

    def test_switch_keeps_place_and_fades_colour(self):
        a = Scene((obj("moving right"),), "studio")
        b = Scene((obj("moving right", color="blue"),), "studio")
        c = render_clip([a, a, b, b], 4)
        self.assertAlmostEqual(centroid(c[7], "red")[0], centroid(c[6], "red")[0] + 2.8, delta=1.5)
        self.assertGreater(centroid(c[11], "blue")[2], 100)  # blue after the blend frames
        self.assertEqual(mask_of(c[7], "blue").sum(), 0)


class ObjectScaleTest(unittest.TestCase):
    """make_data.py --object-scale: the same seed gives the same scenes, only bigger objects."""

    def test_only_the_radius_changes(self):
        a, b = random_object(random.Random(3)), random_object(random.Random(3), object_scale=2.0)
        self.assertAlmostEqual(b.size, 2 * a.size)
        self.assertEqual(replace(b, size=a.size), a)

    def test_scenes_and_prompts_match_across_scales(self):
        for seed in range(20):
            a, b = random_scene(random.Random(seed), 1), random_scene(random.Random(seed), 1, object_scale=2.0)
            self.assertEqual(describe(a), describe(b))
            self.assertEqual([o.size * 2 for o in a.objects], [o.size for o in b.objects])

    def test_a_fixed_scene_at_another_scale_changes_only_its_radii(self):
        scene = Scene((obj("bouncing", color="blue"), replace(obj("spinning"), size=0.1)), "sea", "pan_left", seed=4)
        big = with_object_scale(scene, 2.0)
        self.assertEqual([o.size for o in big.objects], [0.24, 0.2])
        self.assertEqual(with_object_scale(big, 0.5), scene)
        self.assertEqual(describe(big), describe(scene))

    def test_twice_the_radius_covers_four_times_the_pixels(self):
        o = obj(color="blue")
        small = mask_of(render_clip([Scene((o,), "studio")], 4)[0], "blue").sum()
        big = mask_of(render_clip([Scene((replace(o, size=2 * o.size),), "studio")], 4)[0], "blue").sum()
        # About four times: the outline keeps its width in pixels, so the fill the mask reads
        # grows a little faster than the radius squared (measured 4.43).
        self.assertGreater(big / small, 3.8)
        self.assertLess(big / small, 4.8)


if __name__ == "__main__":
    unittest.main()
