"""A model pack's ONNX weights, back as the torch modules that made them.

The exporter keeps every initializer under its torch name (causvid.export), so a pack is also a
checkpoint: the reference sampler streams from it, and training resumes from it on a machine
that has nothing but the repository. Run folders are not kept in git and a new machine starts
without them; the shipped pack is the one copy of the trained weights that always exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import onnx
import torch
from onnx import numpy_helper

from .model import FrameAutoencoder, ModelConfig, TextEncoder, VideoDiT


class PackWeightsError(ValueError):
    """The graph's initializers are not exactly one module's parameters and buffers."""


@dataclass
class PackModules:
    manifest: dict
    cfg: ModelConfig
    text: TextEncoder
    ae: FrameAutoencoder
    student: VideoDiT
    teacher: VideoDiT | None  # a pack may leave the teacher out (docs/model-pack.md)


def graph_weights(path: Path, prefix: str = "") -> dict:
    """The initializers of one ONNX graph whose names start with `prefix`, without it."""
    model = onnx.load(str(path))
    return {
        i.name[len(prefix) :]: torch.from_numpy(numpy_helper.to_array(i).copy())
        for i in model.graph.initializer
        if i.name.startswith(prefix)
    }


def load_exactly(module: torch.nn.Module, state: dict, graph: str):
    """Loads every tensor of `module` from `state`, or says which are missing or left over.

    The exporter merges initializers that hold equal values, so a network with two identical
    untrained tensors would come back with a name missing; trained weights never coincide, and
    a pack that lost one cannot be a starting point for training without guessing. The one
    tolerated absence is the spatial attention bias of packs exported before it existed, which
    VideoDiT itself fills with zeros (the same network)."""
    missing, unexpected = module.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise PackWeightsError(f"{graph}: missing {missing[:5]}, unexpected {unexpected[:5]}")
    return module.eval()


def read_pack(pack: Path, teacher: bool = True) -> PackModules:
    """Every module of the pack in `pack`, on the CPU, in eval mode."""
    manifest = json.loads((pack / "manifest.json").read_text())
    config = manifest.get("training", {}).get("config")
    if config is None:  # the engine does not need it, so another maker's pack may leave it out
        raise PackWeightsError(f"{pack}: the manifest has no training.config, the architecture to rebuild the modules with")
    cfg = ModelConfig.from_dict(config)
    graphs = manifest["graphs"]

    def weights(name, prefix=""):
        return graph_weights(pack / graphs[name]["file"], prefix)

    text, ae, student = TextEncoder(cfg), FrameAutoencoder(cfg), VideoDiT(cfg)
    load_exactly(text, weights("text_encoder"), "text_encoder")
    load_exactly(ae.encoder, weights("frame_encoder"), "frame_encoder")
    load_exactly(ae.decoder, weights("frame_decoder"), "frame_decoder")
    load_exactly(student, weights("student_step", "dit."), "student_step")
    bidirectional = None
    if teacher and "teacher" in graphs:
        bidirectional = load_exactly(VideoDiT(cfg), weights("teacher", "dit."), "teacher")
    return PackModules(manifest, cfg, text.eval(), ae.eval(), student.eval(), bidirectional)
