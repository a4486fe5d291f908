"""Export trained (or random) modules as a model pack: ONNX graphs plus manifest.json.

The manifest is the contract of docs/model-pack.md; `graph_specs` lists each graph's
tensors exactly as the engine will check them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn

from .model import FrameAutoencoder, ModelConfig, TextEncoder, VideoDiT
from .prompts import ALIASES, BOS_ID, MAX_TOKENS, PAD_ID, UNK_ID, VOCABULARY

OPSET = 16  # torch 1.13 exports a broken LayerNormalization (no scale) at 17
FORMAT_VERSION = 1
# Version 2: a vocabulary entry may be two words, read before its words (the phrase
# vocabulary, causvid.prompts.PHRASES). An engine of version 1 would read them as two tokens
# and draw something else without a word of warning, so such a pack says 2; a pack of words
# stays 1, readable by every engine.
PHRASE_FORMAT_VERSION = 2


def format_version(vocabulary: list[str]) -> int:
    return PHRASE_FORMAT_VERSION if any(" " in entry for entry in vocabulary) else FORMAT_VERSION


class _StudentStep(nn.Module):
    def __init__(self, dit):
        super().__init__()
        self.dit = dit

    def forward(self, x, t, frame_pos, text, text_mask, kv_cache, cache_pos, cache_mask):
        return self.dit.step(x, t, frame_pos, text, text_mask, kv_cache, cache_pos, cache_mask)


class _Teacher(nn.Module):
    def __init__(self, dit):
        super().__init__()
        self.dit = dit

    def forward(self, x, t, text, text_mask):
        return self.dit.bidirectional(x, t, text, text_mask)


def _pin_output_shapes(path: Path, outputs: list):
    """Tracing leaves some output axes symbolic; state them as the manifest does."""
    model = onnx.load(str(path))
    for out, spec in zip(model.graph.output, outputs):
        for dim, size in zip(out.type.tensor_type.shape.dim, spec["shape"]):
            if size == -1:
                dim.dim_param = dim.dim_param or "batch"
            else:
                dim.dim_value = size
    onnx.save(model, str(path))


def _spec(name, dtype, shape):
    return {"name": name, "dtype": dtype, "shape": list(shape)}


def graph_specs(cfg: ModelConfig, context_frames: int) -> dict:
    F, C, s, L, D = cfg.frames_per_block, cfg.latent_channels, cfg.latent_size, cfg.max_tokens, cfg.text_dim
    H, W = cfg.frame_size, cfg.frame_size
    K = context_frames * cfg.tokens_per_frame
    NL, NH, HD = cfg.layers, cfg.heads, cfg.head_dim
    N, NB = cfg.clip_frames, cfg.clip_frames // F
    kv = (NL, 2, 1, NH, K, HD)
    return {
        "text_encoder": {
            "file": "text_encoder.onnx",
            "inputs": [_spec("tokens", "int64", (1, L))],
            "outputs": [_spec("text", "float32", (1, L, D))],
        },
        "frame_encoder": {
            "file": "frame_encoder.onnx",
            "inputs": [_spec("frames", "float32", (-1, 3, H, W))],
            "outputs": [_spec("latent", "float32", (-1, C, s, s))],
        },
        "frame_decoder": {
            "file": "frame_decoder.onnx",
            "inputs": [_spec("latent", "float32", (-1, C, s, s))],
            "outputs": [_spec("frames", "float32", (-1, 3, H, W))],
        },
        "student_step": {
            "file": "student_step.onnx",
            "inputs": [
                _spec("x", "float32", (1, F, C, s, s)),
                _spec("t", "float32", (1, F)),
                _spec("frame_pos", "float32", (F,)),
                _spec("text", "float32", (1, L, D)),
                _spec("text_mask", "float32", (1, L)),
                _spec("kv_cache", "float32", kv),
                _spec("cache_pos", "float32", (K,)),
                _spec("cache_mask", "float32", (K,)),
            ],
            "outputs": [
                _spec("v", "float32", (1, F, C, s, s)),
                _spec("block_kv", "float32", (NL, 2, 1, NH, F * cfg.tokens_per_frame, HD)),
            ],
        },
        "teacher": {
            "file": "teacher.onnx",
            "inputs": [
                _spec("x", "float32", (-1, N, C, s, s)),
                _spec("t", "float32", (-1, N)),
                _spec("text", "float32", (-1, NB, L, D)),
                _spec("text_mask", "float32", (-1, NB, L)),
            ],
            "outputs": [_spec("v", "float32", (-1, N, C, s, s))],
        },
    }


def example_inputs(cfg: ModelConfig, context_frames: int, seed: int = 0) -> dict:
    """Deterministic example inputs for every graph (also the golden test inputs)."""
    g = torch.Generator().manual_seed(seed)
    specs = graph_specs(cfg, context_frames)
    out = {}
    for name, spec in specs.items():
        tensors = {}
        for inp in spec["inputs"]:
            shape = [2 if d == -1 else d for d in inp["shape"]]
            if inp["dtype"] == "int64":
                tok = torch.randint(3, len(VOCABULARY), shape, generator=g)
                tok[:, 0] = BOS_ID
                tok[:, shape[1] // 2 :] = PAD_ID
                tensors[inp["name"]] = tok
            elif inp["name"] in ("text_mask",):
                m = torch.ones(shape)
                m[..., shape[-1] // 2 :] = 0
                tensors[inp["name"]] = m
            elif inp["name"] == "cache_mask":
                m = torch.zeros(shape)
                m[: shape[0] // 2] = 1
                tensors[inp["name"]] = m
            elif inp["name"] in ("cache_pos", "frame_pos"):
                n = shape[0]
                tensors[inp["name"]] = torch.arange(n).float() // (cfg.tokens_per_frame if inp["name"] == "cache_pos" else 1) + (0 if inp["name"] == "cache_pos" else context_frames // 2)
            elif inp["name"] == "t":
                tensors[inp["name"]] = torch.rand(shape, generator=g)
            elif inp["name"] == "frames":
                tensors[inp["name"]] = torch.rand(shape, generator=g)
            else:
                tensors[inp["name"]] = torch.randn(shape, generator=g)
        out[name] = tensors
    return out


def export_pack(
    out_dir: Path,
    cfg: ModelConfig,
    ae: FrameAutoencoder,
    text: TextEncoder,
    student: VideoDiT,
    teacher: VideoDiT | None,
    timesteps: list[float],
    context_frames: int,
    sink_frames: int,
    teacher_steps: int,
    guidance: float,
    name: str,
    description: str,
    training_info: dict,
    teacher_noise_correlation: float = 0.0,
    switch_guidance: dict | None = None,
):
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = graph_specs(cfg, context_frames)
    if teacher is None:
        del specs["teacher"]
    modules = {
        "text_encoder": text,
        "frame_encoder": ae.encoder,
        "frame_decoder": ae.decoder,
        "student_step": _StudentStep(student),
    }
    if teacher is not None:
        modules["teacher"] = _Teacher(teacher)
    examples = example_inputs(cfg, context_frames)
    for name_, module in modules.items():
        module.eval()
        spec = specs[name_]
        args = tuple(examples[name_][i["name"]] for i in spec["inputs"])
        dyn = {}
        for t in spec["inputs"] + spec["outputs"]:
            axes = {i: f"d{i}" for i, d in enumerate(t["shape"]) if d == -1}
            if axes:
                dyn[t["name"]] = axes
        path = out_dir / spec["file"]
        with torch.no_grad():
            torch.onnx.export(
                module,
                args,
                str(path),
                input_names=[i["name"] for i in spec["inputs"]],
                output_names=[o["name"] for o in spec["outputs"]],
                dynamic_axes=dyn or None,
                opset_version=OPSET,
                # Unfolded, initializers keep their torch names, so the PyTorch reference
                # sampler can load a pack's own weights; ONNX Runtime folds at load time.
                do_constant_folding=False,
            )
        _pin_output_shapes(path, spec["outputs"])
        onnx.checker.check_model(onnx.load(str(path)))
    manifest = {
        "format": "causvid-pack",
        "format_version": format_version(VOCABULARY),
        "name": name,
        "description": description,
        "video": {"width": cfg.frame_size, "height": cfg.frame_size, "fps": 16},
        "latent": {"channels": cfg.latent_channels, "height": cfg.latent_size, "width": cfg.latent_size, "tokens_per_frame": cfg.tokens_per_frame},
        "frames_per_block": cfg.frames_per_block,
        "student": {"timesteps": [float(t) for t in timesteps], "context_frames": context_frames, "sink_frames": sink_frames,
                    # optional in the contract: absent, a switch's first block is not guided
                    **({"switch_guidance": switch_guidance} if switch_guidance else {})},
        "teacher": {"clip_frames": cfg.clip_frames, "steps": teacher_steps, "guidance": guidance,
                    # optional in the contract: absent, the engine draws independent frames
                    **({"noise_correlation": teacher_noise_correlation} if teacher_noise_correlation else {})},
        "text": {"max_tokens": MAX_TOKENS, "pad_id": PAD_ID, "bos_id": BOS_ID, "unk_id": UNK_ID, "vocabulary": VOCABULARY, "aliases": ALIASES},
        "model": {"layers": cfg.layers, "heads": cfg.heads, "head_dim": cfg.head_dim, "text_dim": cfg.text_dim, "dim": cfg.dim},
        "graphs": specs,
        "training": {**training_info, "config": cfg.to_dict()},
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def write_goldens(out_dir: Path, modules: dict, cfg: ModelConfig, context_frames: int):
    """Each graph's torch output on the example inputs, as raw little-endian tensors + index."""
    examples = example_inputs(cfg, context_frames)
    index = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = graph_specs(cfg, context_frames)
    for name, module in modules.items():
        spec = specs[name]
        args = tuple(examples[name][i["name"]] for i in spec["inputs"])
        with torch.no_grad():
            res = module(*args)
        if not isinstance(res, tuple):
            res = (res,)
        entry = {"inputs": {}, "outputs": {}}
        for i, a in zip(spec["inputs"], args):
            entry["inputs"][i["name"]] = _write_tensor(out_dir, f"{name}.in.{i['name']}", a)
        for o, r in zip(spec["outputs"], res):
            entry["outputs"][o["name"]] = _write_tensor(out_dir, f"{name}.out.{o['name']}", r)
        index[name] = entry
    return index


def _write_tensor(out_dir: Path, stem: str, t: torch.Tensor) -> dict:
    arr = t.detach().cpu().numpy()
    dtype = "int64" if arr.dtype == np.int64 else "float32"
    arr = arr.astype("<i8" if dtype == "int64" else "<f4")
    (out_dir / f"{stem}.bin").write_bytes(arr.tobytes())
    return {"file": f"{stem}.bin", "dtype": dtype, "shape": list(arr.shape)}


def as_modules(student: VideoDiT, teacher: VideoDiT | None, ae: FrameAutoencoder, text: TextEncoder) -> dict:
    mods = {"text_encoder": text, "frame_encoder": ae.encoder, "frame_decoder": ae.decoder, "student_step": _StudentStep(student)}
    if teacher is not None:
        mods["teacher"] = _Teacher(teacher)
    return mods
