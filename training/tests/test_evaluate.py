import unittest
from pathlib import Path

import numpy as np

from types import SimpleNamespace

import torch

from causvid.scorer import HEADS, ClipClassifier, labels_of
from causvid.prompts import COLORS, Scene, SceneObject, with_object_scale
from causvid.render import render_clip
from evaluate import GONE_COVER, NOTES_MARKER, write_card, background_switch_lines, bar_verdicts, colour_switch_lines, drift_figures, drift_seed_lines, drift_spread, drift_windows, frame_change, frames_until, gone_after_switch, held_out_scenes, nearest_colour, paired_gap, object_cover, share_read_as, studio_objects, studio_scenes, switch_reading, teacher_label, undrawn_backgrounds, unswitched_move


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


class BackgroundControlTest(unittest.TestCase):
    def test_share_counts_only_the_frames_from_the_switch(self):
        labels = ["studio"] * 16 + ["photo", "studio", "photo", "photo"]
        self.assertAlmostEqual(share_read_as(labels, 16, "studio"), 0.25)
        self.assertAlmostEqual(share_read_as(labels, 0, "studio"), 17 / 20)

    def test_the_card_shows_the_control_and_says_when_a_run_has_none(self):
        case = {"from": "grass", "to": "studio", "seed": 0, "old_shown_before": True, "frames_until_shown": None, "ground_truth_frames": 4}
        lines = background_switch_lines({"background_switch": {"switch_frame": 16, "cases": [{**case, "unswitched_share_read": 0.03125}, case]}})
        rows = [line for line in lines if line.startswith("| grass")]
        self.assertEqual(rows[0], "| grass → studio | 0 | yes | never | 4 | 3% |")
        self.assertEqual(rows[1], "| grass → studio | 0 | yes | never | 4 | not read |")
        self.assertEqual(len(rows[0].split("|")), len(next(line for line in lines if line.startswith("| switch")).split("|")))

    def test_a_run_whose_guidance_exempts_backgrounds_shows_no_unguided_column(self):
        case = {"from": "grass", "to": "studio", "seed": 0, "old_shown_before": True, "frames_until_shown": 4, "ground_truth_frames": 3}
        unguided = [{**case, "frames_until_shown": 8}]
        r = {"background_switch": {"switch_frame": 16, "cases": [case], "unguided": unguided},
             "switch_guidance": {"scale": 3.0, "steps": 3}}
        guided = background_switch_lines(r)
        self.assertIn("| grass → studio | 0 | yes | 4 | 8 | 3 | not read |", guided)
        r["switch_guidance"]["unguided_phrases"] = ["on the grass", "in a studio"]
        exempt = background_switch_lines(r)
        self.assertIn("| grass → studio | 0 | yes | 4 | 3 | not read |", exempt)
        self.assertFalse(any("without switch guidance" in line for line in exempt))
        self.assertTrue(any("exempts a switch of background alone" in line for line in exempt))
        # Only one of the two backgrounds listed: that switch is still guided.
        r["switch_guidance"]["unguided_phrases"] = ["in a studio"]
        self.assertEqual(background_switch_lines(r), guided)


class UndrawnBackgroundsTest(unittest.TestCase):
    def test_names_only_backgrounds_the_student_does_not_draw_alone(self):
        cases = [{"to": "studio", "unswitched_share_read": 0.0}, {"to": "studio", "unswitched_share_read": 0.25},
                 {"to": "night", "unswitched_share_read": 1.0}, {"to": "sea", "unswitched_share_read": 0.5}]
        self.assertEqual(undrawn_backgrounds(cases), " (the student's clips with the new prompt from the start: studio read in 12% of their frames)")

    def test_says_nothing_without_a_control_or_when_every_background_is_drawn(self):
        self.assertEqual(undrawn_backgrounds([{"to": "studio"}]), "")
        self.assertEqual(undrawn_backgrounds([{"to": "night", "unswitched_share_read": 0.9}]), "")


class SwitchReadingTest(unittest.TestCase):
    def test_the_renderers_switch_shows_within_a_few_frames_and_keeps_the_ball_in_place(self):
        red, blue = (with_object_scale(Scene((SceneObject(c, "ball", "standing still"),), "studio"), 2.0) for c in ("red", "blue"))
        shown, jump = switch_reading(render_clip([red] * 2 + [blue] * 2, 4), 8)
        self.assertLessEqual(shown, 4)
        self.assertLess(jump, 2.0)

    def test_a_ball_drawn_somewhere_else_reads_as_its_distance(self):
        grey = np.full((4, 32, 32, 3), 128, np.uint8)
        grey[:2, 4:8, 4:8] = np.asarray(COLORS["red"]) * 255
        grey[2:, 4:8, 20:24] = np.asarray(COLORS["blue"]) * 255
        # 16 blue pixels are too few to count as shown; the jump is then read at the switch frame.
        self.assertEqual(switch_reading(grey, 2), (None, 16.0))
        grey[2:, 4:12, 20:28] = np.asarray(COLORS["blue"]) * 255  # 64 pixels, centred 18 px right, 2 down
        shown, jump = switch_reading(grey, 2)
        self.assertEqual(shown, 0)
        self.assertAlmostEqual(jump, np.hypot(18.0, 2.0), places=4)


class UnswitchedMoveTest(unittest.TestCase):
    def test_the_renderers_ball_standing_still_does_not_move(self):
        red = with_object_scale(Scene((SceneObject("red", "ball", "standing still"),), "studio"), 2.0)
        self.assertLess(unswitched_move(render_clip([red] * 4, 4), 8, 3), 1.0)

    def test_a_ball_that_moved_reads_as_its_distance_over_the_gap(self):
        grey = np.full((6, 32, 32, 3), 128, np.uint8)
        grey[:4, 4:8, 4:8] = np.asarray(COLORS["red"]) * 255
        grey[4:, 10:14, 4:8] = np.asarray(COLORS["red"]) * 255  # 6 px down from frame 4 on
        self.assertEqual(unswitched_move(grey, 2, 1), 0.0)  # frames 1 and 3
        self.assertAlmostEqual(unswitched_move(grey, 2, 2), 6.0)  # frames 1 and 4
        grey[5] = 128
        self.assertIsNone(unswitched_move(grey, 2, 3), "no red in frame 5")


class ObjectAfterSwitchTest(unittest.TestCase):
    def test_the_renderers_ball_covers_its_disc_and_an_empty_studio_nothing(self):
        red = with_object_scale(Scene((SceneObject("red", "ball", "standing still"),), "studio"), 2.0)
        cover = object_cover(render_clip([red], 4))
        # A disc of radius 0.18-0.30 view widths (2x the base 0.09-0.15) covers 10-28% of the frame.
        self.assertGreater(cover, 0.08)
        self.assertLess(cover, 0.30)
        self.assertEqual(object_cover(np.full((4, 32, 32, 3), 128, np.uint8)), 0.0)

    def test_a_clip_counts_as_gone_only_below_the_threshold(self):
        self.assertEqual(gone_after_switch([0.0, GONE_COVER / 2, GONE_COVER, 0.2]), 2)
        self.assertEqual(gone_after_switch([]), 0)

    def results(self, shown, covers=None):
        switch = {"frames_until_shown": shown, "object_jump_px": [2.0] * len(shown), "unswitched_move_px": [1.0] * len(shown)}
        if covers is not None:
            switch["last_block_cover"] = covers
        return {"student": {"mean": 0.5}, "teacher": {"mean": 0.5}, "photo_pan_left": {"correlation_with_first_frame": [1.0]},
                "drift": {"relative_change": {"brightness": 0.0}, "accuracy_first_10s": 0.6, "accuracy_last_minute": 0.6},
                "switch": {**switch, "teacher": dict(switch), "ground_truth": dict(switch)}}

    def colour_verdict(self, r):
        return next(line for line in bar_verdicts(r) if line.startswith("- A switched colour"))

    def test_a_blue_speck_before_the_object_is_gone_does_not_meet_the_switch_bar(self):
        self.assertIn("**met**", self.colour_verdict(self.results([3, 5], [0.2, 0.15])))
        verdict = self.colour_verdict(self.results([3, 5], [0.2, 0.0]))
        self.assertIn("**not met** (in 1 the object is gone by the clip's last block)", verdict)

    def test_the_drift_verdict_gives_the_clips_spread_where_it_was_read(self):
        r = self.results([3])
        drift = lambda: next(line for line in bar_verdicts(r) if line.startswith("- 5-minute clip"))
        self.assertTrue(drift().endswith("60% → 60%: **met**."), drift())
        r["drift"]["accuracy_by_seed"] = [{"seed": 3, "first_10s": 0.6, "last_minute": 0.7}, {"seed": 4, "first_10s": 0.6, "last_minute": 0.5}]
        self.assertTrue(drift().endswith("**met** (the change's standard error across clips: 10.0 points)."), drift())

    def test_a_run_from_before_the_cover_was_read_is_judged_as_it_was(self):
        self.assertIn("**met**.", self.colour_verdict(self.results([3, 5])))
        rows = colour_switch_lines(self.results([3, 5])["switch"], {})
        self.assertTrue(rows[-2].endswith("| not read |"), rows[-2])

    def test_the_card_gives_each_seeds_cover(self):
        rows = colour_switch_lines(self.results([3, float("nan")], [0.25, 0.0])["switch"], {})
        self.assertEqual(rows[-2], "| student | 3, never | 2.0, 2.0 | 1.0, 1.0 | 25.0%, 0.0% |")


class PairedGapTest(unittest.TestCase):
    def reads(self, scene, wrong: int):
        """The scorer's reading of `scene` with its first `wrong` attributes misread."""
        right = {k: HEADS[k][i] for k, i in labels_of(scene).items()}
        return {k: (HEADS[k][(HEADS[k].index(v) + 1) % len(HEADS[k])] if n < wrong else v) for n, (k, v) in enumerate(right.items())}

    def test_the_gap_is_the_mean_of_the_clips_differences_with_their_standard_error(self):
        scenes = held_out_scenes(1)
        teacher = [self.reads(s, 1) for s in scenes]  # 4 of 5 right on each clip
        student = [self.reads(s, w) for s, w in zip(scenes, [0, 1, 2, 3])]  # differences +1, 0, -1, -2 fifths
        gap = paired_gap(teacher, student, scenes)
        self.assertEqual(gap["clips"], 4)
        self.assertAlmostEqual(gap["points"], -10.0)
        # differences (20, 0, -20, -40) points: sample standard deviation 25.82, over sqrt(4)
        self.assertAlmostEqual(gap["standard_error"], 12.9099, places=3)

    def test_the_card_and_the_verdict_give_the_gap_and_older_runs_go_without(self):
        r = ObjectAfterSwitchTest().results([3])
        verdict = lambda: next(line for line in bar_verdicts(r) if line.startswith("- Student attribute accuracy"))
        self.assertEqual(verdict(), "- Student attribute accuracy ≥ 90% and within 3 points of the teacher: student 50%, teacher 50%: **not met**.")
        r["student_minus_teacher"] = {"points": -2.5, "standard_error": 1.25, "clips": 96}
        self.assertIn("teacher 50% (student − teacher -2.5 ± 1.2 points, paired over 96 clips): **not met**.", verdict())
        # With the scorer's own reading of the renders, the verdict says how high any generator could read.
        r["scorer_on_ground_truth"], r["scorer_on_autoencoded_truth"] = {"mean": 0.888}, {"mean": 0.875}
        self.assertTrue(verdict().endswith("**not met**; the scorer reads the ground truth itself at 89% and through the autoencoder at 88%."))


class WriteCardTest(unittest.TestCase):
    """The card from real runs' figures (tests/card_results.json, as the card gives them)."""

    def card(self, **changes):
        import json
        import tempfile
        from pathlib import Path

        r = {**json.loads((Path(__file__).parent / "card_results.json").read_text()), **changes}
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "card.md"
            path.write_text("old figures\n" + NOTES_MARKER + "\nHand-written notes.\n")
            write_card(path, {k: v for k, v in r.items() if v is not None})
            return path.read_text()

    def test_the_card_gives_the_gap_to_the_teacher_and_keeps_the_notes(self):
        card = self.card()
        self.assertIn("Over the 96 held-out clips, read clip by clip (both drew the same scenes), the student scores -1.5 points "
                      "against the teacher, with a standard error of 2.0 points.", card)
        self.assertIn("| mean | 89% | 88% | 54% | 53% |", card)
        self.assertTrue(card.endswith(NOTES_MARKER + "\nHand-written notes.\n"))
        self.assertNotIn("old figures", card)

    def test_a_guided_student_s_switches_come_with_its_unguided_readings(self):
        import copy
        import json

        r = json.loads((Path(__file__).parent / "card_results.json").read_text())
        plain = self.card(switch_guidance=None)
        self.assertIn("| student | ", plain)
        self.assertNotIn("without switch guidance", plain)
        sw, bs = copy.deepcopy(r["switch"]), copy.deepcopy(r["background_switch"])
        sw["unguided"] = {"frames_until_shown": [7, 7], "object_jump_px": [30.25, 40.0], "unswitched_move_px": [1.0, 2.0], "last_block_cover": [0.2, 0.3]}
        bs["unguided"] = [dict(c, frames_until_shown=9) for c in bs["cases"]]
        card = self.card(switch_guidance={"scale": 3.0, "steps": 3}, switch=sw, background_switch=bs)
        self.assertIn("| student, switch guidance 3 on 3 steps | 0, 0, 0, 0, 0, 0 | 6.6, 4.1, 7.6, 3.0, 9.0, 5.7 |", card)
        self.assertIn("| student without switch guidance | 7, 7 | 30.2, 40.0 | 1.0, 2.0 | 20.0%, 30.0% |", card)
        self.assertIn("frames until the new one shows | without switch guidance | ground truth |", card)
        self.assertIn("| sunset → night | 0 | yes | 2 | 9 | 2 | 100% |", card)
        self.assertIn("\n|---|---|---|---|---|---|---|\n| sunset", card)

    def test_a_card_from_two_runs_says_so_and_one_from_one_run_says_that(self):
        self.assertIn("session 37's 96 held-out clips", self.card())
        self.assertNotIn("Numbers come from one run", self.card())
        single = self.card(provenance=None, student_minus_teacher=None)
        self.assertIn("Numbers come from one run of that script. See `training/README.md`", single)
        self.assertNotIn("clip by clip", single)


class TeacherLabelTest(unittest.TestCase):
    def test_the_card_says_how_the_teacher_s_noise_was_drawn(self):
        self.assertEqual(teacher_label({}), "teacher (48 steps, CFG 3)")  # results from before session 22
        self.assertEqual(teacher_label({"teacher_noise_correlation": 0.0}), "teacher (48 steps, CFG 3)")
        self.assertEqual(teacher_label({"teacher_noise_correlation": 0.8}), "teacher (48 steps, CFG 3, frames' noise correlated 0.8)")


class DriftTest(unittest.TestCase):
    def test_the_windows_are_the_first_10_s_and_the_last_minute(self):
        self.assertEqual(drift_windows(300), (range(0, 40), range(960, 1200)))
        # A clip shorter than 70 s: everything after the first 10 s is its last minute.
        self.assertEqual(drift_windows(30), (range(0, 40), range(0, 120)))

    def test_reads_the_change_between_the_windows_and_decodes_only_them(self):
        class Brightening:
            """Blocks whose single grey value is 0.2 in the first 10 s and 0.3 after."""
            def set_prompt(self, prompt):
                self.prompt = prompt

            def next_block(self, seed, b):
                return torch.full((1, 4, 1, 1, 1), 0.2 if b < 40 else 0.3)  # (1, F, C, h, w)

        decoded = []

        def decoder(latent):
            decoded.append(latent)
            return latent.expand(-1, 3, 128, 128)

        scorer = ClipClassifier().eval()
        r = drift_figures(Brightening, SimpleNamespace(decoder=decoder), scorer, seconds=80, seeds=(3,))
        self.assertEqual(r["clips"], 1)
        self.assertAlmostEqual(r["relative_change"]["brightness"], (77 - 51) / 51, places=3)  # 0.2, 0.3 as bytes (float32 means)
        self.assertAlmostEqual(r["stats_first_10s"]["brightness"], 51 / 255, places=4)
        self.assertAlmostEqual(r["stats_last_minute"]["brightness"], 77 / 255, places=4)
        self.assertEqual(len(decoded), 40 + 240, "blocks between the windows are not decoded")
        self.assertEqual([s["seed"] for s in r["accuracy_by_seed"]], [3])
        self.assertAlmostEqual(r["accuracy_by_seed"][0]["first_10s"], r["accuracy_first_10s"])
        self.assertAlmostEqual(r["accuracy_by_seed"][0]["last_minute"], r["accuracy_last_minute"])

    def test_the_spread_of_the_drift_comes_from_the_clips_changes(self):
        by_seed = [{"seed": 3, "first_10s": 0.6, "last_minute": 0.7}, {"seed": 4, "first_10s": 0.6, "last_minute": 0.5},
                   {"seed": 5, "first_10s": 0.5, "last_minute": 0.5}]
        # Changes +0.1, -0.1, 0: sample standard deviation 0.1, over the root of 3 clips.
        self.assertAlmostEqual(drift_spread(by_seed), 0.1 / np.sqrt(3))
        self.assertIsNone(drift_spread(by_seed[:1]))
        lines = drift_seed_lines({"accuracy_by_seed": by_seed})
        self.assertIn("seeds 3, 4, 5): 60% → 70%, 60% → 50%, 50% → 50%", lines[0])
        self.assertIn("standard error of 5.8 points", lines[0])
        self.assertEqual(drift_seed_lines({}), [], "results from before session 35 have no clips' figures")


class NearestColourTest(unittest.TestCase):
    def test_every_prompt_colour_reads_as_itself_lit_or_shaded(self):
        from causvid.prompts import COLORS

        for name, rgb in COLORS.items():
            self.assertEqual(nearest_colour(rgb), name)
            if name != "white":  # a shaded white is grey: not a prompt colour
                self.assertEqual(nearest_colour(0.75 * np.asarray(rgb)), name)

    def test_a_shaded_yellow_is_yellow(self):
        # The mean of a rendered yellow star's pixels in the studio (session 10).
        self.assertEqual(nearest_colour((0.717, 0.651, 0.116)), "yellow")


class ObjectScaleTest(unittest.TestCase):
    """The held-out scenes are drawn at the object size the model under test was trained at."""

    def test_held_out_scenes_differ_only_in_radius(self):
        small, big = held_out_scenes(2), held_out_scenes(2, object_scale=2.0)
        self.assertEqual(len(small), len(big))
        for a, b in zip(small, big):
            self.assertEqual((a.background, a.camera, a.objects[0].color, a.objects[0].shape, a.objects[0].motion),
                             (b.background, b.camera, b.objects[0].color, b.objects[0].shape, b.objects[0].motion))
            self.assertAlmostEqual(b.objects[0].size, 2 * a.objects[0].size)
        self.assertEqual([s.objects[0].size for s in studio_scenes(2.0)], [0.24] * len(studio_scenes()))


class StudioObjectsTest(unittest.TestCase):
    def test_ground_truth_is_one_whole_object_of_the_prompted_colour_and_shape(self):
        from causvid.prompts import Scene, SceneObject
        from causvid.render import render_clip
        from causvid.silhouette import SilhouetteReader

        scenes = [Scene((SceneObject(c, s, "standing still"),), "studio", seed=i) for i, (c, s) in enumerate([("red", "box"), ("blue", "ball"), ("yellow", "star"), ("green", "triangle")])]
        clips = [render_clip([s], 4) for s in scenes]
        colours, shapes = [s.objects[0].color for s in scenes], [s.objects[0].shape for s in scenes]
        reader = SilhouetteReader.from_renders()
        o = studio_objects(clips, colours, shapes, reader)
        self.assertEqual(o["colour_right"], 1.0)
        self.assertGreaterEqual(o["shape_right"], 0.75)
        self.assertEqual(o["pieces"], 1.0)
        self.assertGreater(o["cover"], 0.005)
        # The same objects cut in two by a grey band: the same colour, in two pieces.
        cut = [c.copy() for c in clips]
        for c, scene in zip(cut, scenes):
            centre = int(scene.objects[0].y * c.shape[1])
            c[:, centre - 2 : centre + 2] = np.median(c[0].reshape(-1, 3), axis=0).astype(np.uint8)
        self.assertEqual(studio_objects(cut, colours, shapes, reader)["pieces"], 2.0)

    def test_steadiness_is_one_for_still_objects_and_falls_when_the_outline_moves(self):
        from causvid.prompts import Scene, SceneObject
        from causvid.render import render_clip
        from causvid.silhouette import SilhouetteReader

        scene = Scene((SceneObject("red", "box", "standing still"),), "studio", seed=3)
        clip = render_clip([scene], 4)
        reader = SilhouetteReader.from_renders()
        self.assertAlmostEqual(studio_objects([clip], ["red"], ["box"], reader)["steadiness"], 1.0)
        # Every other frame shifted by a quarter of the object's width: it overlaps less.
        jumpy = clip.copy()
        shift = max(2, int(scene.objects[0].size * clip.shape[2] / 4))
        jumpy[1::2] = np.roll(clip[1::2], shift, axis=2)
        moved = studio_objects([jumpy], ["red"], ["box"], reader)["steadiness"]
        self.assertLess(moved, 0.9)
        self.assertGreater(moved, 0.2)
        # Nothing drawn in any frame: no figure rather than a made-up one.
        blank = np.full_like(clip, 128)
        self.assertNotIn("steadiness", studio_objects([blank], ["red"], ["box"], reader))


if __name__ == "__main__":
    unittest.main()
