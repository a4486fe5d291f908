"""The pack's manifest matches its graphs; the tokenizer and noise match their goldens."""

import json
import tempfile
import unittest
from pathlib import Path

import numpy as np
import onnx
import torch

from causvid.export import format_version
from causvid.noise import block_noise, clip_noise, correlate_frames, uniforms
from causvid.prompts import UNK_ID, grown_text_embedding, tokenize, vocabulary_of


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

            import causvid.model

            # Every attention long enough for the CPU trainer's block-wise function, which the
            # graphs must not take: a pack runs the plain product.
            with mock.patch.object(sys, "argv", ["make_test_pack.py", d]), mock.patch.object(causvid.model, "CHUNKED_MIN_SCORES", 0):
                make_test_pack.main()
            pack = Path(d) / "tiny-pack"
            manifest = json.loads((pack / "manifest.json").read_text())
            self.assertEqual(manifest["format_version"], 1)
            for name, spec in manifest["graphs"].items():
                ins, outs = onnx_io(pack / spec["file"])
                self.assertEqual(ins, [(i["name"], i["shape"]) for i in spec["inputs"]], name)
                self.assertEqual(outs, [(o["name"], o["shape"]) for o in spec["outputs"]], name)
            for name in ("teacher", "student_step"):
                ops = {n.op_type for n in onnx.load(str(pack / manifest["graphs"][name]["file"])).graph.node}
                self.assertIn("Softmax", ops, name)


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

    def test_shipped_pack_samples_its_teacher_as_the_card_scores_it(self):
        from causvid.common import TEACHER_NOISE_CORRELATION

        pack = Path(__file__).resolve().parents[2] / "models" / "default"
        if not (pack / "manifest.json").exists():
            self.skipTest("models/default is not built yet")
        manifest = json.loads((pack / "manifest.json").read_text())
        self.assertEqual(manifest["teacher"].get("noise_correlation", 0.0), TEACHER_NOISE_CORRELATION)

    def test_the_manifest_names_a_teacher_noise_correlation_only_when_there_is_one(self):
        from causvid.export import export_pack
        from causvid.model import FrameAutoencoder, TextEncoder, VideoDiT
        from make_test_pack import tiny_config

        cfg = tiny_config()
        modules = (FrameAutoencoder(cfg), TextEncoder(cfg), VideoDiT(cfg))
        teachers = {}
        with tempfile.TemporaryDirectory() as d:
            for c in (0.0, 0.8):
                out = Path(d) / str(c)
                export_pack(out, cfg, *modules, VideoDiT(cfg), [1.0, 0.5], 8, 0, 8, 3.0, "t", "t", {}, teacher_noise_correlation=c)
                teachers[c] = json.loads((out / "manifest.json").read_text())["teacher"]
        self.assertNotIn("noise_correlation", teachers[0.0])
        self.assertEqual(teachers[0.8]["noise_correlation"], 0.8)


class TokenizerNoiseTest(unittest.TestCase):
    def test_tokenizer(self):
        tp = tokenize("A red BALL, and a zebra!")
        self.assertEqual(tp.ids[0], 1)
        self.assertEqual(tp.unknown_words, ["zebra"])
        self.assertIn(UNK_ID, tp.ids)
        self.assertEqual(len(tp.ids), 16)
        self.assertEqual(tokenize("").ids[:2], [1, 0])

    def test_an_is_read_as_a_and_not_reported(self):
        self.assertEqual(tokenize("an orange ball").ids, tokenize("a orange ball").ids)
        self.assertEqual(tokenize("An orange BALL").unknown_words, [])

    def test_a_phrase_vocabulary_reads_the_camera_direction_as_one_token(self):
        phrases = vocabulary_of(with_phrases=True)
        self.assertEqual(phrases[: len(vocabulary_of())], vocabulary_of(), "every word keeps its id")
        self.assertEqual(phrases[-2:], ["pans left", "pans right"])
        ids = lambda p, v=phrases: tokenize(p, vocabulary=v).ids
        self.assertEqual(ids("the camera pans left")[:5], [1, phrases.index("the"), phrases.index("camera"), phrases.index("pans left"), 0])
        self.assertEqual(ids("a red ball moving left, the camera Pans  RIGHT!")[4:], ids("a red ball moving left the camera pans right")[4:])
        self.assertIn(phrases.index("left"), ids("moving left"), "an object's direction stays the word")
        self.assertEqual(ids("left pans")[1:3], [phrases.index("left"), phrases.index("pans")], "a phrase only in its order")
        self.assertEqual(ids("pans")[1], phrases.index("pans"))
        self.assertEqual(tokenize("the camera pans left", vocabulary=phrases).unknown_words, [])
        self.assertEqual(ids("the camera pans left", vocabulary_of())[3:5], [vocabulary_of().index("pans"), vocabulary_of().index("left")])

    def test_a_pack_with_phrases_says_version_2_and_one_of_words_stays_1(self):
        self.assertEqual(format_version(vocabulary_of()), 1)
        self.assertEqual(format_version(vocabulary_of(with_phrases=True)), 2)

    def test_a_grown_embedding_reads_each_phrase_as_its_last_word(self):
        words, phrases = vocabulary_of(), vocabulary_of(with_phrases=True)
        weight = torch.arange(len(words) * 3, dtype=torch.float32).reshape(len(words), 3)
        grown = grown_text_embedding(weight, phrases)
        self.assertEqual(tuple(grown.shape), (len(phrases), 3))
        self.assertTrue(torch.equal(grown[: len(words)], weight))
        self.assertTrue(torch.equal(grown[phrases.index("pans left")], weight[words.index("left")]))
        self.assertTrue(torch.equal(grown[phrases.index("pans right")], weight[words.index("right")]))
        self.assertTrue(torch.equal(grown_text_embedding(weight, words), weight), "nothing to grow")

    def test_a_content_seed_starts_each_pan_from_the_way_it_slides_the_view(self):
        words, phrases = vocabulary_of(), vocabulary_of(with_phrases=True)
        weight = torch.arange(len(words) * 3, dtype=torch.float32).reshape(len(words), 3)
        grown = grown_text_embedding(weight, phrases, content=True)
        self.assertTrue(torch.equal(grown[phrases.index("pans left")], weight[words.index("right")]))
        self.assertTrue(torch.equal(grown[phrases.index("pans right")], weight[words.index("left")]))
        # A phrase teacher's own rows are seeded again; its words' rows stay.
        trained = torch.randn(len(phrases), 3)
        again = grown_text_embedding(trained, phrases, content=True)
        self.assertTrue(torch.equal(again[phrases.index("pans left")], trained[phrases.index("right")]))
        self.assertTrue(torch.equal(again[: len(words)], trained[: len(words)]))
        self.assertTrue(torch.equal(grown_text_embedding(trained, phrases), trained), "the last-word seed keeps rows a table has")

    def test_splitmix_golden(self):
        # SplitMix64 of state 0: the published first output is 0xE220A8397B1DCDAF.
        self.assertAlmostEqual(uniforms(0, 1)[0], (0xE220A8397B1DCDAF >> 11) * 2.0**-53, places=15)

    def test_noise_is_standard_normal_and_deterministic(self):
        a = block_noise(5, 2, (4, 8, 16, 16))
        self.assertTrue(np.array_equal(a, block_noise(5, 2, (4, 8, 16, 16))))
        self.assertFalse(np.array_equal(a, block_noise(5, 3, (4, 8, 16, 16))))
        self.assertAlmostEqual(float(a.mean()), 0.0, delta=0.05)
        self.assertAlmostEqual(float(a.std()), 1.0, delta=0.05)

    def test_correlated_frames_stay_standard_normal_and_share_the_stated_correlation(self):
        a = block_noise(5, 2, (4, 8, 16, 16), correlation=0.8)
        self.assertAlmostEqual(float(a.std()), 1.0, delta=0.05)
        r = np.corrcoef(a.reshape(4, -1))
        self.assertTrue(np.all(np.abs(r[np.triu_indices(4, 1)] - 0.8) < 0.05), r)
        shared = block_noise(5, -1, (8, 16, 16))
        np.testing.assert_allclose(a, np.sqrt(0.8) * shared + np.sqrt(0.2) * block_noise(5, 2, (4, 8, 16, 16)), atol=1e-6)
        self.assertTrue(np.array_equal(block_noise(5, 2, (4, 8, 16, 16), correlation=0.0), block_noise(5, 2, (4, 8, 16, 16))))
        # The Java engine's golden (NoiseSourceTest.correlatedFramesMatchThePythonReference).
        np.testing.assert_allclose(block_noise(7, 2, (2, 1, 1, 3), 0.9).ravel(), [0.1808532327413559, 0.22701716423034668, 0.9346125721931458, 0.530782163143158, 0.9590957164764404, 0.9964938759803772], atol=1e-7)

    def test_the_scorer_s_teacher_noise_is_unchanged_without_a_correlation(self):
        import torch

        a = clip_noise(torch.Generator().manual_seed(3), 2, (4, 8, 16, 16))
        self.assertTrue(torch.equal(a, torch.randn(2, 4, 8, 16, 16, generator=torch.Generator().manual_seed(3))))
        b = clip_noise(torch.Generator().manual_seed(3), 2, (4, 8, 16, 16), 0.8)
        torch.testing.assert_close(b - np.sqrt(0.2) * a, (b - np.sqrt(0.2) * a)[:, :1].expand_as(b))  # what is left is one frame
        self.assertIs(correlate_frames(a, None, 0.0), a)


if __name__ == "__main__":
    unittest.main()
