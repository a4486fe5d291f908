"""The reference sampler rebuilds torch modules from a pack's ONNX weights exactly."""

import json
import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import numpy as np
import torch

import make_test_pack
from causvid.sampler import StudentStreamer
from reference_sampler import load_pack


class ReferenceSamplerTest(unittest.TestCase):
    def test_pack_weights_reproduce_the_golden_stream(self):
        with tempfile.TemporaryDirectory() as d:
            with mock.patch.object(sys, "argv", ["make_test_pack.py", d]):
                make_test_pack.main()
            manifest, cfg, text, ae, student = load_pack(Path(d) / "tiny-pack")
            gold = Path(d) / "tiny-pack-golden"
            index = json.loads((gold / "index.json").read_text())["stream"]
            st = manifest["student"]
            streamer = StudentStreamer(student, text, ae.decoder, st["timesteps"], st["context_frames"], st["sink_frames"])
            lat = streamer.generate({int(k): v for k, v in index["schedule"].items()}, index["blocks"], index["seed"])
            expected = np.frombuffer((gold / index["latents"]).read_bytes(), "<f4").reshape(lat.shape)
            self.assertTrue(np.allclose(lat.numpy(), expected, atol=1e-5))


if __name__ == "__main__":
    unittest.main()
