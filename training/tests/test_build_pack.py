"""build_pack.sh FROM_PACK: the chain that continues a pack runs its stages in order, with the
flags that keep the continued teacher shippable beside the pack's student."""

import json
import os
import subprocess
import tempfile
import unittest
from pathlib import Path

TRAINING = Path(__file__).resolve().parents[1]
SCRIPT = TRAINING / "build_pack.sh"


def chain(keep_render=False, **env):
    """The script with a stand-in python that only writes down how it was called, and under
    which CAUSVID_MODEL_CONFIG; every stage then 'runs' (none leaves its outputs), so the log is
    the whole chain. Returns (exit code, stderr, calls, their configs, the run folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "calls"
        fake = Path(tmp) / "python"
        fake.write_text(f'#!/bin/sh\necho "$*" >>{log}\necho "${{CAUSVID_MODEL_CONFIG:-}}" >>{log}.config\n')
        fake.chmod(0o755)
        # A trial's CAUSVID_MODEL_CONFIG in the shell running the tests does not reach the chain.
        inherited = {k: v for k, v in os.environ.items() if k != "CAUSVID_MODEL_CONFIG"}
        full = {**inherited, "PYTHON": str(fake), "CAUSVID_RUNS": str(Path(tmp) / "runs"), "EXPORT": "0", **env}
        done = subprocess.run(["bash", str(SCRIPT)], env=full, capture_output=True, text=True, timeout=60)
        calls = log.read_text().splitlines() if log.exists() else []
        configs = Path(f"{log}.config").read_text().splitlines() if log.exists() else []
        # Rendering is skipped where this checkout already has data: not what is tested here.
        if not keep_render:
            kept = [i for i, c in enumerate(calls) if not c.startswith("make_data.py")]
            calls, configs = [calls[i] for i in kept], [configs[i] for i in kept]
        return done.returncode, done.stderr, calls, configs, Path(tmp) / "runs" / "default"


def run(keep_render=False, **env):
    code, err, calls, _, run_folder = chain(keep_render, **env)
    return code, err, calls, run_folder


class FromPackTest(unittest.TestCase):
    def test_continues_the_pack_then_distils_again(self):
        pack = TRAINING.parent / "models" / "default"
        code, err, calls, run_folder = run(FROM_PACK=str(pack), TEACHER_CONTINUE="123", TEACHER_STILLS="0")
        self.assertEqual(code, 0, err)
        scripts = [c.split()[0] for c in calls]
        self.assertEqual(scripts, ["import_pack.py", "train_ae.py", "train_teacher.py", "make_ode_pairs.py", "train_student_ode.py", "train_dmd.py"])
        self.assertEqual(calls[0], f"import_pack.py --pack {pack.resolve()}")
        self.assertEqual(calls[1], "train_ae.py --encode-only")
        teacher = calls[2].split()
        self.assertEqual(teacher[teacher.index("--init") + 1], str(run_folder / "teacher_pack.pt"))
        self.assertEqual(teacher[teacher.index("--steps") + 1], "123")
        for flag in ("--freeze-text", "--temporal-recipe"):
            self.assertIn(flag, teacher)

    def test_the_switch_recipe_continues_the_teacher_and_the_dmd_flags_reach_train_dmd(self):
        pack = TRAINING.parent / "models" / "default"
        code, err, calls, _ = run(FROM_PACK=str(pack), TEACHER_STILLS="0", CONTINUE_RECIPE="switches", DMD_ROLLOUT_BLOCKS="16", DMD_ANCHOR="10")
        self.assertEqual(code, 0, err)
        teacher = calls[2].split()
        self.assertEqual(teacher[teacher.index("--switch-weight") + 1], "3")
        self.assertNotIn("--temporal-recipe", teacher)
        dmd = calls[-1].split()
        self.assertEqual(dmd[dmd.index("--rollout-blocks") + 1], "16")
        self.assertEqual(dmd[dmd.index("--anchor-weight") + 1], "10")

    def test_an_unknown_continue_recipe_is_refused_before_anything_runs(self):
        code, err, calls, _ = run(CONTINUE_RECIPE="spatial")
        self.assertEqual(code, 2)
        self.assertIn("temporal or switches, not spatial", err)
        self.assertEqual(calls, [])

    def test_with_stills_only_the_autoencoder_is_the_packs(self):
        pack = TRAINING.parent / "models" / "default"
        code, err, calls, run_folder = run(FROM_PACK=str(pack), TEACHER_STILLS="10", TEACHER_STEPS="20")
        self.assertEqual(code, 0, err)
        scripts = [c.split()[0] for c in calls]
        self.assertEqual(scripts, ["import_pack.py", "train_ae.py", "train_teacher.py", "train_teacher.py", "make_ode_pairs.py", "train_student_ode.py", "train_dmd.py"])
        self.assertIn("--stills 10", calls[2])
        clip_round = calls[3].split()
        self.assertEqual(clip_round[clip_round.index("--init") + 1], str(run_folder / "teacher_stills.pt"))
        self.assertEqual(clip_round[clip_round.index("--steps") + 1], "20")
        self.assertNotIn("--freeze-text", clip_round)

    def test_the_clips_are_looked_for_where_the_stages_read_them(self):
        with tempfile.TemporaryDirectory() as data:
            _, err, calls, _ = run(keep_render=True, CAUSVID_DATA=data)
            self.assertTrue(calls and calls[0].startswith("make_data.py"), err)
            (Path(data) / "frames.npy").write_bytes(b"")
            _, err, calls, _ = run(keep_render=True, CAUSVID_DATA=data)
            self.assertTrue(calls, err)
            self.assertFalse(any(c.startswith("make_data.py") for c in calls))

    def test_a_missing_pack_is_refused_before_anything_runs(self):
        code, err, calls, _ = run(FROM_PACK="no/such/pack")
        self.assertEqual(code, 2)
        self.assertIn("no pack at no/such/pack", err)
        self.assertEqual(calls, [])

    def test_without_it_the_chain_starts_from_nothing(self):
        # As shipped since session 36: a stills round, one clip round of switch-heavy clips grown
        # from it, distilled with 50 DMD steps on 16-block rollouts held to the regression
        # student's means, without the regression on real continuations.
        code, err, calls, run_folder = run()
        self.assertEqual(code, 0, err)
        self.assertEqual([c.split()[0] for c in calls], ["train_ae.py", "train_teacher.py", "train_teacher.py", "make_ode_pairs.py", "train_student_ode.py", "train_dmd.py"])
        self.assertIn("--photo-share 0", calls[0])
        self.assertIn("--stills 6000", calls[1])
        clip_round = calls[2].split()
        self.assertEqual(clip_round[clip_round.index("--init") + 1], str(run_folder / "teacher_stills.pt"))
        dmd = calls[-1].split()
        for flag, value in (("--steps", "50"), ("--rollout-blocks", "16"), ("--anchor-weight", "1"), ("--data-weight", "0")):
            self.assertEqual(dmd[dmd.index(flag) + 1], value, flag)
        self.assertNotIn("import_pack.py", " ".join(calls))

    def test_the_decoder_round_runs_after_the_student_when_asked(self):
        # It needs the student's latents, and changes no latent, so nothing after it retrains.
        code, err, calls, _ = run(DECODER_STEPS="100")
        self.assertEqual(code, 0, err)
        self.assertEqual([c.split()[0] for c in calls][-2:], ["train_dmd.py", "train_decoder.py"])
        self.assertEqual(calls[-1], "train_decoder.py --steps 100 --keep-share 0.25")

    def test_patch_4_is_the_chain_of_the_packs_up_to_session_35(self):
        # Session 17's stills round and clip round, continued on switch clips (session 25),
        # distilled for 200 steps with the continuation regression.
        code, err, calls, run_folder = run(PATCH="4")
        self.assertEqual(code, 0, err)
        self.assertEqual([c.split()[0] for c in calls], ["train_ae.py", "train_teacher.py", "train_teacher.py", "train_teacher.py", "make_ode_pairs.py", "train_student_ode.py", "train_dmd.py"])
        clip_round = calls[2].split()
        self.assertEqual(clip_round[clip_round.index("--steps") + 1], "4500")
        self.assertEqual(clip_round[clip_round.index("--joint-stills") + 1], "16")
        continued = calls[3].split()
        self.assertEqual(continued[continued.index("--init") + 1], str(run_folder / "teacher.pt"))
        self.assertEqual(continued[continued.index("--steps") + 1], "6577")
        self.assertEqual(continued[continued.index("--switch-weight") + 1], "3")
        for flag in ("--continued", "--freeze-text"):
            self.assertIn(flag, continued)
        dmd = calls[-1].split()
        for flag, value in (("--steps", "200"), ("--rollout-blocks", "16"), ("--anchor-weight", "1"), ("--data-weight", "0.5")):
            self.assertEqual(dmd[dmd.index(flag) + 1], value, flag)

    def test_without_the_switch_round_the_chain_stops_at_session_17s_teacher(self):
        code, err, calls, _ = run(PATCH="4", TEACHER_SWITCHES="0")
        self.assertEqual(code, 0, err)
        self.assertEqual(len([c for c in calls if c.startswith("train_teacher.py")]), 2)
        self.assertNotIn("--continued", " ".join(calls))

    def test_the_three_round_teacher_of_sessions_1_to_16(self):
        code, err, calls, _ = run(PATCH="4", TEACHER_STILLS="0", JOINT_STILLS="0", TEACHER_STEPS="3000", TEACHER_MORE="4000", TEACHER_TEMPORAL="2000", TEACHER_SWITCHES="0")
        self.assertEqual(code, 0, err)
        rounds = [c for c in calls if c.startswith("train_teacher.py")]
        self.assertEqual(len(rounds), 3)
        self.assertNotIn("--init", rounds[0])
        self.assertIn("--more 4000", rounds[1])
        self.assertIn("--temporal 2000", rounds[2])


def clip_round_of(calls: list[str]) -> str:
    """The teacher's clip round: the one grown from the stills round."""
    return next(c for c in calls if c.startswith("train_teacher.py") and "teacher_stills.pt" in c)


def pack_of_patch(folder: Path, patch: int | None) -> Path:
    """A stand-in pack: only its manifest's network is read before the chain starts."""
    folder.mkdir()
    config = {"config": {"patch": patch}} if patch else {}
    (folder / "manifest.json").write_text(json.dumps({"name": "p", "training": config}, indent=1))
    return folder


class PatchTest(unittest.TestCase):
    def test_the_default_runs_session_31s_teacher_recipe_on_the_shipped_2x2_network(self):
        code, err, calls, configs, run_folder = chain()
        self.assertEqual(code, 0, err)
        self.assertEqual(set(configs), {""})  # every stage builds default_config(): 2x2 since session 36
        clip_round = clip_round_of(calls).split()
        self.assertEqual(clip_round[clip_round.index("--init") + 1], str(run_folder / "teacher_stills.pt"))
        for flag, value in (("--steps", "3000"), ("--switch-weight", "3"), ("--switch-prefix", "1"), ("--switch-noise", "0.85"), ("--joint-stills", "16")):
            self.assertEqual(clip_round[clip_round.index(flag) + 1], value, flag)
        self.assertNotIn("--continued", " ".join(calls))

    def test_the_default_exports_its_teacher_with_the_default_independent_noise(self):
        code, err, calls, _, _ = chain(EXPORT="1")
        self.assertEqual(code, 0, err)
        self.assertEqual(calls[-1], "export_default.py")

    def test_patch_4_builds_the_4x4_network_and_exports_its_teacher_with_shared_noise(self):
        code, err, calls, configs, _ = chain(PATCH="4", EXPORT="1")
        self.assertEqual(code, 0, err)
        self.assertEqual(set(configs), {'{"patch": 4}'})
        self.assertNotIn("--switch-noise", clip_round_of(calls))
        export = calls[-1].split()
        self.assertEqual(export[0], "export_default.py")
        self.assertEqual(export[export.index("--teacher-noise-correlation") + 1], "0.8")

    def test_from_a_pack_with_a_stills_round_only_the_autoencoder_is_kept(self):
        pack = TRAINING.parent / "models" / "default"
        code, err, calls, _, _ = chain(FROM_PACK=str(pack))
        self.assertEqual(code, 0, err)
        self.assertEqual([c.split()[0] for c in calls[:4]], ["import_pack.py", "train_ae.py", "train_teacher.py", "train_teacher.py"])
        self.assertIn("--switch-noise 0.85", calls[3])

    def test_a_packs_teacher_is_continued_only_at_its_own_patch(self):
        with tempfile.TemporaryDirectory() as tmp:
            for patch, build_patch, allowed in ((2, "2", True), (4, "2", False), (2, "4", False), (4, "4", True), (None, "4", True), (None, "2", False)):
                pack = pack_of_patch(Path(tmp) / f"pack{patch}{build_patch}", patch)
                code, err, calls, _, _ = chain(FROM_PACK=str(pack), TEACHER_STILLS="0", PATCH=build_patch)
                self.assertEqual(code == 0, allowed, (patch, build_patch, err))
                if not allowed:
                    self.assertIn(f"cannot be continued at {build_patch}x{build_patch}", err)
                    self.assertEqual(calls, [])

    def test_refusals_come_before_anything_runs(self):
        for env, message in (
            ({"PATCH": "3"}, "2 or 4, not 3"),
            ({"PATCH": "4", "CAUSVID_MODEL_CONFIG": '{"patch": 4}'}, "unset it"),
        ):
            code, err, calls, _, _ = chain(**env)
            self.assertEqual(code, 2, env)
            self.assertIn(message, err)
            self.assertEqual(calls, [])


if __name__ == "__main__":
    unittest.main()
