"""The playground domain's language: scene descriptions, their prompts, and the tokenizer.

A `Scene` is what the renderer draws; `describe(scene)` is its prompt in plain English.
The tokenizer follows docs/model-pack.md exactly, because the Java engine re-implements it.
"""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass, field, replace

COLORS = {
    "red": (0.86, 0.12, 0.12),
    "orange": (0.98, 0.55, 0.10),
    "yellow": (0.97, 0.88, 0.15),
    "green": (0.15, 0.72, 0.22),
    "blue": (0.12, 0.32, 0.92),
    "purple": (0.58, 0.20, 0.78),
    "white": (0.97, 0.97, 0.97),
}
SHAPES = ["ball", "box", "triangle", "star"]
MOTIONS = [
    "moving left",
    "moving right",
    "moving up",
    "moving down",
    "bouncing",
    "spinning",
    "growing",
    "shrinking",
    "standing still",
]
BACKGROUNDS = {
    "sky": "in the sky",
    "sunset": "at sunset",
    "night": "at night",
    "sea": "over the sea",
    "grass": "on the grass",
    "studio": "in a studio",
    "photo": "in a photo",
}
CAMERAS = {
    "still": "",
    "pan_left": "the camera pans left",
    "pan_right": "the camera pans right",
    "zoom_in": "the camera zooms in",
    "zoom_out": "the camera zooms out",
}

# Colour/shape pairs never rendered for training: generation on them is scored as held out.
HELD_OUT_PAIRS = {("purple", "star"), ("orange", "box"), ("green", "triangle"), ("white", "ball")}

SPECIAL = ["<pad>", "<bos>", "<unk>"]
PAD_ID, BOS_ID, UNK_ID = 0, 1, 2
MAX_TOKENS = 16


# "The camera pans left" slides the view's content right, as in film, while "moving left" moves
# the object left: one token "left" in both gave the text encoder nothing to tell them apart by.
# It embedded "left" the same way in both phrases (cosine 0.97, "right" 0.99), and the teacher
# moved its objects and pans either way (training log, session 38). A phrase vocabulary
# (CAUSVID_VOCABULARY=phrases, read once for every stage of a run, as CAUSVID_MODEL_CONFIG is)
# gives each camera direction a token of its own, after every word, so the word ids stay.
PHRASES = ("pans left", "pans right")


def phrase_vocabulary() -> bool:
    setting = os.environ.get("CAUSVID_VOCABULARY", "words")
    if setting not in ("words", "phrases"):
        raise ValueError(f"CAUSVID_VOCABULARY is {setting!r}: 'words' (the default) or 'phrases'")
    return setting == "phrases"


def vocabulary_of(with_phrases: bool = False) -> list[str]:
    words: list[str] = []
    grammar = (
        ["a", "and", "the"]
        + list(COLORS)
        + SHAPES
        + MOTIONS
        + list(BACKGROUNDS.values())
        + [c for c in CAMERAS.values() if c]
    )
    for phrase in grammar:
        for w in phrase.split():
            if w not in words:
                words.append(w)
    return SPECIAL + words + (list(PHRASES) if with_phrases else [])


VOCABULARY = vocabulary_of(phrase_vocabulary())
_WORD_ID = {w: i for i, w in enumerate(VOCABULARY)}


# The word for the way a phrase moves the view's content: a pan left slides it right. Seeding a
# phrase's row from it (--phrase-seed content) would start the pan where the teacher's "right"
# moves things rather than from "left". Tried on a phrase teacher at step 550, it changed nothing:
# that network did not read the pan's token at all (training log, session 39).
CONTENT_WORD = {"pans left": "right", "pans right": "left"}


def phrase_seed_word(entry: str, content: bool = False) -> str:
    """The word whose row a phrase's row starts from: its last word, or with `content` the word
    for the way it moves the view's content."""
    return CONTENT_WORD[entry] if content else entry.split()[-1]


def grown_text_embedding(weight, vocabulary: list[str], content: bool = False):
    """A text encoder's embedding table (rows: the words of a smaller vocabulary that
    `vocabulary` extends, or all of it) with a row for each phrase it lacks, a copy of the row of
    its seed word (`phrase_seed_word`): a teacher trained on words reads "pans left" as it read
    that word at first, and training then tells the two apart. With `content` the rows a
    phrase already has are seeded again too, so a phrase teacher can start its pans over."""
    grown = weight.new_empty((len(vocabulary), weight.shape[1]))
    grown[: weight.shape[0]] = weight
    for i, entry in enumerate(vocabulary):
        if " " in entry and (i >= weight.shape[0] or content):
            grown[i] = weight[vocabulary.index(phrase_seed_word(entry, content))]
    return grown


# Words a user writes that mean a vocabulary word the grammar never renders: "an orange ball"
# is read as "a orange ball" rather than reported as unknown. Shipped in the manifest, so the
# engine reads prompts the same way without a new text encoder.
ALIASES = {"an": "a"}


@dataclass(frozen=True)
class TokenizedPrompt:
    ids: list[int]  # length MAX_TOKENS, BOS first, padded
    unknown_words: list[str]


def prompt_words(prompt: str) -> list[str]:
    """The prompt's words as the tokenizer reads them: lower-cased, split on non-letters (before
    aliases). Switch guidance compares prompts by these words too (sampler.SwitchGuidance)."""
    return [w for w in re.split(r"[^a-z]+", prompt.lower()) if w]


def tokenize(prompt: str, max_tokens: int = MAX_TOKENS, vocabulary: list[str] | None = None) -> TokenizedPrompt:
    """Lower-case, split on non-letters, read aliases as their word, map through the
    vocabulary (the run's, or the one given; a two-word entry before its words), BOS first,
    pad."""
    word_id = _WORD_ID if vocabulary is None else {w: i for i, w in enumerate(vocabulary)}
    words = [ALIASES.get(w, w) for w in prompt_words(prompt)]
    ids = [BOS_ID]
    unknown = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i : i + 2])
        if i + 1 < len(words) and pair in word_id:
            ids.append(word_id[pair])
            i += 2
            continue
        w = words[i]
        if w in word_id:
            ids.append(word_id[w])
        else:
            ids.append(UNK_ID)
            unknown.append(w)
        i += 1
    ids = ids[:max_tokens]
    ids += [PAD_ID] * (max_tokens - len(ids))
    return TokenizedPrompt(ids, unknown)


@dataclass(frozen=True)
class SceneObject:
    color: str
    shape: str
    motion: str
    # Placement and rendering jitter, not part of the prompt.
    x: float = 0.5  # world position in view widths, 0..1 at the start
    y: float = 0.5
    size: float = 0.12  # radius in view widths
    speed: float = 1.0  # multiplier on the motion's base speed
    phase: float = 0.0


@dataclass(frozen=True)
class Scene:
    objects: tuple[SceneObject, ...]
    background: str  # key of BACKGROUNDS
    camera: str = "still"  # key of CAMERAS
    photo: int = -1  # index into the photo list when background == "photo"
    seed: int = 0  # texture seed (stars, clouds, grass, photo crop)
    mention_background: bool = True


def describe(scene: Scene) -> str:
    parts = []
    objs = [f"a {o.color} {o.shape} {o.motion}" for o in scene.objects]
    if objs:
        parts.append(" and ".join(objs))
    if scene.mention_background:
        parts.append(BACKGROUNDS[scene.background])
    text = " ".join(parts)
    if scene.camera != "still":
        text = f"{text}, {CAMERAS[scene.camera]}" if text else CAMERAS[scene.camera]
    return text


def with_object_scale(scene: Scene, object_scale: float) -> Scene:
    """The scene with every object's radius times `object_scale`: how a fixed scene (an
    evaluation's held-out pairs, say) is drawn at the object size a model was trained on."""
    return replace(scene, objects=tuple(replace(o, size=o.size * object_scale) for o in scene.objects))


def random_object(rng: random.Random, allow_held_out: bool = False, object_scale: float = 1.0) -> SceneObject:
    """A random object; `object_scale` multiplies its drawn radius (0.09-0.15 view widths), every
    other draw of `rng` unchanged, so a seed gives the same scene with a bigger object."""
    while True:
        color, shape = rng.choice(list(COLORS)), rng.choice(SHAPES)
        if allow_held_out or (color, shape) not in HELD_OUT_PAIRS:
            break
    return SceneObject(
        color=color,
        shape=shape,
        motion=rng.choice(MOTIONS),
        x=rng.uniform(0.25, 0.75),
        y=rng.uniform(0.3, 0.7),
        size=rng.uniform(0.09, 0.15) * object_scale,
        speed=rng.uniform(0.8, 1.25),
        phase=rng.uniform(0, 6.283),
    )


def random_scene(rng: random.Random, n_photos: int, allow_held_out: bool = False, object_scale: float = 1.0) -> Scene:
    backgrounds = list(BACKGROUNDS)
    if n_photos == 0:
        backgrounds.remove("photo")
    background = rng.choice(backgrounds)
    if background == "photo":
        n_objects = rng.choice([0, 0, 1, 1, 2])
        camera = rng.choice(["pan_left", "pan_right", "zoom_in", "zoom_out", "still"])
    else:
        n_objects = rng.choice([1, 1, 1, 2])
        camera = rng.choice(["still", "still", "still", "pan_left", "pan_right", "zoom_in", "zoom_out"])
    objects = []
    for _ in range(n_objects):
        o = random_object(rng, allow_held_out, object_scale)
        if objects:  # keep two objects apart so both stay visible
            other = objects[0]
            o = replace(o, x=1.0 - other.x, y=min(0.75, max(0.25, 1.0 - other.y)))
        objects.append(o)
    return Scene(
        objects=tuple(objects),
        background=background,
        camera=camera,
        photo=rng.randrange(n_photos) if background == "photo" else -1,
        seed=rng.randrange(1 << 30),
        mention_background=background == "photo" or rng.random() < 0.92,
    )


def switched_scene(rng: random.Random, scene: Scene, n_photos: int) -> tuple[Scene, str]:
    """One attribute of the scene changes: colour, motion, background or camera."""
    kinds = ["camera", "background"]
    if scene.objects:
        kinds += ["color", "color", "motion", "motion"]
    kind = rng.choice(kinds)
    if kind == "color":
        o = scene.objects[0]
        choices = [c for c in COLORS if c != o.color and (c, o.shape) not in HELD_OUT_PAIRS]
        new = replace(o, color=rng.choice(choices))
        return replace(scene, objects=(new,) + scene.objects[1:]), kind
    if kind == "motion":
        o = scene.objects[0]
        new = replace(o, motion=rng.choice([m for m in MOTIONS if m != o.motion]))
        return replace(scene, objects=(new,) + scene.objects[1:]), kind
    if kind == "background":
        options = [b for b in BACKGROUNDS if b != scene.background and (b != "photo" or n_photos)]
        bg = rng.choice(options)
        return (
            replace(
                scene,
                background=bg,
                photo=rng.randrange(n_photos) if bg == "photo" else -1,
                mention_background=True,
            ),
            kind,
        )
    cams = [c for c in CAMERAS if c != scene.camera]
    return replace(scene, camera=rng.choice(cams)), kind
