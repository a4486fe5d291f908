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


def block_noise(seed: int, block: int, shape) -> np.ndarray:
    """Gaussian noise for block `block` of a generation with `seed`, float32 in C order."""
    count = int(np.prod(shape))
    u = uniforms(seed * 1_000_003 + block, count + (count & 1))
    u1, u2 = u[0::2], u[1::2]
    u1 = np.where(u1 == 0.0, 2.0**-53, u1)
    r = np.sqrt(-2.0 * np.log(u1))
    out = np.empty(u.shape[0])
    out[0::2] = r * np.cos(2 * np.pi * u2)
    out[1::2] = r * np.sin(2 * np.pi * u2)
    return out[:count].astype(np.float32).reshape(shape)
