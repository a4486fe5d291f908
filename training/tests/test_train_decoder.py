import os
import tempfile
import unittest
from pathlib import Path
from unittest import mock

import numpy as np
import torch

from causvid.common import load, save_atomic
from causvid.model import FrameAutoencoder, ModelConfig
import train_decoder

TINY = dict(vocab_size=8, max_tokens=4, ae_channels=(4, 8), latent_channels=2, latent_size=8, frame_size=16)


def tiny_ae() -> FrameAutoencoder:
    torch.manual_seed(0)
    ae = FrameAutoencoder(ModelConfig(**TINY))
    ae.set_normalisation(torch.tensor([0.1, -0.2]), torch.tensor([2.0, 0.5]))
    return ae


class PhotoFramesTest(unittest.TestCase):
    def test_frames_are_uint8_crops_at_the_asked_size_and_repeat_with_the_seed(self):
        import random

        photos = [np.random.default_rng(0).random((40, 60, 3), dtype=np.float32)]
        a = train_decoder.P.random_frames(photos, 3, 16, random.Random(1))
        b = train_decoder.P.random_frames(photos, 3, 16, random.Random(1))
        self.assertEqual(a.shape, (3, 16, 16, 3))
        self.assertEqual(a.dtype, np.uint8)
        np.testing.assert_array_equal(a, b)


class KeepTest(unittest.TestCase):
    def stage(self, run: Path, ae: FrameAutoencoder):
        from causvid.common import Stage

        opt = torch.optim.AdamW(ae.decoder.parameters(), lr=1e-2, weight_decay=0.0)
        return Stage("decoder", 5, {"decoder": ae.decoder, "opt": opt}, run), opt

    def test_a_decoder_held_wholly_to_its_start_on_generated_latents_does_not_move(self):
        import copy

        ae = tiny_ae()
        frames = np.random.default_rng(0).integers(0, 255, (3, 2, 16, 16, 3), dtype=np.uint8)
        keep = np.random.default_rng(1).standard_normal((6, 2, 8, 8)).astype(np.float16)
        before = copy.deepcopy(ae.decoder.state_dict())
        with tempfile.TemporaryDirectory() as tmp:
            stage, opt = self.stage(Path(tmp), ae)
            base = copy.deepcopy(ae.decoder).requires_grad_(False)
            train_decoder.train_decoder(ae, frames, [], stage, opt, 1e-2, 4, 0.0, "cpu", keep, 1.0, base)
        for k, v in ae.decoder.state_dict().items():
            self.assertTrue(torch.equal(v, before[k]), k)

    def test_shares_over_the_whole_batch_are_refused(self):
        ae = tiny_ae()
        frames = np.zeros((1, 1, 16, 16, 3), np.uint8)
        with tempfile.TemporaryDirectory() as tmp:
            stage, opt = self.stage(Path(tmp), ae)
            with self.assertRaises(ValueError):
                train_decoder.train_decoder(ae, frames, [], stage, opt, 1e-2, 4, 0.75, "cpu", np.zeros((2, 2, 8, 8)), 0.5, ae.decoder)


class GeneratedLatentsTest(unittest.TestCase):
    def test_the_run_s_student_makes_whole_clips_of_latents_repeatably(self):
        from causvid.model import TextEncoder, VideoDiT
        from make_test_pack import tiny_config

        cfg = tiny_config()
        torch.manual_seed(0)
        dit, text = VideoDiT(cfg), TextEncoder(cfg)
        prompts = [["a red ball bouncing in the sky"] * 4, ["a blue box moving left on the grass"] * 4]
        with tempfile.TemporaryDirectory() as tmp:
            run = Path(tmp)
            save_atomic({"step": 1, "state": {"ema_dit": dit.state_dict(), "ema_text": text.state_dict()}}, run / "teacher.pt")
            save_atomic({"step": 1, "state": {"student": dit.state_dict()}}, run / "student_dmd.pt")
            a = train_decoder.generated_latents(run, cfg, prompts, 2)
            b = train_decoder.generated_latents(run, cfg, prompts, 2)
        self.assertEqual(a.shape, (2 * cfg.clip_frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size))
        self.assertEqual(a.dtype, np.float16)
        self.assertTrue(np.isfinite(a).all())
        np.testing.assert_array_equal(a, b)


class MainTest(unittest.TestCase):
    def run_main(self, run: Path, data: Path, steps: int):
        argv = ["train_decoder.py", "--steps", str(steps), "--batch", "4", "--threads", "1"]
        env = {"CAUSVID_RUNS": str(run.parent), "CAUSVID_DATA": str(data)}
        photos = [np.random.default_rng(1).random((32, 48, 3), dtype=np.float32)]
        held = (np.random.default_rng(2).random((2, 16, 16, 3)) * 255).astype(np.uint8)
        with mock.patch.dict(os.environ, env), mock.patch("sys.argv", argv), \
                mock.patch.object(train_decoder, "default_config", lambda: ModelConfig(**TINY)), \
                mock.patch.object(train_decoder.P, "training_photo_paths", lambda: ["a"]), \
                mock.patch.object(train_decoder.P, "load_photo", lambda path: photos[0]), \
                mock.patch.object(train_decoder, "held_out_views", lambda size: held):
            train_decoder.main()

    def test_only_the_decoder_learns_and_the_start_is_kept(self):
        with tempfile.TemporaryDirectory() as tmp:
            run, data = Path(tmp) / "runs" / "default", Path(tmp) / "data"
            run.mkdir(parents=True)
            data.mkdir()
            np.save(data / "frames.npy", np.random.default_rng(0).integers(0, 255, (3, 2, 16, 16, 3), dtype=np.uint8))
            (data / "prompts.json").write_text("[]")
            start = tiny_ae()
            save_atomic({"ae": start.state_dict()}, run / "ae_final.pt")
            self.run_main(run, data, steps=3)
            self.assertEqual((run / "decoder.done").read_text(), "3")
            kept, final = load(run / "ae_before_decoder.pt")["ae"], load(run / "ae_final.pt")["ae"]
            for k, v in start.state_dict().items():
                self.assertTrue(torch.equal(kept[k], v), k)
                if k.startswith("encoder."):
                    # The latents every later stage was trained on stay exactly what they were.
                    self.assertTrue(torch.equal(final[k], v), k)
            self.assertTrue(torch.equal(final["decoder.mean"], start.state_dict()["decoder.mean"]))
            learned = [k for k in final if k.startswith("decoder.net") and not torch.equal(final[k], kept[k])]
            self.assertTrue(learned, "the decoder trained")
            # Run again once done: no further training, ae_final.pt holds the same decoder.
            self.run_main(run, data, steps=3)
            again = load(run / "ae_final.pt")["ae"]
            self.assertTrue(all(torch.equal(again[k], final[k]) for k in final))


if __name__ == "__main__":
    unittest.main()
