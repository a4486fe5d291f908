"""Which prompt words does a teacher bind? The teacher read as a classifier of real clips.

    python3 training/probe_binding.py --per-pair 4
    python3 training/probe_binding.py --checkpoint runs/default/teacher_continued.pt --per-pair 4

Sampled clips read on shape and motion at chance for every teacher so far (training log), which
does not say whether the network has learned nothing of those words or knows them and loses
them in sampling. This asks the network directly, as a diffusion model is read as a zero-shot
classifier (Li et al., 2023): the held-out scenes of the model card are rendered, encoded and
noised at a few fixed levels; for each attribute the prompt is rewritten with every word the
attribute has, and the word whose prompt gives the lowest flow loss on the same noise is the
network's reading. A network that ignores a word reads it at chance; one that binds it reads
it right even while its samples do not show it.

It also splits the readings by noise level, which tells where in sampling a word is decided
(an object's motion is a layout across frames, and the training levels reach high noise
rarely: session 38).

Costs one forward pass per candidate prompt and level: with the default four levels, 31
prompts a clip (its own once per attribute), about 20 s a clip on one core for the 2x2 network.
"""

import argparse
import dataclasses
import json
import time

import numpy as np
import torch

from causvid.common import data_dir, default_config, load_autoencoder, run_dir, setup_torch, token_batch
from causvid.data import rendered_object_scale
from causvid.model import flow_noise
from causvid.prompts import BACKGROUNDS, CAMERAS, COLORS, MOTIONS, SHAPES, Scene, describe
from causvid.render import render_clip
from causvid.sampler import frames_from_u8
from evaluate import held_out_scenes
from make_ode_pairs import load_teacher

LEVELS = (0.3, 0.6, 0.8, 0.95)


def attribute_words() -> dict[str, list[str]]:
    """Every word each attribute can take in a one-object scene's prompt (the photo background
    left out: the held-out scenes have none)."""
    return {
        "color": list(COLORS),
        "shape": list(SHAPES),
        "motion": list(MOTIONS),
        "background": [b for b in BACKGROUNDS if b != "photo"],
        "camera": list(CAMERAS),
    }


def with_word(scene: Scene, attribute: str, word: str) -> Scene:
    """The one-object scene with one attribute set to `word`, the rest as it is."""
    if attribute in ("background", "camera"):
        return dataclasses.replace(scene, **{attribute: word})
    obj = dataclasses.replace(scene.objects[0], **{attribute: word})
    return dataclasses.replace(scene, objects=(obj,) + scene.objects[1:])


def word_of(scene: Scene, attribute: str) -> str:
    return getattr(scene, attribute) if attribute in ("background", "camera") else getattr(scene.objects[0], attribute)


def readings(losses: np.ndarray, truth: int) -> dict:
    """From one clip's losses (candidates, levels) for one attribute and the index of its true
    word: whether the lowest loss summed over levels is the true word's, and at each level."""
    return {"all": bool(losses.sum(1).argmin() == truth), "levels": [bool(c == truth) for c in losses.argmin(0)]}


def tally(reads: list[dict], n_levels: int) -> dict:
    """Share of clips read right over all levels and at each, from `readings` of one attribute."""
    return {"all": float(np.mean([r["all"] for r in reads])), "levels": [float(np.mean([r["levels"][k] for r in reads])) for k in range(n_levels)]}


def candidate_losses(teacher, text, x0, prompts, levels, generator) -> np.ndarray:
    """Flow loss of the latent clip x0 (N, C, h, w) under each prompt (the same at every block),
    at each noise level, all on one noise draw per level: (prompts, levels)."""
    n = x0.shape[0]
    out = np.zeros((len(prompts), len(levels)))
    tokens = torch.stack([token_batch([p] * (n // teacher.cfg.frames_per_block)) for p in prompts])
    with torch.no_grad():
        emb = text(tokens.reshape(-1, tokens.shape[-1])).reshape(*tokens.shape, -1)
        mask = (tokens != 0).float()
        for k, level in enumerate(levels):
            eps = torch.randn(x0.shape, generator=generator)
            t = torch.full((1, n), level)
            x_t = flow_noise(x0[None], eps[None], t)
            target = eps - x0
            for s in range(0, len(prompts), 4):  # a few clips a pass stay in the caches
                part = slice(s, s + 4)
                m = emb[part].shape[0]
                v = teacher.bidirectional(x_t.expand(m, *x_t.shape[1:]), t.expand(m, n), emb[part], mask[part])
                out[part, k] = ((v - target[None]) ** 2).mean(dim=(1, 2, 3, 4)).numpy()
    return out


def add_classifier_arguments(ap: argparse.ArgumentParser):
    """The options of a probe that reads the teacher as a classifier (this one, probe_direction.py)."""
    ap.add_argument("--checkpoint", help="a teacher round's checkpoint (default: the run's finished teacher)")
    ap.add_argument("--raw", action="store_true", help="the network's own weights, not their average")
    ap.add_argument("--levels", default=",".join(map(str, LEVELS)), help="noise levels the loss is taken at")
    ap.add_argument("--threads", type=int, default=1)


def load_classifier(args):
    """(config, teacher, text encoder, autoencoder, noise levels) as the options say."""
    setup_torch(args.threads)
    run = run_dir()
    cfg = default_config()
    teacher, text = load_teacher(run, cfg, args.checkpoint, averaged=not args.raw)
    return cfg, teacher, text, load_autoencoder(run), [float(x) for x in args.levels.split(",")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_classifier_arguments(ap)
    ap.add_argument("--per-pair", type=int, default=4, help="held-out clips of each colour/shape pair (the card's first ones)")
    args = ap.parse_args()
    cfg, teacher, text, ae, levels = load_classifier(args)
    words = attribute_words()
    scenes = held_out_scenes(args.per_pair, object_scale=rendered_object_scale(data_dir()))
    reads = {a: [] for a in words}
    generator = torch.Generator()
    start = time.time()
    for i, scene in enumerate(scenes):
        with torch.no_grad():
            x0 = ae.encoder(frames_from_u8(render_clip([scene] * (cfg.clip_frames // cfg.frames_per_block), cfg.frames_per_block)))
        for attribute, options in words.items():
            prompts = [describe(with_word(scene, attribute, w)) for w in options]
            # The same noise for every attribute of a clip: the candidates differ only in the word.
            generator.manual_seed(1000 + i)
            losses = candidate_losses(teacher, text, x0, prompts, levels, generator)
            reads[attribute].append(readings(losses, options.index(word_of(scene, attribute))))
        print(f"[binding] clip {i + 1}/{len(scenes)} ({time.time() - start:.0f}s)", flush=True)
    chance = {a: 1 / len(w) for a, w in words.items()}
    result = {"checkpoint": args.checkpoint or "finished teacher", "clips": len(scenes), "levels": levels, "chance": chance, "read": {a: tally(r, len(levels)) for a, r in reads.items()}}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
