"""Procedural renderer for the playground domain: a prompt schedule in, RGB frames out.

Every pixel is evaluated analytically in world coordinates, so the camera (pan, zoom) is a
change of coordinates and nothing is ever pasted. Object state is simulated frame by frame,
which keeps it continuous when the prompt switches at a block boundary: the object keeps its
place, a colour fades over a few frames, a background cross-fades.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .prompts import COLORS, Scene

SIZE = 128
FPS = 16
BASE_SPEED = 0.35  # view widths per second
PAN_SPEED = 0.25
ZOOM_RATE = 0.35  # log-zoom per second
BLEND_FRAMES = 4  # colour and background changes take this many frames
WORLD_PERIOD = 1.4  # objects repeat along x with this period, so pans keep finding them


@dataclass
class _ObjectState:
    x: float
    y: float
    scale: float = 1.0
    angle: float = 0.0
    bounce_t: float = 0.0


def _grid(cx: float, cy: float, zoom: float):
    u = (np.arange(SIZE, dtype=np.float32) + 0.5) / SIZE - 0.5
    X = cx + u[None, :] / zoom
    Y = cy + u[:, None] / zoom
    return np.broadcast_to(X, (SIZE, SIZE)), np.broadcast_to(Y, (SIZE, SIZE))


def _lerp3(a, b, w):
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    return a + (b - a) * w[..., None]


def _hash(ix, iy, seed):
    h = (ix * 374761393 + iy * 668265263 + seed * 2246822519) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 1274126177) & 0xFFFFFFFF
    return (h ^ (h >> 16)).astype(np.float64) / 4294967296.0


def _sky(X, Y, t, seed):
    w = np.clip(Y, 0, 1)
    img = _lerp3((0.30, 0.55, 0.93), (0.72, 0.86, 1.0), w)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        cx0, cy0 = rng.uniform(0, 2), rng.uniform(0.05, 0.5)
        rx, ry = rng.uniform(0.10, 0.20), rng.uniform(0.04, 0.07)
        dx = np.mod(X - cx0 - 0.03 * t + 1.0, 2.0) - 1.0
        a = np.exp(-((dx / rx) ** 2 + ((Y - cy0) / ry) ** 2))
        img = img + (1.0 - img) * (0.9 * a)[..., None]
    return img


def _sunset(X, Y, t, seed):
    w = np.clip(Y, 0, 1)
    top = _lerp3((0.30, 0.12, 0.42), (0.95, 0.42, 0.25), np.clip(w * 1.6, 0, 1))
    img = np.where((w > 0.62)[..., None], _lerp3((0.95, 0.42, 0.25), (1.0, 0.72, 0.35), np.clip((w - 0.62) * 4, 0, 1)), top)
    sx = 0.3 + 0.4 * ((seed % 97) / 97.0)
    d = np.sqrt((np.mod(X - sx + 1, 2) - 1) ** 2 + (Y - 0.70) ** 2)
    sun = np.clip((0.10 - d) * 60, 0, 1)
    img = img + (np.array([1.0, 0.93, 0.55], np.float32) - img) * sun[..., None]
    # The seed is large: in float64, as NumPy 1 promoted it; NumPy 2 would keep float32 and flatten the hills.
    ground = np.clip((Y - (0.86 + 0.02 * np.sin((7 * X).astype(np.float64) + seed))) * 80, 0, 1)
    return img * (1 - 0.85 * ground[..., None])


def _night(X, Y, t, seed):
    img = _lerp3((0.02, 0.03, 0.12), (0.08, 0.10, 0.28), np.clip(Y, 0, 1))
    cells = 20.0
    gx, gy = X * cells, Y * cells
    ix, iy = np.floor(gx).astype(np.int64), np.floor(gy).astype(np.int64)
    h1, h2, h3 = _hash(ix, iy, seed), _hash(ix, iy, seed + 1), _hash(ix, iy, seed + 2)
    sx, sy = ix + 0.2 + 0.6 * h1, iy + 0.2 + 0.6 * h2
    d2 = (gx - sx) ** 2 + (gy - sy) ** 2
    twinkle = 0.75 + 0.25 * np.sin(6.0 * t + 40 * h3)
    star = (h3 < 0.45) * np.exp(-d2 / 0.012) * twinkle
    return img + (1.0 - img) * star[..., None].astype(np.float32)


def _sea(X, Y, t, seed):
    horizon = 0.45
    sky = _lerp3((0.45, 0.68, 0.95), (0.80, 0.90, 1.0), np.clip(Y / horizon, 0, 1))
    depth = np.clip((Y - horizon) / (1 - horizon), 0, 1)
    water = _lerp3((0.10, 0.42, 0.70), (0.03, 0.20, 0.45), depth)
    wave = np.sin(30 * X + 5.0 * t + 9 * np.sin(2.3 * Y + seed % 7)) * np.sin(55 * Y - 3.0 * t)
    crest = np.clip(wave - 0.55, 0, 1) * 1.8 * (0.4 + depth)
    water = water + (1 - water) * crest[..., None]
    return np.where((Y < horizon)[..., None], sky, water)


def _grass(X, Y, t, seed):
    horizon = 0.35
    sky = _lerp3((0.50, 0.72, 0.97), (0.82, 0.92, 1.0), np.clip(Y / horizon, 0, 1))
    blades = _hash(np.floor((X + 0.01 * np.sin(2 * t + 8 * Y)) * 90).astype(np.int64), np.floor(Y * 18).astype(np.int64), seed)
    shade = 0.75 + 0.35 * blades
    depth = np.clip((Y - horizon) / (1 - horizon), 0, 1)
    green = _lerp3((0.35, 0.70, 0.25), (0.12, 0.45, 0.10), depth) * shade[..., None]
    return np.where((Y < horizon)[..., None], sky, green)


def _studio(X, Y, t, seed):
    r2 = (X - 0.5) ** 2 + (Y - 0.5) ** 2
    g = 0.58 - 0.25 * r2
    return np.repeat(g[..., None], 3, axis=2).astype(np.float32)


def _photo_sampler(texture: np.ndarray):
    """Bilinear lookup of a texture covering world [-0.25, 1.25]^2, mirrored outside."""
    th, tw, _ = texture.shape

    def sample(X, Y, t, seed):
        def mirror(v):
            v = np.mod(v + 0.25, 3.0)
            return np.where(v > 1.5, 3.0 - v, v) / 1.5

        px = mirror(X) * (tw - 1)
        py = mirror(Y) * (th - 1)
        x0, y0 = np.floor(px).astype(np.int64), np.floor(py).astype(np.int64)
        x1, y1 = np.minimum(x0 + 1, tw - 1), np.minimum(y0 + 1, th - 1)
        fx, fy = (px - x0)[..., None], (py - y0)[..., None]
        top = texture[y0, x0] * (1 - fx) + texture[y0, x1] * fx
        bot = texture[y1, x0] * (1 - fx) + texture[y1, x1] * fx
        return (top * (1 - fy) + bot * fy).astype(np.float32)

    return sample


_BACKGROUNDS = {"sky": _sky, "sunset": _sunset, "night": _night, "sea": _sea, "grass": _grass, "studio": _studio}


def _shape_sdf(shape: str, lx, ly):
    """Signed distance (in object radii) of a unit shape at the origin."""
    if shape == "ball":
        return np.sqrt(lx**2 + ly**2) - 1.0
    if shape == "box":
        return np.maximum(np.abs(lx), np.abs(ly)) - 0.85
    if shape == "triangle":
        k = math.sqrt(3.0)
        px, py = np.abs(lx), 0.35 - ly  # image y points down; apex up
        return np.maximum(k * 0.5 * px + 0.5 * py, -py) - 0.65
    # star: five points, radius between 0.5 and 1.15
    rho = np.sqrt(lx**2 + ly**2)
    theta = np.arctan2(ly, lx)
    edge = 0.5 + 0.65 * (0.5 + 0.5 * np.cos(5 * theta + math.pi / 2)) ** 2
    return (rho - edge) / 1.1


def _draw_object(img, X, Y, shape, color, st: _ObjectState, size, zoom):
    r = size * st.scale
    best = None
    for k in (-1, 0, 1):  # nearest periodic copy
        ox = st.x + k * WORLD_PERIOD
        dx = X - ox
        d = np.abs(dx).min()
        if best is None or d < best[0]:
            best = (d, dx)
    dx = best[1] / r
    dy = (Y - st.y) / r
    ca, sa = math.cos(st.angle), math.sin(st.angle)
    lx, ly = ca * dx + sa * dy, -sa * dx + ca * dy
    sdf = _shape_sdf(shape, lx, ly)
    pixels_per_radius = r * SIZE * zoom
    alpha = np.clip(0.5 - sdf * pixels_per_radius, 0, 1)
    if not alpha.any():
        return img
    shade = 0.80 + 0.22 * (-ly) * 0.5
    band = np.where(np.abs(lx) < 0.22, 0.82, 1.0) if shape == "ball" else 1.0
    outline = np.clip(1.0 - np.abs(sdf * pixels_per_radius + 1.0) * 0.7, 0, 1) * 0.35
    col = np.asarray(color, np.float32)[None, None, :] * (shade * band * (1 - outline))[..., None]
    return img * (1 - alpha[..., None]) + np.clip(col, 0, 1) * alpha[..., None]


def _step_object(st: _ObjectState, motion: str, speed: float, dt: float, phase: float):
    v = BASE_SPEED * speed * dt
    if motion != "bouncing" and st.bounce_t:
        st.y += _bounce_offset(st.bounce_t, phase)
        st.bounce_t = 0.0
    if motion == "moving left":
        st.x -= v
    elif motion == "moving right":
        st.x += v
    elif motion == "moving up":
        st.y -= v
    elif motion == "moving down":
        st.y += v
    elif motion == "bouncing":
        st.bounce_t += dt * speed
    elif motion == "spinning":
        st.angle += 2 * math.pi * 0.6 * speed * dt
    elif motion == "growing":
        st.scale = min(2.2, st.scale * math.exp(0.55 * speed * dt))
    elif motion == "shrinking":
        st.scale = max(0.4, st.scale * math.exp(-0.55 * speed * dt))
    st.x = (st.x + 0.2) % WORLD_PERIOD - 0.2
    st.y = (st.y + 0.2) % WORLD_PERIOD - 0.2


def _bounce_offset(bt: float, phase: float) -> float:
    return -abs(math.sin(math.pi * 1.4 * bt + phase * 0.0)) * 0.28


def render_clip(
    scenes: list[Scene],
    frames_per_block: int,
    photos: list[np.ndarray] | None = None,
    start_time: float = 0.0,
) -> np.ndarray:
    """Render one clip, one scene per block; returns uint8 (N, 128, 128, 3)."""
    photos = photos or []
    n = len(scenes) * frames_per_block
    dt = 1.0 / FPS
    first = scenes[0]
    states = [_ObjectState(o.x, o.y) for o in first.objects]
    cx, cy, zoom = 0.5, 0.5, 1.0
    out = np.empty((n, SIZE, SIZE, 3), np.uint8)
    prev_scene, switch_frame = first, -(10**6)
    colors = [np.asarray(COLORS[o.color], np.float32) for o in first.objects]
    old_colors = list(colors)
    for f in range(n):
        scene = scenes[f // frames_per_block]
        if scene is not prev_scene and f % frames_per_block == 0:
            old_colors = [old_colors[i] + (colors[i] - old_colors[i]) * min(1.0, (f - switch_frame) / BLEND_FRAMES) for i in range(len(colors))]
            old_bg_scene = prev_scene if scene.background != prev_scene.background or scene.photo != prev_scene.photo else None
            switch_frame = f
            colors = [np.asarray(COLORS[o.color], np.float32) for o in scene.objects]
            fade_from = old_bg_scene
            prev_scene = scene
        elif f == 0:
            fade_from = None
        t = start_time + f * dt
        if f > 0:
            if scene.camera == "pan_left":
                cx -= PAN_SPEED * dt
            elif scene.camera == "pan_right":
                cx += PAN_SPEED * dt
            elif scene.camera == "zoom_in":
                zoom = min(3.0, zoom * math.exp(ZOOM_RATE * dt))
            elif scene.camera == "zoom_out":
                zoom = max(0.55, zoom * math.exp(-ZOOM_RATE * dt))
            for st, o in zip(states, scene.objects):
                _step_object(st, o.motion, o.speed, dt, o.phase)
        X, Y = _grid(cx, cy, zoom)
        img = _background(scene, photos)(X, Y, t, scene.seed)
        w_bg = min(1.0, (f - switch_frame + 1) / (BLEND_FRAMES + 1))
        if fade_from is not None and w_bg < 1.0:
            img = _background(fade_from, photos)(X, Y, t, fade_from.seed) * (1 - w_bg) + img * w_bg
        w_col = min(1.0, (f - switch_frame + 1) / BLEND_FRAMES)
        for i, (st, o) in enumerate(zip(states, scene.objects)):
            col = old_colors[i] + (colors[i] - old_colors[i]) * w_col if i < len(old_colors) else colors[i]
            shown = _ObjectState(st.x, st.y + (_bounce_offset(st.bounce_t, o.phase) if st.bounce_t else 0.0), st.scale, st.angle)
            img = _draw_object(img, X, Y, o.shape, col, shown, o.size, zoom)
        out[f] = np.clip(img * 255 + 0.5, 0, 255).astype(np.uint8)
    return out


def _background(scene: Scene, photos):
    if scene.background == "photo":
        return _photo_sampler(photos[scene.photo % len(photos)])
    return _BACKGROUNDS[scene.background]
