"""gpu_train.sh's guard on TEACHER_INIT: a lease is 15 minutes, so a run that would train a
teacher on latents it does not know, or from a file that is not there, must stop before it
renders anything, not after."""

import os
import subprocess
import tempfile
import unittest
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "gpu_train.sh"


def run(**env):
    with tempfile.TemporaryDirectory() as tmp:
        # A python that fails loudly stands in, so a guard that let the run through would show
        # as a different exit status and message rather than as minutes of rendering.
        fake = Path(tmp) / "python"
        fake.write_text("#!/bin/sh\necho 'python was started' >&2\nexit 7\n")
        fake.chmod(0o755)
        full = {**os.environ, "OUT": str(Path(tmp) / "out"), "WORK": str(Path(tmp) / "work"), "PYTHON": str(fake), **env}
        done = subprocess.run(["bash", str(SCRIPT)], env=full, capture_output=True, text=True, timeout=60)
        return done.returncode, done.stderr, (Path(tmp) / "work").exists()


class TeacherInitGuardTest(unittest.TestCase):
    def test_a_teacher_with_a_new_autoencoder_is_refused_before_anything_runs(self):
        with tempfile.NamedTemporaryFile(suffix=".pt") as teacher:
            code, err, started = run(TEACHER_INIT=teacher.name, AE_SECONDS="60")
        self.assertEqual(code, 2)
        self.assertIn("AE_SECONDS=0", err)
        self.assertNotIn("python was started", err)
        self.assertFalse(started)

    def test_a_missing_teacher_is_refused_before_anything_runs(self):
        code, err, started = run(TEACHER_INIT="no/such/teacher.pt", AE_SECONDS="0")
        self.assertEqual(code, 2)
        self.assertIn("no teacher at no/such/teacher.pt", err)
        self.assertNotIn("python was started", err)
        self.assertFalse(started)

    def test_a_present_teacher_gets_past_the_guard(self):
        # The fake python then fails the first stage: that it was reached is the point.
        with tempfile.NamedTemporaryFile(suffix=".pt") as teacher:
            code, err, started = run(TEACHER_INIT=teacher.name, AE_SECONDS="0")
        self.assertNotEqual(code, 0)
        self.assertIn("python was started", err)
        self.assertTrue(started)


if __name__ == "__main__":
    unittest.main()
