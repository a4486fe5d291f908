"""Reference samplers in PyTorch: the teacher's many-step sampler and the student's streaming
block loop with its KV cache. The Java engine implements the same loop against the ONNX
graphs; its golden tests compare with frames made here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .model import VideoDiT
from .noise import block_noise
from .prompts import BACKGROUNDS, BOS_ID, MAX_TOKENS, prompt_words, tokenize


def device_of(module) -> torch.device:
    return next(module.parameters()).device


def encode_prompts(text_encoder, prompts: list[str]):
    """(B, L, D) embeddings and (B, L) masks, on the text encoder's device."""
    tok = torch.tensor([tokenize(p).ids for p in prompts], dtype=torch.long, device=device_of(text_encoder))
    return text_encoder(tok), (tok != 0).float()


def encode_block_prompts(text_encoder, block_prompts: list[list[str]]):
    """One prompt per block per clip -> (B, nb, L, D) embeddings and (B, nb, L) masks."""
    b, nb = len(block_prompts), len(block_prompts[0])
    emb, mask = encode_prompts(text_encoder, [p for ps in block_prompts for p in ps])
    return emb.reshape(b, nb, *emb.shape[1:]), mask.reshape(b, nb, -1)


def null_prompt_tokens(*batch_shape, device=None):
    """The empty prompt (BOS only), (*batch_shape, L): the unconditional branch of CFG."""
    tok = torch.zeros(*batch_shape, MAX_TOKENS, dtype=torch.long, device=device)
    tok[..., 0] = BOS_ID
    return tok


def frames_to_u8(frames: torch.Tensor):
    """Decoder output (N, 3, H, W) in [0, 1] -> uint8 (N, H, W, 3), rounded."""
    return (frames.clamp(0, 1) * 255 + 0.5).byte().permute(0, 2, 3, 1).numpy()


def frames_from_u8(frames) -> torch.Tensor:
    """uint8 frames (N, H, W, 3), an array or a tensor -> the encoder's input (N, 3, H, W) in [0, 1].

    The inverse of frames_to_u8 up to rounding; the result stays on the tensor's device.
    """
    if not isinstance(frames, torch.Tensor):
        frames = torch.from_numpy(np.ascontiguousarray(frames))
    return frames.permute(0, 3, 1, 2).float() / 255


class KvCache:
    """The student's rolling context: whole blocks of (keys before rotary, values, latents).

    Holds at most `context_frames` frames; when full, the oldest block after the first
    `sink_frames` frames is dropped, so memory stays flat however long the clip grows.
    """

    def __init__(self, dit: VideoDiT, context_frames: int, sink_frames: int, batch: int = 1):
        cfg = dit.cfg
        self.F, self.T = cfg.frames_per_block, cfg.tokens_per_frame
        self.shape = (cfg.layers, 2, batch, cfg.heads, context_frames * self.T, cfg.head_dim)
        self.context_frames, self.sink_frames = context_frames, sink_frames
        self.device = device_of(dit)
        self.blocks: list[tuple[torch.Tensor, torch.Tensor]] = []  # (kv (NL,2,B,H,F*T,hd), latents)

    @property
    def frames(self) -> int:
        return len(self.blocks) * self.F

    def append(self, block_kv, latents):
        self.blocks.append((block_kv, latents))
        while self.frames > self.context_frames:
            del self.blocks[self.sink_frames // self.F]

    def tensors(self):
        """kv (NL,2,B,H,K,hd), positions (K,), mask (K,); filled slots first."""
        kv = torch.zeros(self.shape, device=self.device)
        pos = torch.zeros(self.shape[4], device=self.device)
        mask = torch.zeros(self.shape[4], device=self.device)
        n = self.F * self.T
        for i, (bkv, _) in enumerate(self.blocks):
            kv[:, :, :, :, i * n : (i + 1) * n] = bkv
            pos[i * n : (i + 1) * n] = torch.arange(i * self.F, (i + 1) * self.F, device=self.device).float()[:, None].expand(self.F, self.T).reshape(-1)
            mask[i * n : (i + 1) * n] = 1
        return kv, pos, mask

    def next_positions(self):
        return torch.arange(self.frames, self.frames + self.F, device=self.device).float()


@dataclass(frozen=True)
class SwitchGuidance:
    """The first block after a prompt switch, guided away from the old prompt: on its first
    `steps` denoising steps the velocity is v_new + scale * (v_new - v_old), v_old the same pass
    under the prompt of the block before (manifest student.switch_guidance, docs/model-pack.md).

    Why: a switched prompt's layout is settled in the block's first, high-noise steps, where the
    network reads the old object's place from the context only while the prompt agrees with it;
    under a new colour it redraws the object wherever the noise favours (docs/training-log.md,
    sessions 21-31). What the two prompts share cancels out of the passes' difference, so
    amplifying it pushes the new colour and leaves the place to the plain pass."""

    scale: float
    steps: int
    # A switch whose two prompts differ only in these phrases is not guided (manifest
    # student.switch_guidance.unguided_phrases; none before session 45). The default pack lists its
    # backgrounds: there the object's words agree, so the plain pass keeps the object where it
    # stood, and the guided block darkened the frame and swelled the object (training log,
    # sessions 44-45).
    unguided_phrases: tuple[str, ...] = ()

    def guides(self, old_prompt: str, new_prompt: str) -> bool:
        """Whether a switch from `old_prompt` to `new_prompt` is guided: a positive scale, and the
        prompts still differ once the unguided phrases are struck from both, as the tokenizer's words."""
        return self.scale > 0 and _struck(old_prompt, self.unguided_phrases) != _struck(new_prompt, self.unguided_phrases)

    def manifest_entry(self) -> dict:
        entry = {"scale": self.scale, "steps": self.steps}
        return entry | {"unguided_phrases": list(self.unguided_phrases)} if self.unguided_phrases else entry

    @staticmethod
    def from_manifest(student: dict) -> "SwitchGuidance | None":
        entry = student.get("switch_guidance")
        if not entry:
            return None
        return SwitchGuidance(float(entry["scale"]), int(entry["steps"]), tuple(entry.get("unguided_phrases", ())))


def _struck(prompt: str, phrases) -> list[str]:
    """The prompt's words with every occurrence of each phrase's words taken out."""
    words = prompt_words(prompt)
    for phrase in phrases:
        p = prompt_words(phrase)
        if not p:
            continue
        i, kept = 0, []
        while i < len(words):
            if words[i : i + len(p)] == p:
                i += len(p)
            else:
                kept.append(words[i])
                i += 1
        words = kept
    return words


# The default pack's (session 43). Red -> blue ball in the studio, 16 seeds: the object moved a
# median 22.6 px at the switch and 4.8 px guided, blue showing at the switch's first frame instead
# of 1-10 frames after it; green -> red box 15.3 -> 6.0 px. Guiding all four steps instead of the
# first three measured alike (15 and 9 of 16 seeds within 8 px against 13 and 12) at a pass more.
SWITCH_GUIDANCE = SwitchGuidance(scale=3.0, steps=3, unguided_phrases=tuple(BACKGROUNDS.values()))


class StudentStreamer:
    """The CausVid student loop: noise -> few-step denoise -> decode -> clean pass into the cache."""

    def __init__(self, dit, text_encoder, decoder, timesteps, context_frames, sink_frames, switch_guidance: SwitchGuidance | None = None):
        self.dit, self.text, self.decoder = dit, text_encoder, decoder
        self.timesteps = list(timesteps)
        self.cache = KvCache(dit, context_frames, sink_frames)
        self.cfg = dit.cfg
        self.prompt = None
        self.emb = None
        self.switch_guidance = switch_guidance
        # The prompt the last block was made under, which a switch's first block is guided away from.
        self.block_prompt, self.block_emb = None, None

    def _step(self, x, t, emb):
        kv, cpos, cmask = self.cache.tensors()
        return self.dit.step(x, t, self.cache.next_positions(), emb[0], emb[1], kv, cpos, cmask)

    def set_prompt(self, prompt: str):
        """Takes effect at the next block; re-caches the context under the new prompt."""
        if prompt == self.prompt:
            return
        self.prompt = prompt
        self.emb = encode_prompts(self.text, [prompt])
        old = [lat for _, lat in self.cache.blocks]
        self.cache.blocks = []
        for lat in old:
            self.write_block(lat)

    def write_block(self, latents):
        """The clean pass: run the block at t = 0 and keep its keys/values."""
        _, kv = self._step(latents, torch.zeros(1, self.cfg.frames_per_block), self.emb)
        self.cache.append(kv, latents)

    @torch.no_grad()
    def next_block(self, seed: int, block: int, cond_first_frame=None):
        """Generate one block (1, F, C, h, w); cond_first_frame pins frame 0 (image-to-video)."""
        c = self.cfg
        x = torch.from_numpy(block_noise(seed, block, (c.frames_per_block, c.latent_channels, c.latent_size, c.latent_size)))[None]
        t_cond = torch.ones(1, c.frames_per_block)
        if cond_first_frame is not None:
            t_cond[0, 0] = 0
            x[0, 0] = cond_first_frame
        steps = self.timesteps + [0.0]
        g = self.switch_guidance
        away = self.block_emb if g and self.block_prompt not in (None, self.prompt) and g.guides(self.block_prompt, self.prompt) else None
        for i, (t, t_next) in enumerate(zip(steps[:-1], steps[1:])):
            v, _ = self._step(x, t * t_cond, self.emb)
            if away is not None and i < g.steps:
                v_old, _ = self._step(x, t * t_cond, away)
                v = v + g.scale * (v - v_old)
            x = x + (t_next - t) * v
            if cond_first_frame is not None:
                x[0, 0] = cond_first_frame
        self.block_prompt, self.block_emb = self.prompt, self.emb
        self.write_block(x)
        return x

    @torch.no_grad()
    def generate(self, schedule: dict[int, str], n_blocks: int, seed: int, first_frame=None):
        """schedule: block index -> prompt from that block on. Returns latents (N, C, h, w)."""
        out = []
        for b in range(n_blocks):
            if b in schedule:
                self.set_prompt(schedule[b])
            out.append(self.next_block(seed, b, first_frame if b == 0 else None)[0])
        return torch.cat(out)


# On a CPU a pass over many clips costs more per clip once its activations outgrow the caches:
# at 2x2 patches a pass over 64 clips took three times as long per clip as one over 8 (session
# 32). The teacher's passes hold each clip twice (with and without the prompt), so 4 clips make 8.
CPU_SAMPLING_GROUP = 4


@torch.no_grad()
def teacher_sample(dit, text_encoder, block_prompts: list[list[str]], steps: int, guidance: float, noise, cond=None, record=(), group=None):
    """Euler with classifier-free guidance over whole clips.

    block_prompts: B lists of N/F prompts; noise (B,N,C,h,w); cond: optional (latents, frame mask)
    with the known frames. Returns x0 and the states at the requested `record` step indices.

    `group` samples that many clips at a time, to the same result; by default CPU_SAMPLING_GROUP
    on a CPU and the whole batch elsewhere.
    """
    if group is None and noise.device.type == "cpu":
        group = CPU_SAMPLING_GROUP
    if group and len(block_prompts) > group:
        parts = [
            teacher_sample(dit, text_encoder, block_prompts[i : i + group], steps, guidance, noise[i : i + group],
                           None if cond is None else (cond[0][i : i + group], cond[1][i : i + group]), record, group)
            for i in range(0, len(block_prompts), group)
        ]
        return torch.cat([x0 for x0, _ in parts]), {k: torch.cat([states[k] for _, states in parts]) for k in parts[0][1]}
    b, n = noise.shape[:2]
    nb = len(block_prompts[0])
    emb, mask = encode_block_prompts(text_encoder, block_prompts)
    null_tok = null_prompt_tokens(1, device=noise.device)
    null = text_encoder(null_tok)
    null_emb = null.expand(b * nb, -1, -1).reshape(b, nb, *null.shape[1:])
    null_mask = (null_tok != 0).float().expand(b * nb, -1).reshape(b, nb, -1)
    x = noise.clone()
    known = None
    if cond is not None:
        cond_lat, known = cond  # known: (B, N) bool
        x[known] = cond_lat[known]
    states = {}
    for k in range(steps):
        if k in record:
            states[k] = x.clone()
        t, t_next = 1 - k / steps, 1 - (k + 1) / steps
        tt = torch.full((b, n), t, device=x.device)
        if known is not None:
            tt[known] = 0
        v = dit.bidirectional(torch.cat([x, x]), torch.cat([tt, tt]), torch.cat([emb, null_emb]), torch.cat([mask, null_mask]))
        vc, vu = v[:b], v[b:]
        x = x + (t_next - t) * (vu + guidance * (vc - vu))
        if known is not None:
            x[known] = cond_lat[known]
    return x, states
