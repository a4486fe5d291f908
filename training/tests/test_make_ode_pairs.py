import json
import tempfile
import unittest
from pathlib import Path

import numpy as np

from make_ode_pairs import STUDENT_TIMESTEPS, chunk_plan, known_frames, run_timesteps, student_timesteps, teacher_checkpoint, worker_chunks


class StudentTimestepsTest(unittest.TestCase):
    def test_evenly_spaced_from_pure_noise(self):
        self.assertEqual(student_timesteps(4), [1.0, 0.75, 0.5, 0.25])
        self.assertEqual(student_timesteps(2), [1.0, 0.5])
        three = student_timesteps(3)
        self.assertEqual(three[0], 1.0)
        self.assertAlmostEqual(three[1], 2 / 3)
        self.assertAlmostEqual(three[2], 1 / 3)
        # The shipped pack's manifest says [1, .75, .5, .25]: the default must stay that.
        self.assertEqual(STUDENT_TIMESTEPS, [1.0, 0.75, 0.5, 0.25])

    def test_a_run_is_read_at_the_timesteps_its_pairs_were_recorded_at(self):
        with tempfile.TemporaryDirectory() as d:
            run = Path(d)
            self.assertEqual(run_timesteps(run), STUDENT_TIMESTEPS)  # no pairs yet
            (run / "ode.done").write_text(json.dumps({"clips": 8, "steps": 48, "guidance": 3.0}))
            self.assertEqual(run_timesteps(run), STUDENT_TIMESTEPS)  # recorded before ode.done said
            (run / "ode.done").write_text(json.dumps({"clips": 8, "timesteps": student_timesteps(3)}))
            self.assertEqual(run_timesteps(run), student_timesteps(3))


class TeacherCheckpointTest(unittest.TestCase):
    def test_the_latest_finished_round_is_the_teacher(self):
        with tempfile.TemporaryDirectory() as d:
            run = Path(d)
            self.assertEqual(teacher_checkpoint(run), run / "teacher.pt")
            (run / "teacher_more.done").write_text("1")
            (run / "teacher_temporal.pt").write_text("")  # started, not finished
            self.assertEqual(teacher_checkpoint(run), run / "teacher_more.pt")
            (run / "teacher_temporal.done").write_text("1")
            self.assertEqual(teacher_checkpoint(run), run / "teacher_temporal.pt")
            # The switch round (session 25) continues whichever round came last.
            (run / "teacher_continued.done").write_text("1")
            self.assertEqual(teacher_checkpoint(run), run / "teacher_continued.pt")


class ChunkPlanTest(unittest.TestCase):
    def test_the_plan_is_what_a_straight_run_drew_chunk_by_chunk(self):
        # Before the plan, each chunk drew its known frames as it went; a straight run's pairs
        # (the shipped pack's) must come out the same.
        rng = np.random.default_rng(7)
        chosen = rng.choice(500, 40, replace=False)
        straight = [(chosen[c : c + 16], known_frames(rng, len(chosen[c : c + 16]), 16, 4)) for c in range(0, 40, 16)]
        plan = chunk_plan(500, 40, 16, 16, 4)
        self.assertEqual([len(i) for i, _ in plan], [16, 16, 8])
        for (i, k), (si, sk) in zip(plan, straight):
            self.assertTrue(np.array_equal(i, si))
            self.assertTrue(np.array_equal(k.numpy(), sk.numpy()))
        self.assertTrue(any(k.any() for _, k in plan))  # some clips continue given frames


class WorkerChunksTest(unittest.TestCase):
    def test_workers_split_every_chunk_once(self):
        for workers in (1, 2, 3):
            made = sorted(c for i in range(workers) for c in worker_chunks(10, f"{i}/{workers}"))
            self.assertEqual(made, list(range(10)))
        self.assertEqual(list(worker_chunks(5, "1/2")), [1, 3])

    def test_a_worker_outside_its_count_is_refused(self):
        with self.assertRaises(ValueError):
            worker_chunks(4, "2/2")


if __name__ == "__main__":
    unittest.main()
