"""Can the teacher tell a clip's direction from its opposite? The teacher read as a classifier.

    python3 training/probe_direction.py --checkpoint runs/default/teacher_continued.pt

Sampled clips showed up and down read and left, right and the pans not (training log, session
39). That does not say whether the network cannot see horizontal motion or sees it and cannot
draw it. This asks it directly, as probe_binding.py does for every word: a clip moving each way
(and a still object under each pan) is rendered, encoded and noised at a few levels, and its
flow loss under its own prompt is compared with the loss under the prompt that says the
opposite way, on the same noise. A network that reads the direction gives its own prompt the
lower loss; one that does not is at chance (50%), or below it where one word fits every clip
better.

Two figures a case: the share of clips whose own prompt wins (summed over levels), and the mean
margin, the opposite prompt's loss over the own prompt's minus one (0: no difference; it also
shows a small lead that a win count of a few clips hides).

About 2 minutes on one core at the default 8 clips a case.
"""

import argparse
import dataclasses
import json
import time

import numpy as np
import torch

from causvid.common import data_dir
from causvid.data import rendered_object_scale
from causvid.prompts import Scene, describe, with_object_scale
from causvid.render import render_clip
from causvid.sampler import frames_from_u8
from probe_binding import add_classifier_arguments, candidate_losses, load_classifier
from probe_motion import OBJECTS, PANS, scene_of_case

# Each case and its opposite: an object's motion, or the camera's pan of a still object.
OPPOSITE = {
    "moving left": "moving right",
    "moving right": "moving left",
    "moving up": "moving down",
    "moving down": "moving up",
    "pan_left": "pan_right",
    "pan_right": "pan_left",
}
BACKDROPS = ("studio", "sky", "grass", "sea")


def case_scene(case: str, k: int, object_scale: float, backdrops: tuple[str, ...] = BACKDROPS) -> Scene:
    """The k-th clip of a case: the probe's objects and backdrops in turn, the object in the
    middle of the view, moving the case's way (or standing still under the case's pan)."""
    colour, shape = OBJECTS[k % len(OBJECTS)]
    return with_object_scale(scene_of_case(colour, shape, case, backdrops[k % len(backdrops)]), object_scale)


def opposite_scene(scene: Scene, case: str) -> Scene:
    """The same scene said the other way: the object's motion or the camera's pan flipped."""
    if case in PANS:
        return dataclasses.replace(scene, camera=OPPOSITE[case])
    obj = dataclasses.replace(scene.objects[0], motion=OPPOSITE[case])
    return dataclasses.replace(scene, objects=(obj,) + scene.objects[1:])


def margin(own: np.ndarray, other: np.ndarray) -> float:
    """How much worse the opposite prompt fits, summed over levels: other / own - 1."""
    return float(other.sum() / own.sum() - 1.0)


def tally(margins: list[float], backdrops: tuple[str, ...] = BACKDROPS) -> dict:
    """A case's figures: the share of clips its own prompt fits better, the mean margin, and the
    mean margin on each backdrop (clip k is on backdrops[k % len(backdrops)])."""
    m = np.asarray(margins)
    by_backdrop = {b: float(m[i :: len(backdrops)].mean()) for i, b in enumerate(backdrops) if len(m) > i}
    return {"own_wins": float((m > 0).mean()), "margin": float(m.mean()), "by_backdrop": by_backdrop}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_classifier_arguments(ap)
    ap.add_argument("--clips", type=int, default=8, help="clips of each case")
    ap.add_argument("--backdrops", default=",".join(BACKDROPS), help="the backdrops the clips take in turn (a network trained on studio clips alone: studio)")
    args = ap.parse_args()
    cfg, teacher, text, ae, levels = load_classifier(args)
    backdrops = tuple(args.backdrops.split(","))
    scale = rendered_object_scale(data_dir())
    blocks = cfg.clip_frames // cfg.frames_per_block
    generator = torch.Generator()
    margins: dict[str, list[float]] = {case: [] for case in OPPOSITE}
    start = time.time()
    for case in OPPOSITE:
        for k in range(args.clips):
            scene = case_scene(case, k, scale, backdrops)
            with torch.no_grad():
                x0 = ae.encoder(frames_from_u8(render_clip([scene] * blocks, cfg.frames_per_block)))
            generator.manual_seed(2000 + k)  # the same noise for both prompts, and for every case
            losses = candidate_losses(teacher, text, x0, [describe(scene), describe(opposite_scene(scene, case))], levels, generator)
            margins[case].append(margin(losses[0], losses[1]))
        print(f"[direction] {case} ({time.time() - start:.0f}s)", flush=True)
    result = {"checkpoint": args.checkpoint or "finished teacher", "clips": args.clips, "levels": levels, "read": {c: tally(m, backdrops) for c, m in margins.items()}}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
