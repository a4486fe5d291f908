"""Writes the engine's toy model pack and its golden data.

The toy pack obeys docs/model-pack.md exactly (names, shapes, dtypes) but its graphs are small
hand-written arithmetic, not a trained model: they exist so the Java engine's plumbing (block
loop, cache, positions, prompt switch, re-cache, teacher CFG) can be checked against an
independent NumPy implementation of the contract. The trained tiny pack from
training/make_test_pack.py complements it once it exists.

Run with the system Python:  /usr/bin/python3 engine/src/test/tools/make_toy_pack.py OUT_DIR
"""

import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Pack numbers (kept tiny so the pack is a few kB).
W = H = 16
FPS = 8
C, h, w = 4, 4, 4
T = 4  # tokens per frame: the 64 latent floats as 4 tokens of 16
F = 2
TIMESTEPS = [1.0, 0.5]
CONTEXT, SINKS = 6, 2
CLIP, TSTEPS, GUIDANCE = 4, 3, 2.0
VOCAB = ["<pad>", "<bos>", "<unk>", "a", "red", "blue", "cat", "dog", "runs", "sleeps", "in", "the", "snow"]
ALIASES = {"an": "a"}
L, D = 6, 8
NL, NH, HD = 1, 2, 4
K = CONTEXT * T

rng = np.random.default_rng(7)
E = rng.normal(size=(len(VOCAB), D)).astype(np.float32)
W_ENC = rng.normal(size=(C, 3, 1, 1)).astype(np.float32) * 0.5
B_ENC = rng.normal(size=(C,)).astype(np.float32) * 0.1
W_DEC = rng.normal(size=(3, C, 1, 1)).astype(np.float32) * 0.5
B_DEC = rng.normal(size=(3,)).astype(np.float32) * 0.1
W_TXT = rng.normal(size=(D, C)).astype(np.float32) * 0.3
W_KV = rng.normal(size=(16, NL * 2 * NH * HD)).astype(np.float32) * 0.3


def const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def vi(name, dtype, shape):
    return helper.make_tensor_value_info(name, dtype, shape)


FL, I64 = TensorProto.FLOAT, TensorProto.INT64


def text_encoder():
    nodes = [helper.make_node("Gather", ["E", "tokens"], ["text"], axis=0)]
    return helper.make_graph(nodes, "text_encoder", [vi("tokens", I64, [1, L])],
                             [vi("text", FL, [1, L, D])], [const("E", E)])


def frame_encoder():
    nodes = [
        helper.make_node("AveragePool", ["frames"], ["pooled"], kernel_shape=[4, 4], strides=[4, 4]),
        helper.make_node("Conv", ["pooled", "W", "B"], ["latent"]),
    ]
    return helper.make_graph(nodes, "frame_encoder", [vi("frames", FL, ["n", 3, H, W])],
                             [vi("latent", FL, ["n", C, h, w])], [const("W", W_ENC), const("B", B_ENC)])


def frame_decoder():
    nodes = [
        helper.make_node("Conv", ["latent", "W", "B"], ["rgb"]),
        helper.make_node("Sigmoid", ["rgb"], ["sig"]),
        helper.make_node("Resize", ["sig", "", "scales"], ["frames"], mode="nearest"),
    ]
    return helper.make_graph(nodes, "frame_decoder", [vi("latent", FL, ["n", C, h, w])],
                             [vi("frames", FL, ["n", 3, H, W])],
                             [const("W", W_DEC), const("B", B_DEC),
                              const("scales", np.array([1, 1, 4, 4], np.float32))])


def text_summary_nodes(text, mask, out, axis):
    """Masked mean of text over tokens, projected to C channels."""
    return [
        helper.make_node("Unsqueeze", [mask, f"ax_last_{out}"], [f"{out}_m3"]),
        helper.make_node("Mul", [text, f"{out}_m3"], [f"{out}_tm"]),
        helper.make_node("ReduceSum", [f"{out}_tm", f"ax_{out}"], [f"{out}_sum"], keepdims=0),
        helper.make_node("ReduceSum", [mask, f"ax_{out}"], [f"{out}_cnt"], keepdims=1),
        helper.make_node("Div", [f"{out}_sum", f"{out}_cnt"], [f"{out}_mean"]),
        helper.make_node("MatMul", [f"{out}_mean", "W_TXT"], [out]),
    ]


def student_step():
    nodes = text_summary_nodes("text", "text_mask", "tp", axis=1)  # (1, C)
    inits = [const("ax_last_tp", np.array([-1], np.int64)), const("ax_tp", np.array([1], np.int64)),
             const("W_TXT", W_TXT), const("W_KV", W_KV)]
    nodes += [
        # cache summary c = sum(kv * mask * (1 + 0.1 pos)) / (sum(mask) + 1)
        helper.make_node("Mul", ["cache_pos", "c01"], ["pos01"]),
        helper.make_node("Add", ["pos01", "one"], ["posw"]),
        helper.make_node("Mul", ["posw", "cache_mask"], ["kw"]),
        helper.make_node("Unsqueeze", ["kw", "ax_last_tp"], ["kw2"]),  # (K, 1)
        helper.make_node("Mul", ["kv_cache", "kw2"], ["kvw"]),
        helper.make_node("ReduceSum", ["kvw"], ["kvs"], keepdims=0),
        helper.make_node("ReduceSum", ["cache_mask"], ["cm"], keepdims=0),
        helper.make_node("Add", ["cm", "one"], ["cm1"]),
        helper.make_node("Div", ["kvs", "cm1"], ["csum"]),
        # v = tanh(0.8 x) + tp + 0.1 c + 0.05 pos + 0.3 t x
        helper.make_node("Mul", ["x", "c08"], ["x08"]),
        helper.make_node("Tanh", ["x08"], ["tx"]),
        helper.make_node("Reshape", ["tp", "shape_tp"], ["tp5"]),  # (1,1,C,1,1)
        helper.make_node("Add", ["tx", "tp5"], ["v1"]),
        helper.make_node("Mul", ["csum", "c01"], ["c_small"]),
        helper.make_node("Add", ["v1", "c_small"], ["v2"]),
        helper.make_node("Reshape", ["frame_pos", "shape_pos"], ["pos5"]),  # (1,F,1,1,1)
        helper.make_node("Mul", ["pos5", "c005"], ["pos_small"]),
        helper.make_node("Add", ["v2", "pos_small"], ["v3"]),
        helper.make_node("Reshape", ["t", "shape_pos"], ["t5"]),
        helper.make_node("Mul", ["t5", "x"], ["tx5"]),
        helper.make_node("Mul", ["tx5", "c03"], ["tx53"]),
        helper.make_node("Add", ["v3", "tx53"], ["v"]),
        # block_kv = reshape(x, (F*T, 16)) @ W_KV + mean(tp) + 0.01 t-sum, laid out (NL,2,1,NH,F*T,HD)
        helper.make_node("Reshape", ["x", "shape_tok"], ["tok"]),
        helper.make_node("MatMul", ["tok", "W_KV"], ["kv_flat"]),
        helper.make_node("ReduceMean", ["tp"], ["tpm"], keepdims=0),
        helper.make_node("Add", ["kv_flat", "tpm"], ["kv_b"]),
        helper.make_node("Reshape", ["kv_b", "shape_kv6"], ["kv6"]),  # (F*T, NL, 2, 1, NH, HD)
        helper.make_node("Transpose", ["kv6"], ["block_kv"], perm=[1, 2, 3, 4, 0, 5]),
    ]
    inits += [
        const("c01", np.float32(0.1)), const("one", np.float32(1.0)), const("c08", np.float32(0.8)),
        const("c005", np.float32(0.05)), const("c03", np.float32(0.3)),
        const("shape_tp", np.array([1, 1, C, 1, 1], np.int64)),
        const("shape_pos", np.array([1, F, 1, 1, 1], np.int64)),
        const("shape_tok", np.array([F * T, 16], np.int64)),
        const("shape_kv6", np.array([F * T, NL, 2, 1, NH, HD], np.int64)),
    ]
    inputs = [vi("x", FL, [1, F, C, h, w]), vi("t", FL, [1, F]), vi("frame_pos", FL, [F]),
              vi("text", FL, [1, L, D]), vi("text_mask", FL, [1, L]),
              vi("kv_cache", FL, [NL, 2, 1, NH, K, HD]), vi("cache_pos", FL, [K]),
              vi("cache_mask", FL, [K])]
    outputs = [vi("v", FL, [1, F, C, h, w]), vi("block_kv", FL, [NL, 2, 1, NH, F * T, HD])]
    return helper.make_graph(nodes, "student_step", inputs, outputs, inits)


def teacher():
    nb = CLIP // F
    nodes = text_summary_nodes("text", "text_mask", "tp", axis=2)  # (B, nb, C)
    inits = [const("ax_last_tp", np.array([-1], np.int64)), const("ax_tp", np.array([2], np.int64)),
             const("W_TXT", W_TXT)]
    nodes += [
        helper.make_node("Unsqueeze", ["tp", "ax2"], ["tp4"]),  # (B, nb, 1, C)
        helper.make_node("Shape", ["tp4"], ["tp4s"]),
        helper.make_node("Gather", ["tp4s", "i0"], ["bdim"], axis=0),
        helper.make_node("Concat", ["bdim", "rest_expand"], ["expand_shape"], axis=0),
        helper.make_node("Expand", ["tp4", "expand_shape"], ["tpe"]),  # (B, nb, F, C)
        helper.make_node("Concat", ["bdim", "rest_frames"], ["frames_shape"], axis=0),
        helper.make_node("Reshape", ["tpe", "frames_shape"], ["tpf"]),  # (B, N, C, 1, 1)
        helper.make_node("Mul", ["x", "c08"], ["x08"]),
        helper.make_node("Tanh", ["x08"], ["tx"]),
        helper.make_node("Add", ["tx", "tpf"], ["v1"]),
        helper.make_node("ReduceMean", ["x"], ["xm"], axes=[1], keepdims=1),  # (B,1,C,h,w): bidirectional
        helper.make_node("Mul", ["xm", "c01"], ["xm01"]),
        helper.make_node("Add", ["v1", "xm01"], ["v2"]),
        helper.make_node("Unsqueeze", ["t", "ax234"], ["t5"]),
        helper.make_node("Mul", ["t5", "x"], ["tx5"]),
        helper.make_node("Mul", ["tx5", "c03"], ["tx53"]),
        helper.make_node("Add", ["v2", "tx53"], ["v"]),
    ]
    inits += [
        const("ax2", np.array([2], np.int64)),
        const("ax234", np.array([2, 3, 4], np.int64)), const("i0", np.array([0], np.int64)),
        const("rest_expand", np.array([nb, F, C], np.int64)),
        const("rest_frames", np.array([CLIP, C, 1, 1], np.int64)),
        const("c08", np.float32(0.8)), const("c01", np.float32(0.1)), const("c03", np.float32(0.3)),
    ]
    inputs = [vi("x", FL, ["b", CLIP, C, h, w]), vi("t", FL, ["b", CLIP]),
              vi("text", FL, ["b", nb, L, D]), vi("text_mask", FL, ["b", nb, L])]
    return helper.make_graph(nodes, "teacher", inputs, [vi("v", FL, ["b", CLIP, C, h, w])], inits)


def spec(name, dtype, shape):
    return {"name": name, "dtype": dtype, "shape": shape}


def manifest():
    nb = CLIP // F
    return {
        "format": "causvid-pack", "format_version": 1, "name": "toy",
        "description": "Hand-written arithmetic graphs obeying the contract; for engine tests only.",
        "video": {"width": W, "height": H, "fps": FPS},
        "latent": {"channels": C, "height": h, "width": w, "tokens_per_frame": T},
        "frames_per_block": F,
        "student": {"timesteps": TIMESTEPS, "context_frames": CONTEXT, "sink_frames": SINKS},
        "teacher": {"clip_frames": CLIP, "steps": TSTEPS, "guidance": GUIDANCE},
        "text": {"max_tokens": L, "pad_id": 0, "bos_id": 1, "unk_id": 2, "vocabulary": VOCAB, "aliases": ALIASES},
        "model": {"layers": NL, "heads": NH, "head_dim": HD, "text_dim": D},
        "graphs": {
            "text_encoder": {"file": "text_encoder.onnx", "inputs": [spec("tokens", "int64", [1, L])],
                             "outputs": [spec("text", "float32", [1, L, D])]},
            "frame_encoder": {"file": "frame_encoder.onnx", "inputs": [spec("frames", "float32", [-1, 3, H, W])],
                              "outputs": [spec("latent", "float32", [-1, C, h, w])]},
            "frame_decoder": {"file": "frame_decoder.onnx", "inputs": [spec("latent", "float32", [-1, C, h, w])],
                              "outputs": [spec("frames", "float32", [-1, 3, H, W])]},
            "student_step": {"file": "student_step.onnx", "inputs": [
                spec("x", "float32", [1, F, C, h, w]), spec("t", "float32", [1, F]),
                spec("frame_pos", "float32", [F]), spec("text", "float32", [1, L, D]),
                spec("text_mask", "float32", [1, L]),
                spec("kv_cache", "float32", [NL, 2, 1, NH, K, HD]),
                spec("cache_pos", "float32", [K]), spec("cache_mask", "float32", [K])],
                "outputs": [spec("v", "float32", [1, F, C, h, w]),
                            spec("block_kv", "float32", [NL, 2, 1, NH, F * T, HD])]},
            "teacher": {"file": "teacher.onnx", "inputs": [
                spec("x", "float32", [-1, CLIP, C, h, w]), spec("t", "float32", [-1, CLIP]),
                spec("text", "float32", [-1, nb, L, D]), spec("text_mask", "float32", [-1, nb, L])],
                "outputs": [spec("v", "float32", [-1, CLIP, C, h, w])]},
        },
        "training": {"note": "not trained"},
    }


# ---------------------------------------------------------------- NumPy reference of the contract

def splitmix_normals(seed, block, count):
    mask = (1 << 64) - 1
    state = (seed * 1_000_003 + block) & mask
    out = []
    while len(out) < count:
        us = []
        for _ in range(2):
            state = (state + 0x9E3779B97F4A7C15) & mask
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
            z = z ^ (z >> 31)
            us.append((z >> 11) * 2.0 ** -53)
        u1, u2 = us
        if u1 == 0:
            u1 = 2.0 ** -53
        r = math.sqrt(-2 * math.log(u1))
        out += [r * math.cos(2 * math.pi * u2), r * math.sin(2 * math.pi * u2)]
    return np.array(out[:count], np.float32)


def tokenize(prompt):
    import re
    ids = [1]
    for word in re.split(r"[^a-zA-Z]+", prompt.lower()):
        word = ALIASES.get(word, word)
        if word:
            ids.append(VOCAB.index(word) if word in VOCAB else 2)
    ids = ids[:L]
    mask = [1.0] * len(ids) + [0.0] * (L - len(ids))
    ids = ids + [0] * (L - len(ids))
    return np.array(ids, np.int64), np.array(mask, np.float32)


def np_text(prompt):
    ids, mask = tokenize(prompt)
    return E[ids], mask  # (L, D), (L,)


def np_tp(text, mask):
    return ((text * mask[:, None]).sum(0) / mask.sum()) @ W_TXT  # (C,)


def np_step(x, t, pos, text, mask, kv, cpos, cmask):
    tp = np_tp(text, mask)
    kw = (1 + 0.1 * cpos) * cmask
    c = (kv * kw[:, None]).sum() / (cmask.sum() + 1)
    v = (np.tanh(0.8 * x) + tp[None, :, None, None] + 0.1 * c + 0.05 * pos[:, None, None, None]
         + 0.3 * t[:, None, None, None] * x)
    tok = x.reshape(F * T, 16) @ W_KV + tp.mean()
    block_kv = tok.reshape(F * T, NL, 2, 1, NH, HD).transpose(1, 2, 3, 4, 0, 5)
    return v.astype(np.float32), block_kv.astype(np.float32)


def np_decode(lat):
    rgb = 1 / (1 + np.exp(-(np.einsum("oc,nchw->nohw", W_DEC[:, :, 0, 0], lat) + B_DEC[None, :, None, None])))
    return rgb.repeat(4, axis=2).repeat(4, axis=3)


class NpCache:
    def __init__(self):
        self.frames = []  # (kv (NL,2,1,NH,T,HD), latent)

    def tensors(self):
        kv = np.zeros((NL, 2, 1, NH, K, HD), np.float32)
        pos = np.zeros(K, np.float32)
        mask = np.zeros(K, np.float32)
        for slot, (fkv, _) in enumerate(self.frames):
            kv[:, :, :, :, slot * T:(slot + 1) * T] = fkv
            pos[slot * T:(slot + 1) * T] = slot
            mask[slot * T:(slot + 1) * T] = 1
        return kv, pos, mask

    def append(self, block_kv, latents):
        for f in range(F):
            self.frames.append((block_kv[:, :, :, :, f * T:(f + 1) * T], latents[f]))
        while len(self.frames) > CONTEXT:
            del self.frames[SINKS]


def clean_pass(cache, x, text, mask):
    kv, cpos, cmask = cache.tensors()
    pos = np.arange(len(cache.frames), len(cache.frames) + F, dtype=np.float32)
    _, bkv = np_step(x, np.zeros(F, np.float32), pos, text, mask, kv, cpos, cmask)
    cache.append(bkv, x)


def student_reference(prompt_per_block, seed, switch_guidance=None):
    """switch_guidance (scale, steps): the first block after a switch steps along
    v_new + scale * (v_new - v_old) on its first `steps` steps, v_old under the old prompt."""
    cache = NpCache()
    frames = []
    current = None
    nblocks = len(prompt_per_block)
    for b, prompt in enumerate(prompt_per_block):
        text, mask = np_text(prompt)
        away = np_text(current) if switch_guidance and current is not None and prompt != current else None
        if current is not None and prompt != current and cache.frames:
            old = cache.frames
            cache.frames = []
            for s in range(0, len(old), F):
                clean_pass(cache, np.stack([lat for _, lat in old[s:s + F]]), text, mask)
        current = prompt
        x = splitmix_normals(seed, b, F * C * h * w).reshape(F, C, h, w)
        kv, cpos, cmask = cache.tensors()
        pos = np.arange(len(cache.frames), len(cache.frames) + F, dtype=np.float32)
        for i, t in enumerate(TIMESTEPS):
            nxt = TIMESTEPS[i + 1] if i + 1 < len(TIMESTEPS) else 0.0
            v, _ = np_step(x, np.full(F, t, np.float32), pos, text, mask, kv, cpos, cmask)
            if away is not None and i < switch_guidance[1]:
                v_old, _ = np_step(x, np.full(F, t, np.float32), pos, *away, kv, cpos, cmask)
                v = (v + np.float32(switch_guidance[0]) * (v - v_old)).astype(np.float32)
            x = (x + np.float32(nxt - t) * v).astype(np.float32)
        frames.append(np_decode(x))
        if b < nblocks - 1:
            clean_pass(cache, x, text, mask)
    return np.concatenate(frames)  # (frames, 3, H, W)


def main(out):
    os.makedirs(out, exist_ok=True)
    save(text_encoder(), os.path.join(out, "text_encoder.onnx"))
    save(frame_encoder(), os.path.join(out, "frame_encoder.onnx"))
    save(frame_decoder(), os.path.join(out, "frame_decoder.onnx"))
    save(student_step(), os.path.join(out, "student_step.onnx"))
    save(teacher(), os.path.join(out, "teacher.onnx"))
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest(), f, indent=2)

    golden = {
        "noise": [{"seed": s, "block": b, "values": splitmix_normals(s, b, 9).tolist()}
                  for s, b in [(0, 0), (42, 0), (42, 3), (-7, 5), (2**62, 1)]],
        "tokens": [{"prompt": p, "ids": tokenize(p)[0].tolist()}
                   for p in ["", "A red cat", "a RED cat, in the snow!", "zebra runs", "a a a a a a a a", "An red cat"]],
    }
    # Schedule: 5 blocks, prompt switch at block 3 (so the cache rolls past the sinks and re-caches).
    schedule = ["a red cat runs"] * 3 + ["a blue dog sleeps in the snow"] * 2
    frames = student_reference(schedule, seed=11)
    golden["student"] = {
        "seed": 11, "prompts": schedule,
        "switch_seconds": 3 * F / FPS,
        "frames": np.round(frames, 6).reshape(len(frames), -1).tolist(),
    }
    # The same schedule from a manifest with student.switch_guidance: only the first switched
    # block's first step is guided, so the test tells the step count from the scale.
    guided = student_reference(schedule, seed=11, switch_guidance=(2.0, 1))
    golden["student_guided"] = {
        "switch_guidance": {"scale": 2.0, "steps": 1},
        "frames": np.round(guided, 6).reshape(len(guided), -1).tolist(),
    }
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump(golden, f)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "engine/src/test/resources/toy-pack")
