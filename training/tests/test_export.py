"""The pack's manifest matches its graphs; the tokenizer and noise match their goldens."""

import json
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx

from causvid.noise import block_noise, uniforms
from causvid.prompts import UNK_ID, tokenize


def onnx_io(path):
    m = onnx.load(str(path))
    inits = {i.name for i in m.graph.initializer}

    def describe(v):
        dims = [d.dim_value if d.HasField("dim_value") else -1 for d in v.type.tensor_type.shape.dim]
        return v.name, dims

    return [describe(v) for v in m.graph.input if v.name not in inits], [describe(v) for v in m.graph.output]


class ExportTest(unittest.TestCase):
    def test_manifest_matches_graphs(self):
        import make_test_pack

        with tempfile.TemporaryDirectory() as d:
            import sys
            from unittest import mock

            with mock.patch.object(sys, "argv", ["make_test_pack.py", d]):
                make_test_pack.main()
            pack = Path(d) / "tiny-pack"
            manifest = json.loads((pack / "manifest.json").read_text())
            self.assertEqual(manifest["format_version"], 1)
            for name, spec in manifest["graphs"].items():
                ins, outs = onnx_io(pack / spec["file"])
                self.assertEqual(ins, [(i["name"], i["shape"]) for i in spec["inputs"]], name)
                self.assertEqual(outs, [(o["name"], o["shape"]) for o in spec["outputs"]], name)


    def test_shipped_pack_matches_its_graphs(self):
        pack = Path(__file__).resolve().parents[2] / "models" / "default"
        if not (pack / "manifest.json").exists():
            self.skipTest("models/default is not built yet")
        manifest = json.loads((pack / "manifest.json").read_text())
        self.assertLessEqual(sum(p.stat().st_size for p in pack.iterdir()), 60e6, "the pack must stay under 60 MB")
        for name, spec in manifest["graphs"].items():
            ins, outs = onnx_io(pack / spec["file"])
            self.assertEqual(ins, [(i["name"], i["shape"]) for i in spec["inputs"]], name)
            self.assertEqual(outs, [(o["name"], o["shape"]) for o in spec["outputs"]], name)

    def test_shipped_pack_streams_and_renders_as_the_training_defaults_say(self):
        # evaluate.py scores the window and object size that the scripts default to; the card is
        # about the shipped pack only while the pack was made with them.
        from causvid.common import STREAM_CONTEXT_FRAMES, STREAM_SINK_FRAMES
        from causvid.data import SHIPPED_OBJECT_SCALE

        pack = Path(__file__).resolve().parents[2] / "models" / "default"
        if not (pack / "manifest.json").exists():
            self.skipTest("models/default is not built yet")
        manifest = json.loads((pack / "manifest.json").read_text())
        self.assertEqual((manifest["student"]["context_frames"], manifest["student"]["sink_frames"]), (STREAM_CONTEXT_FRAMES, STREAM_SINK_FRAMES))
        self.assertEqual(manifest["training"]["object_scale"], SHIPPED_OBJECT_SCALE)


class TokenizerNoiseTest(unittest.TestCase):
    def test_tokenizer(self):
        tp = tokenize("A red BALL, and a zebra!")
        self.assertEqual(tp.ids[0], 1)
        self.assertEqual(tp.unknown_words, ["zebra"])
        self.assertIn(UNK_ID, tp.ids)
        self.assertEqual(len(tp.ids), 16)
        self.assertEqual(tokenize("").ids[:2], [1, 0])

    def test_splitmix_golden(self):
        # SplitMix64 of state 0: the published first output is 0xE220A8397B1DCDAF.
        self.assertAlmostEqual(uniforms(0, 1)[0], (0xE220A8397B1DCDAF >> 11) * 2.0**-53, places=15)

    def test_noise_is_standard_normal_and_deterministic(self):
        a = block_noise(5, 2, (4, 8, 16, 16))
        self.assertTrue(np.array_equal(a, block_noise(5, 2, (4, 8, 16, 16))))
        self.assertFalse(np.array_equal(a, block_noise(5, 3, (4, 8, 16, 16))))
        self.assertAlmostEqual(float(a.mean()), 0.0, delta=0.05)
        self.assertAlmostEqual(float(a.std()), 1.0, delta=0.05)


if __name__ == "__main__":
    unittest.main()
