"""A pack's graphs give back the exact modules that were exported, and import_pack.py turns them
into checkpoints that the training stages read: the shipped pack is where training resumes."""

import json
import os
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import onnx
import torch

import export_default
import import_pack
import make_test_pack
from causvid.common import load, load_autoencoder
from causvid.model import ModelConfig, VideoDiT
from causvid.data import write_render_info
from causvid.pack import PackWeightsError, read_pack
from make_ode_pairs import load_teacher

REPO = Path(__file__).resolve().parents[2]


def assert_same_state(case, module, expected):
    got, want = module.state_dict(), expected.state_dict()
    case.assertEqual(sorted(got), sorted(want))
    for k in want:
        case.assertTrue(torch.equal(got[k], want[k]), k)


class TinyPackTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        with mock.patch.object(sys, "argv", ["make_test_pack.py", cls.tmp.name]):
            make_test_pack.main()
        cls.pack = Path(cls.tmp.name) / "tiny-pack"
        # make_test_pack's own modules, drawn again from the same seeds
        cls.ae, cls.text, cls.student, cls.teacher = make_test_pack.random_modules(make_test_pack.tiny_config())

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_module_comes_back_exactly(self):
        m = read_pack(self.pack)
        assert_same_state(self, m.ae, self.ae)
        assert_same_state(self, m.text, self.text)
        assert_same_state(self, m.student, self.student)
        assert_same_state(self, m.teacher, self.teacher)
        self.assertEqual(m.cfg.to_dict(), make_test_pack.tiny_config().to_dict())

    def test_import_writes_checkpoints_the_stages_read(self):
        with tempfile.TemporaryDirectory() as runs, mock.patch.dict(os.environ, {"CAUSVID_RUNS": runs}):
            run = Path(runs) / "default"
            run.mkdir()
            cfg_dict = import_pack.import_pack(self.pack, run)
            cfg = make_test_pack.tiny_config()
            self.assertEqual(cfg_dict, cfg.to_dict())
            # train_teacher.py --init reads the averages; the probes and evaluate.py read through load_teacher
            init = load(run / "teacher_pack.pt")["state"]
            self.assertEqual(set(init), {"dit", "ema_dit", "text", "ema_text"})
            dit, text = load_teacher(run, cfg, checkpoint=run / "teacher_pack.pt")
            assert_same_state(self, dit, self.teacher)
            assert_same_state(self, text, self.text)
            assert_same_state(self, load_autoencoder(run, cfg), self.ae)
            student = VideoDiT(cfg)
            student.load_state_dict(load(run / "student_pack.pt")["state"]["student"])
            assert_same_state(self, student, self.student)
            manifest = json.loads((run / "pack_manifest.json").read_text())
            self.assertEqual(manifest["name"], "tiny-random")
            self.assertEqual(manifest["student"]["timesteps"], make_test_pack.TIMESTEPS)

    def test_an_imported_pack_exports_again_unchanged(self):
        cfg = make_test_pack.tiny_config()
        data = tempfile.TemporaryDirectory()  # no render.json: the object scale comes from the pack
        self.addCleanup(data.cleanup)
        env = {"CAUSVID_RUNS": data.name + "/runs", "CAUSVID_DATA": data.name, "CAUSVID_MODEL_CONFIG": json.dumps(cfg.to_dict())}
        with mock.patch.dict(os.environ, env):
            runs = env["CAUSVID_RUNS"]
            run = Path(runs) / "default"
            run.mkdir(parents=True)
            import_pack.import_pack(self.pack, run)
            out = Path(runs) / "again"
            argv = ["export_default.py", "--out", str(out), "--teacher", str(run / "teacher_pack.pt"), "--student", str(run / "student_pack.pt")]
            with mock.patch.object(sys, "argv", argv):
                export_default.main()
            again = read_pack(out)
            for name in ("ae", "text", "student", "teacher"):
                assert_same_state(self, getattr(again, name), getattr(self, name))
            before = json.loads((self.pack / "manifest.json").read_text())
            self.assertEqual(again.manifest["student"], before["student"])
            self.assertEqual(again.manifest["teacher"], before["teacher"])
            training = again.manifest["training"]
            self.assertEqual((training["student_from"], training["teacher_from"]), ("student_pack", "teacher_pack"))
            self.assertEqual(training["continues"]["name"], "tiny-random")
            self.assertEqual(training["object_scale"], 1.0)
            # Trained on clips rendered at twice the radius, the pack says so.
            write_render_info(Path(data.name), clips=1, seed=0, object_scale=2.0)
            with mock.patch.object(sys, "argv", argv):
                export_default.main()
            self.assertEqual(read_pack(out).manifest["training"]["object_scale"], 2.0)

    def test_a_pack_with_the_place_input_comes_back_with_it(self):
        from causvid.export import export_pack

        cfg = make_test_pack.tiny_config()
        cfg.place_input = True
        ae, text, student, teacher = make_test_pack.random_modules(cfg)
        with tempfile.TemporaryDirectory() as d:
            pack = Path(d) / "placed"
            export_pack(pack, cfg, ae, text, student, teacher, make_test_pack.TIMESTEPS, make_test_pack.CONTEXT, make_test_pack.SINK,
                        teacher_steps=4, guidance=2.0, name="placed", description="Random weights.", training_info={"random": True})
            m = read_pack(pack)
        self.assertTrue(m.cfg.place_input)
        assert_same_state(self, m.student, student)
        assert_same_state(self, m.teacher, teacher)

    def test_a_manifest_from_before_the_place_input_reads_without_it(self):
        config = json.loads((self.pack / "manifest.json").read_text())["training"]["config"]
        del config["place_input"]
        self.assertFalse(ModelConfig.from_dict(config).place_input)

    def test_a_pack_without_its_architecture_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            bare = Path(d) / "pack"
            bare.mkdir()
            manifest = json.loads((self.pack / "manifest.json").read_text())
            del manifest["training"]
            (bare / "manifest.json").write_text(json.dumps(manifest))
            with self.assertRaises(PackWeightsError) as e:
                read_pack(bare)
            self.assertIn("training.config", str(e.exception))

    def test_a_graph_missing_a_weight_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            broken = Path(d) / "pack"
            broken.mkdir()
            for f in self.pack.iterdir():
                (broken / f.name).write_bytes(f.read_bytes())
            graph = onnx.load(str(broken / "teacher.onnx"))
            for init in graph.graph.initializer:
                if init.name == "dit.out.bias":
                    init.name = "merged_by_the_exporter"
            onnx.save(graph, str(broken / "teacher.onnx"))
            with self.assertRaises(PackWeightsError) as e:
                read_pack(broken)
            self.assertIn("out.bias", str(e.exception))
            # without the teacher, the rest still reads
            self.assertIsNone(read_pack(broken, teacher=False).teacher)


class ShippedPackTest(unittest.TestCase):
    def test_the_shipped_pack_is_a_complete_checkpoint(self):
        m = read_pack(REPO / "models" / "default")
        self.assertIsNotNone(m.teacher)
        # the teacher and student are different networks (distillation changed the student)
        t, s = m.teacher.state_dict(), m.student.state_dict()
        self.assertFalse(all(torch.equal(t[k], s[k]) for k in t))


class VocabularySettingTest(unittest.TestCase):
    def test_a_pack_of_the_other_vocabulary_names_its_setting_and_a_foreign_one_is_refused(self):
        from causvid.prompts import VOCABULARY, vocabulary_of

        self.assertIsNone(import_pack.vocabulary_setting(list(VOCABULARY)))
        other = "phrases" if VOCABULARY == vocabulary_of() else "words"
        self.assertEqual(import_pack.vocabulary_setting(vocabulary_of(with_phrases=other == "phrases")), other)
        with self.assertRaises(SystemExit):
            import_pack.vocabulary_setting(list(VOCABULARY) + ["zebra"])


if __name__ == "__main__":
    unittest.main()
