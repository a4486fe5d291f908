"""The pack contract's noise: SplitMix64 uniforms -> Box-Muller normals, shared with Java.

Element i of the stream with state s is mix(s + (i + 1) * GOLDEN), so it vectorises.
"""

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MASK = (1 << 64) - 1


def _mix(z):
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def uniforms(state: int, count: int) -> np.ndarray:
    i = np.arange(1, count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(state & MASK) + i * GOLDEN
    return (_mix(z) >> np.uint64(11)).astype(np.float64) * 2.0**-53


def block_noise(seed: int, block: int, shape, correlation: float = 0.0) -> np.ndarray:
    """Gaussian noise for block `block` of a generation with `seed`, float32 in C order; shape
    (F, C, h, w). With a correlation, every frame also carries the generation's shared frame,
    the stream of block -1 (correlate_frames), as the engine draws a teacher's noise."""
    if correlation != 0.0:
        shared = block_noise(seed, -1, shape[1:])
        return correlate_frames(block_noise(seed, block, shape), shared, correlation).astype(np.float32)
    count = int(np.prod(shape))
    u = uniforms(seed * 1_000_003 + block, count + (count & 1))
    u1, u2 = u[0::2], u[1::2]
    u1 = np.where(u1 == 0.0, 2.0**-53, u1)
    r = np.sqrt(-2.0 * np.log(u1))
    out = np.empty(u.shape[0])
    out[0::2] = r * np.cos(2 * np.pi * u2)
    out[1::2] = r * np.sin(2 * np.pi * u2)
    return out[:count].astype(np.float32).reshape(shape)


def correlate_frames(noise, shared, correlation: float):
    """Noise shared across frames (PYoCo's mixed prior): frame f gets sqrt(c) * shared +
    sqrt(1 - c) * noise_f, so every frame is still a standard normal and any two frames
    correlate by c. noise (..., N, C, h, w), shared (..., C, h, w); numpy or torch. A
    bidirectional teacher sampled from it keeps its object in place from frame to frame, where
    from independent noise it redraws the object in every frame (training log, session 22)."""
    if correlation == 0.0:
        return noise
    return correlation**0.5 * shared[..., None, :, :, :] + (1.0 - correlation) ** 0.5 * noise


def clip_noise(generator, batch: int, shape, correlation: float = 0.0, device=None):
    """(batch, *shape) teacher noise from a torch generator (torch's global one when None) on
    `device`, frames correlated by `correlation`; at 0 exactly the independent draw the scorer's
    clips and the shipped teacher's training always had, with no shared frame drawn."""
    import torch

    noise = torch.randn(batch, *shape, generator=generator, device=device)
    if correlation == 0.0:
        return noise
    shared = torch.randn(batch, *shape[1:], generator=generator, device=device)
    return correlate_frames(noise, shared, correlation)
