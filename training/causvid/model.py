"""The networks of the CausVid playground model, in one readable file.

- FrameAutoencoder: 128x128 RGB frames <-> a (C, 16, 16) latent grid, one frame at a time.
- TextEncoder: word tokens -> per-token embeddings for cross-attention.
- VideoDiT: a diffusion transformer over latent frames that predicts the flow velocity
  v = eps - x0. The same weights run three ways:
    * bidirectional over a whole clip (the teacher, and the DMD critic),
    * block-causal over a clean+noisy doubled sequence (student training, teacher forcing),
    * one block at a time against a KV cache (the student's streaming step, exported to ONNX).
  Time is encoded with rotary embeddings applied at attention time from frame positions, so
  the cache stores keys *before* rotation and the engine can re-number slots as it rolls.
  Space is encoded twice: an absolute embedding added to each token (learned, started from
  2-D sin-cos), and a learned attention bias per layer and head on the offset between two
  tokens' places in their frames. The bias makes "look at the same place in another frame"
  one parameter away; measured, a network with only the absolute embedding failed to copy a
  clean neighbouring frame (training log, session 3).
"""

from __future__ import annotations

import contextlib
import math
import os
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

NEG_INF = -1e9


@dataclass
class ModelConfig:
    frame_size: int = 128
    latent_channels: int = 8
    latent_size: int = 16
    patch: int = 4
    frames_per_block: int = 4
    clip_frames: int = 16
    dim: int = 192
    layers: int = 6
    heads: int = 6
    text_dim: int = 128
    text_layers: int = 2
    text_heads: int = 4
    vocab_size: int = 64
    max_tokens: int = 16
    ae_channels: tuple = (16, 32, 48, 64)
    # What the last layer's output means: "velocity" (v = eps - x0) or "clean" (x0, turned into
    # v inside forward). Every caller and the exported graphs see v either way, so the pack's
    # contract does not change. A network predicting v must rebuild the input's noise to give a
    # clean estimate; at high noise its estimate of the frame after a clean one was half a copy
    # and half invented (training log, session 14). But a clean-predicting network stopped drawing
    # the objects, with the loss's weight on its estimate capped or not (session 15): a lever
    # for photos that costs the prompt's objects, not a default.
    predicts: str = "velocity"
    # Also give each token a colour-blind map of where its frame departs from the frame's mean
    # (`place_map`), beside the latent itself. At a colour switch the clean frames hold a red ball
    # and the prompt asks for blue; the network carried the place only when the two agreed, and
    # drew the blue ball anywhere otherwise (training log, session 29). This input says "something
    # is here" whatever its colour. Off as shipped: a continued teacher left it unused (training
    # log, session 30). A checkpoint without it loads as the same network.
    place_input: bool = False
    # Also give every layer's adaptive norm the prompt, its words pooled, beside the noise level,
    # as class-conditional DiTs take their class. Through cross-attention alone each token asks
    # the words for itself; pooled into the norm, the whole frame hears the same prompt at once.
    # A probe's question (does the text path lose the shape? training log, session 48), off as
    # shipped. Zero at first, so a network without it loads as the same function.
    text_adaln: bool = False

    @property
    def tokens_per_frame(self) -> int:
        return (self.latent_size // self.patch) ** 2

    @property
    def head_dim(self) -> int:
        return self.dim // self.heads

    def to_dict(self) -> dict:
        d = asdict(self)
        d["ae_channels"] = list(self.ae_channels)
        return d

    @staticmethod
    def from_dict(d: dict) -> "ModelConfig":
        d = dict(d)
        d["ae_channels"] = tuple(d["ae_channels"])
        return ModelConfig(**d)


# ---------------------------------------------------------------------------------------
# Frame autoencoder


def _conv(ci, co, stride=1):
    return nn.Conv2d(ci, co, 3, stride, 1)


class FrameEncoder(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        c = cfg.ae_channels
        layers = [_conv(3, c[0]), nn.SiLU()]
        for ci, co in zip(c[:-1], c[1:]):  # 128 -> 64 -> 32 -> 16
            layers += [_conv(ci, co, 2), nn.SiLU(), _conv(co, co), nn.SiLU()]
        layers += [_conv(c[-1], cfg.latent_channels)]
        self.net = nn.Sequential(*layers)
        self.register_buffer("mean", torch.zeros(cfg.latent_channels))
        self.register_buffer("std", torch.ones(cfg.latent_channels))

    def forward(self, frames):  # (N, 3, H, W) in [0, 1] -> (N, C, h, w) normalised
        z = self.net(frames * 2 - 1)
        return (z - self.mean[None, :, None, None]) / self.std[None, :, None, None]


class FrameDecoder(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        c = list(reversed(cfg.ae_channels))
        layers = [_conv(cfg.latent_channels, c[0]), nn.SiLU(), _conv(c[0], c[0]), nn.SiLU()]
        for i, (ci, co) in enumerate(zip(c[:-1], c[1:])):  # 16 -> 32 -> 64 -> 128
            layers += [nn.Upsample(scale_factor=2, mode="nearest"), _conv(ci, co), nn.SiLU()]
            if i < len(c) - 2:  # skip the second conv at full resolution: it is the costliest
                layers += [_conv(co, co), nn.SiLU()]
        layers += [_conv(c[-1], 3)]
        self.net = nn.Sequential(*layers)
        self.register_buffer("mean", torch.zeros(cfg.latent_channels))
        self.register_buffer("std", torch.ones(cfg.latent_channels))

    def forward(self, latent):  # (N, C, h, w) normalised -> (N, 3, H, W) in [0, 1]
        z = latent * self.std[None, :, None, None] + self.mean[None, :, None, None]
        return torch.sigmoid(self.net(z))


class FrameAutoencoder(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.encoder = FrameEncoder(cfg)
        self.decoder = FrameDecoder(cfg)

    def set_normalisation(self, mean, std):
        for m in (self.encoder, self.decoder):
            m.mean.copy_(mean)
            m.std.copy_(std)


# ---------------------------------------------------------------------------------------
# Attention pieces shared by the text encoder and the video transformer


# On a GPU with a current torch, attention goes through its fused kernel, which never stores the
# (Nq, Nk) scores: at 1024 tokens a clip they are most of a training step's memory traffic. The
# plain product below is the same function; it is what the CPU runs (Debian's torch 1.13 has no
# fused kernel) and what the ONNX export traces. CAUSVID_SDPA=0 turns the kernel off, as
# gpu_train.sh does when causvid.sdpa_check finds the two disagree on that machine.
_fused_attention = getattr(F, "scaled_dot_product_attention", None)
FUSED_DEVICES = {"cuda"} if _fused_attention is not None and os.environ.get("CAUSVID_SDPA", "1") != "0" else set()


def attend(q, k, v, bias):
    """q (B,H,Nq,hd), k/v (B,H,Nk,hd), bias additive and broadcastable to (B,H,Nq,Nk)."""
    if q.device.type in FUSED_DEVICES:
        return _fused_attention(q, k, v, attn_mask=bias.to(q.dtype))
    if _chunk_pays(q, k):
        return ChunkedAttention.apply(q, k, v, bias)
    return torch.matmul(attention_weights(q, k, bias), v)


# Attention with fewer scores than this per clip and head (the text encoder, cross-attention to
# the prompt) keeps the plain product: its weights are too few for their memory traffic to matter.
CHUNKED_MIN_SCORES = 256 * 256


def _chunk_pays(q, k):
    """Long sequences on a CPU take the chunked function, but not while tracing for ONNX: the
    pack's graphs keep the plain product. A GPU without the fused kernel (CAUSVID_SDPA=0) keeps
    it too, as measured there."""
    return (
        q.device.type == "cpu"
        and q.shape[-2] * k.shape[-2] >= CHUNKED_MIN_SCORES
        and not torch.jit.is_tracing()
        and not torch.onnx.is_in_onnx_export()
    )


class ChunkedAttention(torch.autograd.Function):
    """softmax(q·kᵀ/√d + bias)·v a block of queries at a time, and the weights recomputed block
    by block in the backward pass (as flash attention does) instead of stored. At 2×2 patches a
    clip is 1,024 tokens, and the plain product writes and reads (B,H,1024,1024) floats several
    times a layer: on this CPU that memory traffic, not the arithmetic, was most of a training
    step (session 31, one layer of a 16-clip batch on both cores: 4.8 s forward and backward,
    1.9 s so; a whole teacher step 23.8 s, 5.6 s so), and of sampling (forward alone, one core,
    8 clips: 1.7 s, 0.2-0.4 s so)."""

    QUERY_BLOCK = 256

    @staticmethod
    def _blocks(q, k, bias):
        """Each clip's blocks of queries with their scores q·kᵀ/√d + bias, (H, block, Nk), fresh
        tensors to work on in place: (clip, query rows, scores)."""
        b, h, n, hd = q.shape
        full_bias = bias.expand(b, h, n, k.shape[-2])
        kt = k.transpose(-1, -2)
        for i in range(b):
            for s in range(0, n, ChunkedAttention.QUERY_BLOCK):
                rows = slice(s, min(n, s + ChunkedAttention.QUERY_BLOCK))
                yield i, rows, torch.baddbmm(full_bias[i, :, rows], q[i, :, rows], kt[i], alpha=1.0 / math.sqrt(hd))

    @staticmethod
    def forward(ctx, q, k, v, bias):
        out = torch.empty_like(q)
        lse = q.new_empty(*q.shape[:3], 1)  # each query's log-sum-exp: its weights from its scores
        for i, rows, w in ChunkedAttention._blocks(q, k, bias):
            top = w.amax(-1, keepdim=True)
            w.sub_(top).exp_()  # one pass for the exponentials: torch.logsumexp makes its own
            total = w.sum(-1, keepdim=True)
            torch.matmul(w, v[i], out=out[i, :, rows]).div_(total)
            lse[i, :, rows] = top + total.log()
        ctx.save_for_backward(q, k, v, bias, out, lse)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        q, k, v, bias, out, lse = ctx.saved_tensors
        scale = 1.0 / math.sqrt(q.shape[-1])
        vt = v.transpose(-1, -2)
        grad_out = grad_out.contiguous()
        dq, dk, dv = torch.empty_like(q), torch.zeros_like(k), torch.zeros_like(v)
        want_bias = ctx.needs_input_grad[3]
        # The bias's gradient summed over the dimensions it was broadcast along: of a block's
        # (H, rows, Nk), those where the bias has size 1.
        shape4 = (1,) * (4 - bias.dim()) + tuple(bias.shape)
        broadcast = tuple(d - 1 for d in (1, 2, 3) if shape4[d] == 1)
        dbias = torch.zeros(shape4, dtype=q.dtype, device=q.device) if want_bias else None
        row_dot = (grad_out * out).sum(-1, keepdim=True)  # Σ_j p_ij dp_ij, from the output
        for i, rows, p in ChunkedAttention._blocks(q, k, bias):
            p.sub_(lse[i, :, rows]).exp_()
            g = grad_out[i, :, rows]
            dv[i].baddbmm_(p.transpose(-1, -2), g)
            ds = torch.matmul(g, vt[i]).sub_(row_dot[i, :, rows]).mul_(p)  # the scores' gradient
            torch.matmul(ds, k[i], out=dq[i, :, rows]).mul_(scale)
            dk[i].baddbmm_(ds.transpose(-1, -2), q[i, :, rows], alpha=scale)
            if want_bias:
                part = ds.sum(broadcast, keepdim=True) if broadcast else ds
                dbias[0 if shape4[0] == 1 else i, :, slice(None) if shape4[2] == 1 else rows] += part
        return dq, dk, dv, (dbias.reshape(bias.shape) if want_bias else None)


def attention_weights(q, k, bias):
    """The softmax weights (B,H,Nq,Nk) that `attend` applies to the values."""
    att = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(q.shape[-1])) + bias
    return att.softmax(-1)


@contextlib.contextmanager
def attention_recorded(keep=lambda weights: weights):
    """For the probes: every attention's softmax weights (B, H, Nq, Nk) computed inside the
    block, in call order (per layer: self, then cross), as `keep` cuts them (None: not kept).
    Inside it `attend` is the plain product, whose weights are there to keep, on any device;
    the network computes the same function."""
    global attend
    kept, plain = [], attend

    def recording(q, k, v, bias):
        w = attention_weights(q, k, bias)
        part = keep(w.detach())
        if part is not None:
            kept.append(part)
        return torch.matmul(w, v)

    attend = recording
    try:
        yield kept
    finally:
        attend = plain


def rotary(x, pos, inv_freq):
    """Rotate x (B,H,N,hd) by angle pos (N,) * inv_freq (hd/2,), rotate-half layout."""
    ang = pos[:, None] * inv_freq[None, :]  # (N, hd/2)
    cos, sin = ang.cos(), ang.sin()
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


def _split_heads(x, heads):  # (B, N, H*hd) -> (B, H, N, hd)
    b, n, _ = x.shape
    return x.reshape(b, n, heads, -1).transpose(1, 2)


def _merge_heads(x):  # (B, H, N, hd) -> (B, N, H*hd)
    b, h, n, d = x.shape
    return x.transpose(1, 2).reshape(b, n, h * d)


class _TextLayer(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x, bias):
        q, k, v = (_split_heads(t, self.heads) for t in self.qkv(self.norm1(x)).chunk(3, -1))
        x = x + self.proj(_merge_heads(attend(q, k, v, bias)))
        return x + self.mlp(self.norm2(x))


class TextEncoder(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.text_dim)
        self.pos = nn.Parameter(torch.randn(cfg.max_tokens, cfg.text_dim) * 0.02)
        self.layers = nn.ModuleList(_TextLayer(cfg.text_dim, cfg.text_heads) for _ in range(cfg.text_layers))
        self.norm = nn.LayerNorm(cfg.text_dim)

    def forward(self, tokens):  # (B, L) int64 -> (B, L, D)
        bias = ((tokens == 0).float() * NEG_INF)[:, None, None, :]  # pad id is 0
        x = self.embed(tokens) + self.pos[None]
        for layer in self.layers:
            x = layer(x, bias)
        return self.norm(x)


def text_bias(text_mask):  # (..., L) 1/0 -> additive bias (..., 1, 1, L)
    return ((1.0 - text_mask) * NEG_INF)[..., None, None, :]


# ---------------------------------------------------------------------------------------
# The video diffusion transformer


def timestep_embedding(t, dim=256):
    """Sinusoidal features of t in [0, 1] (scaled to 0..1000). t (...,) -> (..., dim)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    ang = (t * 1000.0)[..., None] * freqs
    return torch.cat([ang.cos(), ang.sin()], dim=-1)


class DiTLayer(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        d = cfg.dim
        self.heads = cfg.heads
        self.norm1 = nn.LayerNorm(d, elementwise_affine=False)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.norm_x = nn.LayerNorm(d)
        self.cross_q, self.cross_kv, self.cross_proj = nn.Linear(d, d), nn.Linear(cfg.text_dim, 2 * d), nn.Linear(d, d)
        self.norm2 = nn.LayerNorm(d, elementwise_affine=False)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.ada = nn.Linear(d, 6 * d)
        nn.init.zeros_(self.ada.weight)
        nn.init.zeros_(self.ada.bias)

    def forward(self, x, temb, pos, inv_freq, self_bias, text, tbias, cache=None, spatial=None):
        """x (B,N,T,d) tokens frame-major; temb (B,N,d); pos (N*T,); text (B*nb,L,D).

        cache: (keys before rotary, values, cache positions, cache bias) or None.
        spatial: (H, T, T) attention bias by the two tokens' places in their frames, or None.
        Returns the new x and this call's (keys before rotary, values), each (B,H,N*T,hd).
        """
        b, n, t, d = x.shape
        mod = self.ada(F.silu(temb))[:, :, None, :]  # (B, N, 1, 6d)
        shift1, scale1, gate1, shift2, scale2, gate2 = mod.chunk(6, dim=-1)

        h = (self.norm1(x) * (1 + scale1) + shift1).reshape(b, n * t, d)
        q, k, v = (_split_heads(z, self.heads) for z in self.qkv(h).chunk(3, -1))
        new_kv = (k, v)
        q, k_rot = rotary(q, pos, inv_freq), rotary(k, pos, inv_freq)
        if cache is not None:
            ck, cv, cpos, cbias = cache
            k_rot = torch.cat([rotary(ck, cpos, inv_freq), k_rot], dim=2)
            v = torch.cat([cv, v], dim=2)
            # A block sees all of itself plus every valid cached token.
            self_bias = torch.cat([cbias.expand(1, 1, n * t, cbias.shape[-1]), torch.zeros(1, 1, n * t, n * t, device=x.device)], dim=-1)
        if spatial is not None:
            self_bias = self_bias + spatial_attention_bias(spatial, q.shape[2], k_rot.shape[2])
        a = self.proj(_merge_heads(attend(q, k_rot, v, self_bias)))
        x = x + gate1 * a.reshape(b, n, t, d)

        nb = text.shape[0] // b  # one prompt per block
        hx = self.norm_x(x).reshape(b * nb, (n // nb) * t, d)
        cq = _split_heads(self.cross_q(hx), self.heads)
        ck_, cv_ = (_split_heads(z, self.heads) for z in self.cross_kv(text).chunk(2, -1))
        c = self.cross_proj(_merge_heads(attend(cq, ck_, cv_, tbias)))
        x = x + c.reshape(b, n, t, d)

        h = self.norm2(x) * (1 + scale2) + shift2
        x = x + gate2 * self.mlp(h)
        return x, new_kv


def sincos_2d(grid: int, dim: int) -> torch.Tensor:
    """(grid*grid, dim) fixed 2-D sin-cos position embedding, row-major as patchify orders the
    tokens: half the channels encode the row, half the column, each at dim/4 frequencies from
    1 to 1/10 radians per token (as DiT embeds its patches, at frequencies for a small grid)."""
    quarter = dim // 4
    freq = 1.0 / (10.0 ** (torch.arange(quarter, dtype=torch.float32) / max(quarter - 1, 1)))
    coord = torch.arange(grid, dtype=torch.float32)
    ang = coord[:, None] * freq[None, :]  # (grid, quarter)
    one_axis = torch.cat([ang.sin(), ang.cos()], dim=1)  # (grid, dim/2)
    rows = one_axis[:, None, :].expand(grid, grid, -1)
    cols = one_axis[None, :, :].expand(grid, grid, -1)
    return torch.cat([rows, cols], dim=-1).reshape(grid * grid, -1)


class VideoDiT(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        if cfg.predicts not in ("velocity", "clean"):
            raise ValueError(f"predicts must be 'velocity' or 'clean', not {cfg.predicts!r}")
        self.cfg = cfg
        d, p, c = cfg.dim, cfg.patch, cfg.latent_channels
        self.patch_embed = nn.Linear(c * p * p, d)
        # Zero at first, so a network without the place input loads as the same function.
        self.place_embed = nn.Linear(p * p, d, bias=False) if cfg.place_input else None
        if self.place_embed is not None:
            nn.init.zeros_(self.place_embed.weight)
        g = cfg.latent_size // p
        # Learned, but started from 2-D sin-cos so that neighbouring tokens begin alike: from
        # a random start, objects came out in more scattered pieces (training log, session 12).
        self.spatial_pos = nn.Parameter(sincos_2d(g, d))
        # Zero at first, so a checkpoint from before the bias loads as the same function.
        self.spatial_bias = nn.Parameter(torch.zeros(cfg.layers, cfg.heads, (2 * g - 1) ** 2))
        self.register_buffer("spatial_offset", relative_offset_index(g), persistent=False)
        self.time_mlp = nn.Sequential(nn.Linear(256, d), nn.SiLU(), nn.Linear(d, d))
        self.text_ada = nn.Linear(cfg.text_dim, d) if cfg.text_adaln else None
        if self.text_ada is not None:
            nn.init.zeros_(self.text_ada.weight)
            nn.init.zeros_(self.text_ada.bias)
        self.layers = nn.ModuleList(DiTLayer(cfg) for _ in range(cfg.layers))
        self.norm_out = nn.LayerNorm(d, elementwise_affine=False)
        self.ada_out = nn.Linear(d, 2 * d)
        self.out = nn.Linear(d, c * p * p)
        for m in (self.ada_out, self.out):
            nn.init.zeros_(m.weight)
            nn.init.zeros_(m.bias)
        hd = cfg.head_dim
        self.register_buffer("inv_freq", 1.0 / (100.0 ** (torch.arange(0, hd // 2, dtype=torch.float32) / (hd // 2))))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        key = prefix + "spatial_bias"
        if key not in state_dict:  # saved before the bias existed: zero is the same network
            state_dict[key] = torch.zeros_like(self.spatial_bias)
        key = prefix + "place_embed.weight"
        if self.place_embed is not None and key not in state_dict:  # from a network without it
            state_dict[key] = torch.zeros_like(self.place_embed.weight)
        if self.text_ada is not None and prefix + "text_ada.weight" not in state_dict:  # from a network without it
            state_dict[prefix + "text_ada.weight"] = torch.zeros_like(self.text_ada.weight)
            state_dict[prefix + "text_ada.bias"] = torch.zeros_like(self.text_ada.bias)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    # (B, N, C, h, w) <-> (B, N, T, C*p*p)
    def patchify(self, x):
        b, n, c, h, w = x.shape
        p = self.cfg.patch
        x = x.reshape(b, n, c, h // p, p, w // p, p).permute(0, 1, 3, 5, 2, 4, 6)
        return x.reshape(b, n, (h // p) * (w // p), c * p * p)

    def unpatchify(self, x):
        b, n, t, _ = x.shape
        p, c, s = self.cfg.patch, self.cfg.latent_channels, self.cfg.latent_size
        g = s // p
        x = x.reshape(b, n, g, g, c, p, p).permute(0, 1, 4, 2, 5, 3, 6)
        return x.reshape(b, n, c, s, s)

    def forward(self, x, t, text, text_mask, frame_pos, self_bias, kv_cache=None, cache_pos=None, cache_mask=None):
        """x (B,N,C,h,w), t (B,N), text (B,nb,L,D), text_mask (B,nb,L), frame_pos (N,),
        self_bias additive (N*T, N*T) or broadcastable; optional cache (NL,2,B,H,K,hd).
        Returns v (B,N,C,h,w) and this call's keys/values stacked (NL,2,B,H,N*T,hd)."""
        b, n = x.shape[:2]
        T = self.cfg.tokens_per_frame
        h = self.patch_embed(self.patchify(x)) + self.spatial_pos[None, None]
        if self.place_embed is not None:
            h = h + self.place_embed(self.patchify(place_map(x)))
        temb = self.time_mlp(timestep_embedding(t))  # (B, N, d)
        pos = frame_pos[:, None].expand(n, T).reshape(n * T)
        nb = text.shape[1]
        if self.text_ada is not None:
            words = text_mask[..., None]
            pooled = (text * words).sum(2) / words.sum(2).clamp(min=1.0)  # (B, nb, D)
            temb = temb + self.text_ada(pooled).repeat_interleave(n // nb, dim=1)
        text_flat = text.reshape(b * nb, text.shape[2], text.shape[3])
        tbias = text_bias(text_mask.reshape(b * nb, -1))
        cbias = None if cache_mask is None else ((1.0 - cache_mask) * NEG_INF)[None, None, None, :]
        new = []
        for i, layer in enumerate(self.layers):
            cache = None if kv_cache is None else (kv_cache[i, 0], kv_cache[i, 1], cache_pos, cbias)
            spatial = self.spatial_bias[i][:, self.spatial_offset]  # (H, T, T)
            h, kv = layer(h, temb, pos, self.inv_freq, self_bias, text_flat, tbias, cache, spatial)
            new.append(torch.stack(kv))
        shift, scale = self.ada_out(F.silu(temb))[:, :, None, :].chunk(2, dim=-1)
        out = self.unpatchify(self.out(self.norm_out(h) * (1 + scale) + shift))
        if self.cfg.predicts == "clean":
            out = velocity_from_clean(x, out, t)
        return out, torch.stack(new)

    # ----- the three ways to run it ---------------------------------------------------

    def bidirectional(self, x, t, text, text_mask):
        """Teacher / critic: every frame sees every frame. text (B, N/F, L, D)."""
        n = x.shape[1]
        pos = torch.arange(n, dtype=torch.float32, device=x.device)
        return self(x, t, text, text_mask, pos, torch.zeros(1, device=x.device))[0]

    def teacher_forced(self, clean, noisy, t, text, text_mask):
        """Student training: block i of `noisy` sees clean blocks < i and itself.

        clean/noisy (B,N,C,h,w); t (B,N) noise levels of `noisy`; returns v for `noisy`.
        """
        n = clean.shape[1]
        x = torch.cat([clean, noisy], dim=1)
        tt = torch.cat([torch.zeros_like(t), t], dim=1)
        pos = torch.arange(n, dtype=torch.float32, device=x.device).repeat(2)
        bias = doubled_block_causal_bias(n, self.cfg.frames_per_block, self.cfg.tokens_per_frame).to(x.device)
        v, _ = self(x, tt, torch.cat([text, text], dim=1), torch.cat([text_mask, text_mask], dim=1), pos, bias)
        return v[:, n:]

    def block_causal(self, x, t, text, text_mask):
        """Every block sees itself and earlier blocks of the same sequence (the causal mask)."""
        n = x.shape[1]
        pos = torch.arange(n, dtype=torch.float32, device=x.device)
        bias = block_causal_bias(n, self.cfg.frames_per_block, self.cfg.tokens_per_frame).to(x.device)
        return self(x, t, text, text_mask, pos, bias)

    def step(self, x, t, frame_pos, text, text_mask, kv_cache, cache_pos, cache_mask):
        """The streaming student step (the exported graph): one block against the cache."""
        n = x.shape[1]
        T = self.cfg.tokens_per_frame
        zero = torch.zeros(1, 1, n * T, n * T, device=x.device)
        return self(x, t, text[:, None], text_mask[:, None], frame_pos, zero, kv_cache, cache_pos, cache_mask)


def place_map(x: torch.Tensor) -> torch.Tensor:
    """(B, N, C, h, w) -> (B, N, 1, h, w): how far each latent cell lies from its frame's mean
    latent, over all channels (Euclidean). A small object on a backdrop stands out whatever its
    colour. Plain ops, so the exported graphs compute it too."""
    centred = x - x.mean(dim=(3, 4), keepdim=True)
    return torch.sqrt((centred * centred).sum(dim=2, keepdim=True) + 1e-6)


def relative_offset_index(grid: int) -> torch.Tensor:
    """(T, T) index of the offset (dy, dx) from token a's place to token b's in a grid x grid
    frame, numbered (dy + grid - 1) * (2 grid - 1) + (dx + grid - 1)."""
    y, x = torch.meshgrid(torch.arange(grid), torch.arange(grid), indexing="ij")
    y, x = y.reshape(-1), x.reshape(-1)
    span = 2 * grid - 1
    return (y[None, :] - y[:, None] + grid - 1) * span + (x[None, :] - x[:, None] + grid - 1)


def spatial_attention_bias(spatial, n_queries, n_keys):
    """(1, H, Q, K) bias for frame-major token sequences: query i and key j sit at places
    i mod T and j mod T of their frames, whichever frames (or cache slots) those are."""
    T = spatial.shape[-1]
    if n_queries % T == 0 and n_keys % T == 0:
        # Whole frames (every call the network makes): tiling is the same table, and 3-6x faster
        # than the gather below at 2×2 patches, forward and backward (session 31).
        return spatial.repeat(1, n_queries // T, n_keys // T)[None]
    qs = torch.arange(n_queries, device=spatial.device) % T
    ks = torch.arange(n_keys, device=spatial.device) % T
    return spatial[:, qs[:, None], ks[None, :]][None]


def block_causal_bias(n_frames, frames_per_block, tokens_per_frame):
    block = torch.arange(n_frames) // frames_per_block
    block = block.repeat_interleave(tokens_per_frame)
    return torch.where(block[None, :] <= block[:, None], 0.0, NEG_INF)


def doubled_block_causal_bias(n_frames, frames_per_block, tokens_per_frame):
    """Mask for [clean | noisy]: clean block i sees clean <= i; noisy block i sees clean < i and noisy i."""
    block = (torch.arange(n_frames) // frames_per_block).repeat_interleave(tokens_per_frame)
    q_clean = torch.cat([block, torch.full_like(block, -1)])
    q_noisy = torch.cat([torch.full_like(block, -1), block])
    kb = torch.cat([block, block])
    k_is_clean = torch.cat([torch.ones_like(block), torch.zeros_like(block)]).bool()
    qb = torch.where(q_clean >= 0, q_clean, q_noisy)
    q_is_clean = q_clean >= 0
    allowed = torch.where(
        q_is_clean[:, None],
        k_is_clean[None, :] & (kb[None, :] <= qb[:, None]),
        (k_is_clean[None, :] & (kb[None, :] < qb[:, None])) | (~k_is_clean[None, :] & (kb[None, :] == qb[:, None])),
    )
    return torch.where(allowed, 0.0, NEG_INF)


def flow_noise(x0, eps, t):
    """x_t = (1 - t) x0 + t eps, with t (B, N) per frame."""
    tt = t[:, :, None, None, None]
    return (1 - tt) * x0 + tt * eps


# Below this noise level a clean prediction is turned into v as if the noise were this: the
# velocity is x_t - x0 over t, and dividing by a t near 0 would blow the loss up there. Frames at
# t = 0 are given, never denoised, so their v is never used.
CLEAN_PREDICTION_MIN_T = 0.05


def velocity_from_clean(x_t, x0, t):
    """v = (x_t - x0) / t for (B,N,C,h,w) tensors, t (B,N), with t floored as above."""
    return (x_t - x0) / t.clamp(min=CLEAN_PREDICTION_MIN_T)[:, :, None, None, None]


def x0_from_v(x_t, v, t):
    return x_t - t[:, :, None, None, None] * v


def frame_difference_loss(pred, target, pair_weight, total_weight=None):
    """Squared error of the frame-to-frame change of `pred` against that of `target`, both
    (B, N, C, h, w), over the consecutive pairs weighted by pair_weight (B, N - 1). A per-frame
    denoiser whose errors are independent from frame to frame pays for them twice here; one
    that stays coherent with its neighbours (or with a clean frame before it) does not.
    `total_weight` as in frame_weighted_mse."""
    d_pred, d_true = pred[:, 1:] - pred[:, :-1], target[:, 1:] - target[:, :-1]
    return frame_weighted_mse(d_pred, d_true, pair_weight, total_weight)


def frame_pair_change(frames: torch.Tensor) -> torch.Tensor:
    """(B, N - 1): the mean squared change between consecutive frames of (B, N, C, h, w)."""
    return ((frames[:, 1:] - frames[:, :-1]) ** 2).mean(dim=(2, 3, 4))


def excess_change_loss(frames, before, threshold, pair_weight=None):
    """Mean over consecutive pairs of how far each pair's change (mean squared, per pair) goes
    past `threshold`; 0 for a pair that changes less. frames (B, N, C, h, w); `before`
    (B, 1, C, h, w) or None, the frame that precedes them (a block's context, detached). Needs no
    real target, so it can hold a student's own rollouts to the data's frame-to-frame change
    where the continuation regression, which pulls towards real frames, darkened a long clip
    (training log, session 19). The threshold is a level the data's own changes mostly stay under,
    so motion up to it is free. pair_weight (B, pairs), optional, leaves pairs out at 0 (the
    frames after a prompt switch, which must be free to change)."""
    seq = frames if before is None else torch.cat([before, frames], dim=1)
    excess = torch.relu(frame_pair_change(seq) - threshold)
    if pair_weight is None:
        return excess.mean()
    return (excess * pair_weight).sum() / pair_weight.sum().clamp_min(1.0)


def block_channel_means(frames, frames_per_block):
    """(B, N, C, h, w) -> (B, N / frames_per_block, C): each block's mean latent per channel,
    the image statistics (brightness and colour balance, in the decoder's terms) of a block."""
    b, n, c = frames.shape[:3]
    return frames.reshape(b, n // frames_per_block, frames_per_block, c, -1).mean(dim=(2, 4))


def statistics_anchor_loss(frames, reference, frames_per_block, pooled=False):
    """Mean squared difference of the blocks' per-channel means (block_channel_means) between a
    student's frames and a reference clip made from the same noise and prompts; (B, N, C, h, w)
    both, the reference detached. Only the statistics are held, not the content, so that DMD can
    still sharpen what the reference blurs: it is how a distilled student can keep the long-clip
    brightness of the regression student it starts from, which stays level over five minutes
    where DMD's students darkened by ~10% (training log, sessions 18, 19 and 23).

    pooled: one mean per channel over the whole batch and every frame instead, which holds only
    what all the clips share (a darkening is systematic) and leaves each block free to continue
    its own context. Measured in session 24 (training log): per block and clip, the anchor pulls
    each block towards a reference block made in another context, and the student drew its
    objects in scattered pieces and flickered more; pooled, it changed next to nothing."""
    mine, theirs = block_channel_means(frames, frames_per_block), block_channel_means(reference, frames_per_block)
    if pooled:
        mine, theirs = mine.mean(dim=(0, 1)), theirs.mean(dim=(0, 1))
    return ((mine - theirs) ** 2).mean()


def clean_error_weight(t: torch.Tensor, floor: float) -> torch.Tensor:
    """A weight per sample, min(1, (t / floor)^2), for the velocity loss of a network predicting
    the clean latent. That loss weighs the clean estimate's error by 1/t^2 (up to 400 at forward's
    floor of 0.05); times this weight it is min(1/t^2, 1/floor^2). Session 15 tried it as the
    reason such a network stops drawing objects, and it is not: at floor 0.5 the still probe drew
    1 of 8 colours, unweighted 0, the velocity network 5 (training log)."""
    return (t / floor).clamp(max=1.0) ** 2


def frame_weighted_mse(pred, target, w, total_weight=None):
    """Squared error of (B, N, C, h, w) tensors averaged over the frames weighted by w (B, N):
    the loss of every stage that leaves some frames (clean conditioning ones) out.

    Given `total_weight`, the sum of w over a whole batch of which these tensors are a slice,
    it is the slice's share of that batch's loss: the shares of its slices add up to it, so
    their gradients, accumulated, are the batch's."""
    w = w[:, :, None, None, None]
    total = w.sum() if total_weight is None else total_weight
    return ((pred - target) ** 2 * w).sum() / (total * target[0, 0].numel())
