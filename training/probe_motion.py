"""Does a generator move its object the way the prompt says?

    python3 training/probe_motion.py --seeds 2
    python3 training/probe_motion.py --seeds 2 --checkpoint runs/default/teacher_continued.pt --student student_dmd

The card's motion column is a classifier's reading, and every teacher so far has sat near its
chance (training log). This says what the generator does instead: one object in the plain
studio, every motion word and a still object under each camera pan, and on each frame the
object's place and size (the pixels far off the backdrop). The rendered truth moves 33 px in a
second in the prompted direction, and grows or shrinks by more than a factor of two; a pan
left slides it 24 px right. A motion counts as shown when the object moves more than 8 px the
prompted way (a quarter of the truth's move) or its area changes by a third. It prints, per
case, the move and the change of size, and the share of the six directed motions and of the
two pans shown, for the truth and each generator (22 clips at --seeds 2: ~5 min on one core
for the teacher). `--first-frame` gives the teacher the truth's first frame clean, as a photo
is given (image-to-video): the object's place is then known and only its motion is asked for.

`--prior` asks the teacher earlier in sampling, in seconds: its estimate of the clean clip from
near-pure noise (t = 0.9), averaged over eight draws, is its belief about the clip before any
object is placed. The truth's average over random placements drifts the prompted way (its
centre 11-16 px over the clip, in the studio), so "moving right" minus "moving left" is a
contrast of about +27 px, "moving down" minus "moving up" about +27 px; a teacher whose
belief does not depend on the word has a contrast near 0 whatever its samples do.
"""

import argparse
import json
import math
import warnings

import numpy as np
import torch

from causvid.common import data_dir, default_config, load, load_autoencoder, run_dir, setup_torch
from causvid.data import rendered_object_scale
from causvid.model import VideoDiT, x0_from_v
from causvid.noise import clip_noise
from causvid.prompts import CAMERAS, MOTIONS, Scene, SceneObject, describe, with_object_scale
from causvid.render import render_clip
from causvid.sampler import StudentStreamer, encode_block_prompts, frames_from_u8, frames_to_u8, teacher_sample
from causvid.silhouette import off_backdrop
from make_ode_pairs import load_teacher, run_timesteps

OBJECTS = [("red", "ball"), ("blue", "box"), ("yellow", "star"), ("green", "ball")]
SHOWN_MOVE_PX = 8.0
SHOWN_GROWTH = 4 / 3
ENDS = 4  # frames averaged at each end of the clip


PANS = ("pan_left", "pan_right")


def scene_of_case(colour: str, shape: str, case: str, backdrop: str = "studio") -> Scene:
    """One object asked for a case: a motion, or (a camera pan, PANS) standing still under it."""
    if case in PANS:
        return Scene((SceneObject(colour, shape, "standing still"),), backdrop, case)
    return Scene((SceneObject(colour, shape, case),), backdrop)


def studio_motion_scenes(seeds: int, object_scale: float, pans_only: bool = False) -> list[Scene]:
    """Every motion (unless `pans_only`), and a still object under each camera pan, `seeds`
    times, each time another object, in the plain studio (where a pan shows only as the object
    sliding)."""
    scenes = []
    for k in range(seeds):
        colour, shape = OBJECTS[k % len(OBJECTS)]
        scenes += [scene_of_case(colour, shape, case) for case in (PANS if pans_only else (*MOTIONS, *PANS))]
    return [with_object_scale(s, object_scale) for s in scenes]


def probe_noise(seeds: int, per_seed: int, shape: tuple, paired: bool) -> torch.Tensor:
    """Each scene's starting noise (seeds * per_seed, *shape), in studio_motion_scenes' order:
    a draw of its own, or with `paired` one draw for all the scenes of a seed, so that two of its
    cases differ only by their prompts."""
    draws = clip_noise(torch.Generator().manual_seed(700), seeds if paired else seeds * per_seed, shape, 0.0)
    return draws.repeat_interleave(per_seed, 0) if paired else draws


def case_contrast(per_case: dict, plus: str, minus: str, axis: str = "right") -> float:
    """How much further along `axis` case `plus` leaves the object than case `minus`: "pans
    left" against "pans right" is 48 px in the truth, "moving right" against "moving left" 65;
    a generator that does not read the words gives 0 up to noise, which --paired cancels."""
    if plus not in per_case or minus not in per_case:
        return math.nan
    return round(per_case[plus][axis] - per_case[minus][axis], 2)


def case_of(scene: Scene) -> str:
    """What a studio scene asks for: its object's motion, or its camera's pan ("pans left")."""
    return scene.objects[0].motion if scene.camera == "still" else CAMERAS[scene.camera].removeprefix("the camera ")


def object_track(clip_u8: np.ndarray) -> tuple[float, float, float]:
    """(right, down, growth) of the object over a (T, H, W, 3) studio clip: how far its centre
    moved (px) from the mean of its first ENDS frames to the mean of its last, and how its area
    changed (last over first). NaN moves where the object is missing at an end."""
    centres, areas = [], []
    for frame in clip_u8:
        mask = off_backdrop(frame)
        areas.append(float(mask.sum()))
        ys, xs = np.nonzero(mask)
        centres.append((xs.mean(), ys.mean()) if len(xs) >= 20 else (math.nan, math.nan))
    centres = np.array(centres)
    with warnings.catch_warnings():  # an end with no object in any frame: a NaN move, said so
        warnings.simplefilter("ignore", RuntimeWarning)
        move = np.nanmean(centres[-ENDS:], 0) - np.nanmean(centres[:ENDS], 0)
    growth = (np.mean(areas[-ENDS:]) + 1) / (np.mean(areas[:ENDS]) + 1)
    return float(move[0]), float(move[1]), float(growth)


def shown(case: str, right: float, down: float, growth: float) -> bool | None:
    """Whether a track shows a directed motion word or a pan (as in film, a pan left slides
    the content right); None for the words with no direction (bouncing, spinning, standing
    still), which a track of the centre cannot read."""
    test = {
        "pans left": right > SHOWN_MOVE_PX,
        "pans right": right < -SHOWN_MOVE_PX,
        "moving left": right < -SHOWN_MOVE_PX,
        "moving right": right > SHOWN_MOVE_PX,
        "moving up": down < -SHOWN_MOVE_PX,
        "moving down": down > SHOWN_MOVE_PX,
        "growing": growth > SHOWN_GROWTH,
        "shrinking": growth < 1 / SHOWN_GROWTH,
    }
    return test.get(case)


def motion_figures(clips, scenes) -> dict:
    """Per case (case_of) the mean move and growth; the share of the directed-motion clips
    shown, and of the pan clips."""
    rows, motions, pans = {}, [], []
    for clip, scene in zip(clips, scenes):
        case = case_of(scene)
        track = object_track(clip)
        rows.setdefault(case, []).append(track)
        verdict = shown(case, *track)
        if verdict is not None:
            (motions if scene.camera == "still" else pans).append(verdict)
    per_case = {c: {k: round(float(np.nanmean([r[i] for r in rs])), 2) for i, k in enumerate(("right", "down", "growth"))} for c, rs in rows.items()}
    share = lambda v: float(np.mean(v)) if v else math.nan
    return {"shown": share(motions), "directed_clips": len(motions), "pans_shown": share(pans), "pan_clips": len(pans), "contrasts": {
        "pans left - pans right": case_contrast(per_case, "pans left", "pans right"),
        "moving right - moving left": case_contrast(per_case, "moving right", "moving left"),
        "moving down - moving up": case_contrast(per_case, "moving down", "moving up", "down")}, "per_case": per_case}


PRIOR_MOTIONS = ("moving left", "moving right", "moving up", "moving down")


def mean_drift(frames: np.ndarray) -> tuple[float, float]:
    """(right, down) drift of the centre of what is off the backdrop, weighted by how far off,
    over a (T, H, W, 3) float clip, first ENDS frames to last: for averaged clips, where the
    object is a blur of its possible places."""
    weight = np.abs(frames - np.median(frames.reshape(-1, 3), 0)).sum(-1)
    ys, xs = np.mgrid[0 : weight.shape[1], 0 : weight.shape[2]]
    total = weight.sum((1, 2))
    cx, cy = (weight * xs).sum((1, 2)) / total, (weight * ys).sum((1, 2)) / total
    return float(cx[-ENDS:].mean() - cx[:ENDS].mean()), float(cy[-ENDS:].mean() - cy[:ENDS].mean())


def contrasts(drifts: dict) -> dict:
    """From the (right, down) drift of each of PRIOR_MOTIONS: right minus left, down minus up."""
    return {"right_minus_left": round(drifts["moving right"][0] - drifts["moving left"][0], 2), "down_minus_up": round(drifts["moving down"][1] - drifts["moving up"][1], 2)}


def truth_prior(objects, object_scale: float, placements: int = 32) -> dict:
    """contrasts of the truth's clips averaged over random placements, per object."""
    out = {}
    for colour, shape in objects:
        drifts = {}
        for motion in PRIOR_MOTIONS:
            rng = np.random.default_rng(0)
            clips = [render_clip([with_object_scale(Scene((SceneObject(colour, shape, motion, x=rng.uniform(0.25, 0.75), y=rng.uniform(0.3, 0.7), size=rng.uniform(0.09, 0.15)),), "studio"), object_scale)] * 4, 4) for _ in range(placements)]
            drifts[motion] = mean_drift(np.mean(clips, 0) / 255)
        out[f"{colour} {shape}"] = contrasts(drifts)
    return out


def teacher_prior(teacher, text, decoder, objects, t: float = 0.9, draws: int = 8) -> dict:
    """contrasts of the teacher's clean estimate at noise t from pure noise, averaged over
    `draws` draws (the same for every prompt), per object."""
    cfg = teacher.cfg
    blocks = cfg.clip_frames // cfg.frames_per_block
    noise = torch.randn((draws, cfg.clip_frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size), generator=torch.Generator().manual_seed(0))
    levels = torch.full((draws, cfg.clip_frames), t)
    out = {}
    for colour, shape in objects:
        drifts = {}
        for motion in PRIOR_MOTIONS:
            emb, mask = encode_block_prompts(text, [[f"a {colour} {shape} {motion} in a studio"] * blocks] * draws)
            with torch.no_grad():
                x0 = x0_from_v(noise, teacher.bidirectional(noise, levels, emb, mask), levels).mean(0)
                drifts[motion] = mean_drift(frames_to_u8(decoder(x0)).astype(np.float32) / 255)
        out[f"{colour} {shape}"] = contrasts(drifts)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=2, help="clips of each motion")
    ap.add_argument("--checkpoint", help="a teacher round's checkpoint (default: the run's finished teacher)")
    ap.add_argument("--raw", action="store_true", help="the teacher's own weights, not their average (which lags far behind them in a short run)")
    ap.add_argument("--student", help="also a student checkpoint of the run, e.g. student_dmd")
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--first-frame", action="store_true", help="the teacher continues the truth's first frame, given clean (image-to-video), where the object's place is known")
    ap.add_argument("--paired", action="store_true", help="one noise draw for all the cases of a seed, so cases differ only by their prompts (the figures before session 39 drew each clip its own: their pans left and right differ by noise too)")
    ap.add_argument("--pans-only", action="store_true", help="only the pans (2 clips a seed: ~1 min on both cores at --seeds 3)")
    ap.add_argument("--prior", action="store_true", help="only the teacher's belief at t = 0.9 against the truth's (seconds)")
    args = ap.parse_args()
    setup_torch(args.threads)
    run, cfg = run_dir(), default_config()
    ae = load_autoencoder(run)
    if args.prior:
        teacher, text = load_teacher(run, cfg, args.checkpoint, averaged=not args.raw)
        objects, scale = OBJECTS[:2], rendered_object_scale(data_dir())
        print(json.dumps({"checkpoint": args.checkpoint or "finished teacher", "truth": truth_prior(objects, scale), "teacher": teacher_prior(teacher, text, ae.decoder, objects)}))
        return
    scenes = studio_motion_scenes(args.seeds, rendered_object_scale(data_dir()), args.pans_only)
    per_seed = len(scenes) // args.seeds
    blocks = cfg.clip_frames // cfg.frames_per_block
    results = {"truth": motion_figures([render_clip([s] * blocks, cfg.frames_per_block) for s in scenes], scenes)}
    teacher, text = load_teacher(run, cfg, args.checkpoint, averaged=not args.raw)
    with torch.no_grad():
        noise = probe_noise(args.seeds, per_seed, (cfg.clip_frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size), args.paired)
        cond = None
        if args.first_frame:
            truth = torch.stack([ae.encoder(frames_from_u8(render_clip([s] * blocks, cfg.frames_per_block))) for s in scenes])
            known = torch.zeros(len(scenes), cfg.clip_frames, dtype=torch.bool)
            known[:, 0] = True
            cond = (truth, known)
        x0, _ = teacher_sample(teacher, text, [[describe(s)] * blocks for s in scenes], 48, args.guidance, noise, cond=cond)
        results["teacher"] = motion_figures([frames_to_u8(ae.decoder(lat)) for lat in x0], scenes)
        if args.student:
            student = VideoDiT(cfg)
            student.load_state_dict(load(run / f"{args.student}.pt")["state"]["student"])
            student.eval()
            made = [StudentStreamer(student, text, ae.decoder, run_timesteps(run), 12, 4).generate({0: describe(s)}, blocks, seed=5000 + (i // per_seed if args.paired else i)) for i, s in enumerate(scenes)]
            results["student"] = motion_figures([frames_to_u8(ae.decoder(lat)) for lat in made], scenes)
    print(json.dumps({"checkpoint": args.checkpoint or "finished teacher", "guidance": args.guidance, "first_frame": args.first_frame, "raw": args.raw, "paired": args.paired, **results}))


if __name__ == "__main__":
    main()
