"""A tiny random-weight model pack plus golden data from the PyTorch reference, for the
engine's tests. The weights are random; the contract (shapes, semantics, noise, cache
rolling with sinks, prompt re-cache, image-to-video) is what is being tested.

    python3 training/make_test_pack.py engine/src/test/resources
    python3 training/make_test_pack.py --predicts clean engine/src/test/resources

The second writes tiny-pack-clean/, the same pack with networks whose last layer gives the clean
latent (ModelConfig.predicts), and goldens for its two diffusion graphs and a streamed clip only:
its graphs must still give the velocity, and that is all its test needs to check.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from causvid.export import as_modules, export_pack, write_goldens
from causvid.model import FrameAutoencoder, ModelConfig, TextEncoder, VideoDiT
from causvid.noise import block_noise
from causvid.prompts import MAX_TOKENS, VOCABULARY, tokenize
from causvid.sampler import StudentStreamer

TIMESTEPS = [1.0, 0.5]
CONTEXT, SINK = 8, 4


def tiny_config(predicts: str = "velocity") -> ModelConfig:
    return ModelConfig(
        vocab_size=len(VOCABULARY), max_tokens=MAX_TOKENS, dim=32, layers=2, heads=2, text_dim=16, text_layers=1, text_heads=2, ae_channels=(4, 4, 8, 8),
        predicts=predicts,
    )


def randomise(module, seed):
    """Random weights everywhere, including the layers that training initialises to zero."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * (0.3 / max(1, p.shape[-1]) ** 0.5 if p.dim() > 1 else 0.05))
    return module.eval()


def test_photo() -> np.ndarray:
    """A deterministic 160x120 picture (not square, so the crop is exercised)."""
    y, x = np.mgrid[0:120, 0:160]
    img = np.stack([(x * 255 // 159), (y * 255 // 119), ((x + y) % 64) * 4], axis=-1)
    return img.astype(np.uint8)


def center_crop_resize(img: np.ndarray, size: int) -> np.ndarray:
    h, w, _ = img.shape
    side = min(h, w)
    y0, x0 = (h - side) // 2, (w - side) // 2
    crop = Image.fromarray(img[y0 : y0 + side, x0 : x0 + side])
    return np.asarray(crop.resize((size, size), Image.BILINEAR), np.float32) / 255.0


def to_u8(frames: torch.Tensor) -> bytes:
    """(N, 3, H, W) in [0, 1] -> bytes, rounded as the engine rounds to 8-bit pixels."""
    return np.clip(np.floor(frames.numpy() * 255 + 0.5), 0, 255).astype(np.uint8).tobytes()


def write_stream(gold: Path, streamer: StudentStreamer, ae, schedule: dict, frames: bool = True) -> dict:
    """Streaming with a prompt switch at block 2 and a rolling window with a sink block: the
    latents, and with `frames` the decoded 8-bit frames too."""
    lat = streamer.generate(schedule, n_blocks=4, seed=7)
    with torch.no_grad():
        decoded = ae.decoder(lat)
    (gold / "stream.latents.bin").write_bytes(lat.numpy().astype("<f4").tobytes())
    entry = {"seed": 7, "blocks": 4, "schedule": {str(k): v for k, v in schedule.items()}}
    if frames:
        (gold / "stream.frames.u8").write_bytes(to_u8(decoded))
        entry["frames_u8"] = "stream.frames.u8"
    return entry | {"latents": "stream.latents.bin", "shape": list(decoded.shape)}


def random_modules(cfg: ModelConfig):
    """The pack's four modules with random weights, each from its own seed: (autoencoder, text
    encoder, student, teacher). Tests draw them again to compare with what a pack gives back."""
    return randomise(FrameAutoencoder(cfg), 1), randomise(TextEncoder(cfg), 2), randomise(VideoDiT(cfg), 3), randomise(VideoDiT(cfg), 4)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path, help="directory receiving tiny-pack/ and tiny-pack-golden/")
    ap.add_argument("--predicts", choices=("velocity", "clean"), default="velocity", help="what the networks' last layer gives; clean: tiny-pack-clean/ and a shorter golden set")
    args = ap.parse_args()
    clean = args.predicts == "clean"
    torch.manual_seed(0)
    cfg = tiny_config(args.predicts)
    ae, text, student, teacher = random_modules(cfg)
    suffix = "-clean" if clean else ""
    pack = args.out / f"tiny-pack{suffix}"
    export_pack(
        pack, cfg, ae, text, student, teacher, TIMESTEPS, CONTEXT, SINK, teacher_steps=4, guidance=2.0,
        name=f"tiny-random{suffix}", description="Random weights, for engine tests only.", training_info={"random": True},
    )
    gold = args.out / f"tiny-pack{suffix}-golden"
    modules = as_modules(student, teacher, ae, text)
    if clean:  # the autoencoder and text encoder are the first pack's: only the diffusion graphs differ
        modules = {k: modules[k] for k in ("student_step", "teacher")}
    index = {"graphs": write_goldens(gold, modules, cfg, CONTEXT)}
    schedule = {0: "a red ball bouncing at sunset", 2: "a blue box moving left in the sky"}
    if clean:
        index["stream"] = write_stream(gold, StudentStreamer(student, text, ae.decoder, TIMESTEPS, CONTEXT, SINK), ae, schedule, frames=False)
        (gold / "index.json").write_text(json.dumps(index, indent=1) + "\n")
        print(f"wrote {pack} and {gold}")
        return

    shape = (cfg.frames_per_block, cfg.latent_channels, cfg.latent_size, cfg.latent_size)
    noise = block_noise(42, 3, shape)
    (gold / "noise.seed42.block3.bin").write_bytes(noise.astype("<f4").tobytes())
    index["noise"] = {"seed": 42, "block": 3, "shape": list(shape), "file": "noise.seed42.block3.bin"}

    prompts = ["a red ball bouncing at sunset", "A Blue BOX, moving left!", "a zebra dancing in the sky", ""]
    index["tokenizer"] = [{"prompt": p, "ids": tokenize(p).ids, "unknown": tokenize(p).unknown_words} for p in prompts]

    index["stream"] = write_stream(gold, StudentStreamer(student, text, ae.decoder, TIMESTEPS, CONTEXT, SINK), ae, schedule)

    # Image-to-video: the photo (centre-cropped, resized) pins frame 0 of block 0.
    photo = test_photo()
    Image.fromarray(photo).save(gold / "photo.png")
    x = torch.from_numpy(center_crop_resize(photo, cfg.frame_size)).permute(2, 0, 1)[None]
    with torch.no_grad():
        z = ae.encoder(x)[0]
    streamer = StudentStreamer(student, text, ae.decoder, TIMESTEPS, CONTEXT, SINK)
    lat = streamer.generate({0: "a photo, the camera pans left"}, n_blocks=2, seed=11, first_frame=z)
    with torch.no_grad():
        frames = ae.decoder(lat)
    (gold / "i2v.frames.u8").write_bytes(to_u8(frames))
    (gold / "i2v.latents.bin").write_bytes(lat.numpy().astype("<f4").tobytes())
    index["i2v"] = {"seed": 11, "blocks": 2, "prompt": "a photo, the camera pans left", "photo": "photo.png", "frames_u8": "i2v.frames.u8", "latents": "i2v.latents.bin", "shape": list(frames.shape)}
    (gold / "index.json").write_text(json.dumps(index, indent=1) + "\n")
    print(f"wrote {pack} and {gold}")


if __name__ == "__main__":
    main()
