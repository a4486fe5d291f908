"""Score the trained teacher and student on held-out prompts; write docs/model-card.md.

    python3 training/evaluate.py [--drift-seconds 300]
    python3 training/evaluate.py --teacher-only --teacher runs/default/teacher_spatial.pt

`--teacher-only` scores a teacher round's attribute accuracy and flicker (~3 min) and prints
them, without a student or the card: the check worth making before distilling a new round.

Measures, with the scorer classifier (trained on rendered ground truth, cached in runs/):
attribute accuracy on held-out colour/shape pairs (teacher at 48 steps vs the 4-step
student), temporal consistency (how much frames change from one to the next), drift over a
long student clip, frames until a switched colour shows and whether the object stays where it
was (teacher and renderer beside), and a held-out photo animated with "the camera pans left".
"""

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np
import torch

from causvid import photos as P
from causvid.common import STREAM_CONTEXT_FRAMES, STREAM_SINK_FRAMES, TEACHER_NOISE_CORRELATION, TRAINING_DIR, data_dir, default_config, load, load_autoencoder, run_dir, setup_torch
from causvid.model import VideoDiT
from causvid.data import rendered_object_scale
from causvid.prompts import BACKGROUNDS, CAMERAS, COLORS, HELD_OUT_PAIRS, MOTIONS, Scene, SceneObject, describe, with_object_scale
from causvid.noise import clip_noise
from causvid.sampler import SWITCH_GUIDANCE, StudentStreamer, SwitchGuidance, frames_to_u8, teacher_sample
from causvid.silhouette import SilhouetteReader, off_backdrop, pieces, steadiness
from causvid.scorer import HEADS, TRAIN_STEPS, ClipClassifier, labels_of, predict, train_scorer
from make_ode_pairs import load_teacher, run_timesteps, student_checkpoint
from train_scorer import autoencoder_roundtrip

# Seed 3 was the only drift clip up to session 4, seeds 3-5 the card's until session 35. One clip's
# accuracy change read from -19 to +26 points on the shipped pack, so a 5-point bar needs many.
DRIFT_SEEDS = tuple(range(3, 12))
# Held-out clips of each of the four colour/shape pairs: 96 in all. The card read 32 up to
# session 36, where one clip moved an attribute 3 points and the student-teacher gap's standard
# error was about as large as the 3-point bar it is held to.
PER_PAIR = 24
NOTES_MARKER = "<!-- Hand-written notes below this line are kept when evaluate.py rewrites the card. -->"


def held_out_scenes(n_per_pair: int, seed: int = 5, object_scale: float = 1.0):
    """n_per_pair clips of each held-out colour/shape pair, objects at `object_scale` times the
    shipped radius (the scale the model under test was trained at: its data's render.json)."""
    rng = random.Random(seed)
    scenes = []
    for color, shape in sorted(HELD_OUT_PAIRS):
        for _ in range(n_per_pair):
            bg = rng.choice([b for b in BACKGROUNDS if b != "photo"])
            o = SceneObject(color, shape, rng.choice(MOTIONS))
            scenes.append(with_object_scale(Scene((o,), bg, rng.choice(list(CAMERAS))), object_scale))
    return scenes


def accuracy(preds, scenes):
    acc = {}
    for k in HEADS:
        hits = [HEADS[k][labels_of(s)[k]] == p[k] for p, s in zip(preds, scenes)]
        acc[k] = float(np.mean(hits))
    acc["mean"] = float(np.mean([acc[k] for k in HEADS]))
    return acc


def paired_gap(teacher_preds, student_preds, scenes) -> dict:
    """The student's held-out accuracy minus the teacher's, in points, with its standard error.
    Both read the same scenes, so the difference is taken clip by clip (each clip's share of the
    five attributes read right): the spread between scenes cancels, and 32 clips were too few to
    tell a 3-point gap from noise (session 37: one camera reading moved 28 points by the sample)."""
    def clip_scores(preds):
        return np.asarray([np.mean([HEADS[k][labels_of(s)[k]] == p[k] for k in HEADS]) for p, s in zip(preds, scenes)])

    diff = clip_scores(student_preds) - clip_scores(teacher_preds)
    se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else float("nan")
    return {"points": float(100 * diff.mean()), "standard_error": 100 * se, "clips": len(diff)}


def frame_change(clips) -> float:
    """Temporal consistency: the mean absolute change of a pixel from one frame to the next, in
    [0, 1], over (N, H, W, 3) uint8 clips. Real clips move a little; flicker scores high."""
    return float(np.mean([np.abs(np.diff(c.astype(np.float32), axis=0)).mean() / 255 for c in clips]))


def studio_scenes(object_scale: float = 1.0):
    """Each held-out pair twice, standing still in the plain grey studio, where anything off
    the backdrop is the object."""
    return [with_object_scale(Scene((SceneObject(c, sh, "standing still"),), "studio"), object_scale) for c, sh in sorted(HELD_OUT_PAIRS) for _ in range(2)]


def print_partial(results: dict, path: Path | None):
    """The figures of a partial run (--teacher-only, --studio-only, --drift-only): printed, and written to
    `path` only when given, so the run's eval.json (the card's source) is left alone."""
    print(json.dumps(results, indent=1), flush=True)
    if path:
        path.write_text(json.dumps(results, indent=1))


def teacher_noise(cfg, seed: int, clips: int, correlation: float):
    """The starting noise of `clips` teacher clips drawn from `seed`, frames correlated as the
    engine draws them for the pack (clip_noise; at 0 the independent draw of every earlier card)."""
    return clip_noise(torch.Generator().manual_seed(seed), clips, (cfg.clip_frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size), correlation)


def studio_object_figures(cfg, ae, roundtrip, teacher, text, guidance, streamer=None, object_scale: float = 1.0, correlation: float = 0.0) -> dict:
    """The card's "Are the objects drawn at all?": studio_objects of the studio scenes as
    ground truth, through the autoencoder, drawn by the teacher and (given its `streamer`
    factory) by the student."""
    from causvid.render import render_clip

    studio = studio_scenes(object_scale)
    colours, shapes = [s.objects[0].color for s in studio], [s.objects[0].shape for s in studio]
    reader = SilhouetteReader.from_renders(object_scale=object_scale)
    truth = [render_clip([s] * 4, 4) for s in studio]
    objects = {"truth": studio_objects(truth, colours, shapes, reader), "autoencoded_truth": studio_objects([roundtrip(c) for c in truth], colours, shapes, reader)}
    with torch.no_grad():
        noise = teacher_noise(cfg, 99, len(studio), correlation)
        x0, _ = teacher_sample(teacher, text, [[describe(s)] * 4 for s in studio], 48, guidance, noise)
        objects["teacher"] = studio_objects([frames_to_u8(ae.decoder(lat)) for lat in x0], colours, shapes, reader)
        if streamer is not None:
            made = [streamer().generate({0: describe(s)}, 4, seed=2000 + i) for i, s in enumerate(studio)]
            objects["student"] = studio_objects([frames_to_u8(ae.decoder(lat)) for lat in made], colours, shapes, reader)
    return objects


def nearest_colour(rgb) -> str:
    """The prompt colour nearest an object's mean colour (RGB in [0, 1]), compared as
    chromaticity (each divided by its brightest channel): the renderer shades its objects, and
    by plain distance a shaded yellow star read as orange on ground truth."""
    names = list(COLORS)
    palette = np.asarray([COLORS[c] for c in names])
    chroma = lambda c: c / np.maximum(c.max(-1, keepdims=True), 1e-6)
    return names[int(np.abs(chroma(palette) - chroma(np.asarray(rgb, np.float64))).sum(-1).argmin())]


def studio_objects(clips, colours, shapes, reader: SilhouetteReader) -> dict:
    """Whether a generator draws the objects at all, which the classifier's mean does not tell
    (session 7's GPU teachers drew none and scored higher). Over (N, H, W, 3) uint8 studio clips:
    the share of pixels far off the grey backdrop, the share of clips whose such pixels are,
    on average, nearest the prompted colour of the seven (none drawn counts as wrong), the
    share of frames whose silhouette reads as the prompted shape, the pieces it is drawn in and
    how steadily its outline stays put from frame to frame (causvid.silhouette, whose
    off_backdrop makes the mask all of them are read from). "Far" is
    0.25 in some channel: every object colour is, and the speckle and blotches generated
    backdrops carry mostly are not (measured: at 0.12 an objectless GPU teacher covered as much
    as the truth)."""
    cover, right, shape_right, parts, still = [], [], [], [], []
    for clip, colour, shape in zip(clips, colours, shapes):
        f = clip.astype(np.float32) / 255
        off = np.stack([off_backdrop(frame) for frame in clip])
        cover.append(off.mean())
        nearest = nearest_colour(f[off].mean(0)) if off.any() else None
        right.append(nearest == colour)
        shape_right.append(np.mean([reader.read_mask(m) == shape for m in off]))
        parts.append(np.mean([pieces(m) for m in off]))
        kept = steadiness(off)
        if kept is not None:
            still.append(kept)
    figures = {"cover": float(np.mean(cover)), "colour_right": float(np.mean(right)), "shape_right": float(np.mean(shape_right)), "pieces": float(np.mean(parts))}
    if still:  # none when no clip drew anything
        figures["steadiness"] = float(np.mean(still))
    return figures


def image_stats(frames_u8):
    f = frames_u8.astype(np.float32) / 255
    sat = f.max(-1) - f.min(-1)
    lap = np.abs(4 * f[:, 1:-1, 1:-1] - f[:, :-2, 1:-1] - f[:, 2:, 1:-1] - f[:, 1:-1, :-2] - f[:, 1:-1, 2:]).mean()
    return {"brightness": float(f.mean()), "contrast": float(f.std()), "saturation": float(sat.mean()), "sharpness": float(lap)}


def color_pixels(frame, color):
    rgb = np.asarray(COLORS[color]) * 255
    return int((np.abs(frame.astype(float) - rgb).sum(-1) < 110).sum())


def centroid(frame, color):
    rgb = np.asarray(COLORS[color]) * 255
    ys, xs = np.nonzero(np.abs(frame.astype(float) - rgb).sum(-1) < 110)
    return (float(xs.mean()), float(ys.mean())) if len(xs) else None


def phase_shift(a, b):
    """Horizontal shift (pixels) of b relative to a, by phase correlation on grey images."""
    ga, gb = a.astype(np.float32).mean(-1), b.astype(np.float32).mean(-1)
    fa, fb = np.fft.fft2(ga - ga.mean()), np.fft.fft2(gb - gb.mean())
    r = np.fft.ifft2(fa.conj() * fb / (np.abs(fa.conj() * fb) + 1e-6)).real
    y, x = np.unravel_index(np.argmax(r), r.shape)
    return int(x if x < r.shape[1] // 2 else x - r.shape[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-pair", type=int, default=PER_PAIR, help="held-out clips of each colour/shape pair (24 since session 37, 8 before)")
    ap.add_argument("--drift-seconds", type=int, default=300)
    ap.add_argument("--drift-clips", type=int, default=len(DRIFT_SEEDS), help="long clips (seeds) pooled for the drift figures (3 until session 35)")
    ap.add_argument("--scorer-steps", type=int, default=TRAIN_STEPS)
    ap.add_argument("--scorer-pool", type=int, default=1600)
    ap.add_argument("--out", type=Path, default=TRAINING_DIR.parent / "docs" / "model-card.md")
    ap.add_argument("--teacher", type=Path, help="a teacher round's checkpoint (default: the finished teacher), e.g. to score an earlier pack's")
    ap.add_argument("--student", type=Path, help="a student checkpoint (default: student_dmd, else student_ode)")
    ap.add_argument("--guidance", type=float, default=3.0, help="the teacher's classifier-free guidance scale (3, as in distillation)")
    ap.add_argument("--noise-correlation", type=float, default=TEACHER_NOISE_CORRELATION, help="the teacher's noise shared across frames, as the engine samples the pack's teacher (manifest teacher.noise_correlation; default 0, independent, as the shipped 2x2 teacher is sampled since session 36; 0.8 for the 4x4 packs of sessions 22-35)")
    ap.add_argument("--teacher-only", action="store_true", help="print the teacher's accuracy and flicker, and stop (no student, no card)")
    ap.add_argument("--drift-only", action="store_true", help="print only the student's drift over --drift-seconds (with the window given by --context-frames/--sink-frames), and stop")
    ap.add_argument("--switch-only", action="store_true", help="print only the colour and background switches (student, teacher, ground truth), and stop")
    ap.add_argument("--switch-guidance", type=float, default=SWITCH_GUIDANCE.scale, help=f"the student's first block after a switch guided away from the old prompt with this scale (manifest student.switch_guidance; {SWITCH_GUIDANCE.scale} as shipped since session 43, 0 off)")
    ap.add_argument("--switch-guidance-steps", type=int, default=SWITCH_GUIDANCE.steps, help="on this many of its first denoising steps")
    ap.add_argument("--studio-only", action="store_true", help="print only \"Are the objects drawn at all?\" (teacher and student; the teacher alone with --teacher-only), and stop")
    ap.add_argument("--results", type=Path, help="where the figures go as JSON (default: <run>/eval.json; with --teacher-only, printed only unless given)")
    ap.add_argument("--threads", type=int, default=None, help="CPU threads (default: every core; 1 beside a training on the other)")
    ap.add_argument("--context-frames", type=int, default=STREAM_CONTEXT_FRAMES, help="the student's window, as the pack's manifest gives it")
    ap.add_argument("--sink-frames", type=int, default=STREAM_SINK_FRAMES, help="frames at the clip's start kept in the window (0 for packs before session 17)")
    ap.add_argument("--object-scale", type=float, help="object radius multiplier of the held-out scenes (default: the run's data, render.json; 1 without one)")
    args = ap.parse_args()
    if (args.drift_only or args.switch_only) and args.teacher_only:
        ap.error("--drift-only and --switch-only measure the student; leave out --teacher-only")
    setup_torch(args.threads)
    scale = args.object_scale if args.object_scale is not None else rendered_object_scale(data_dir())
    run = run_dir()
    cfg = default_config()
    ae = load_autoencoder(run)
    teacher, text = load_teacher(run, cfg, args.teacher)
    if not args.teacher_only:
        student = VideoDiT(cfg)
        student.load_state_dict(load(args.student or student_checkpoint(run))["state"]["student"])
        student.eval()
        timesteps = run_timesteps(run)

    switch_guidance = SwitchGuidance(args.switch_guidance, args.switch_guidance_steps, SWITCH_GUIDANCE.unguided_phrases)

    def streamer(guided: bool = True):
        """The student as the engine runs the pack exported from this run (export_default.py)."""
        return StudentStreamer(student, text, ae.decoder, timesteps, args.context_frames, args.sink_frames, switch_guidance if guided else None)

    def switch_figures(scorer) -> dict:
        """The colour and background switches; with switch guidance, the student's readings
        without it too, on the same seeds (under "unguided")."""
        out = {"switch_guidance": switch_guidance.manifest_entry(),
               "switch": colour_switch(streamer, ae, teacher, text, args.guidance, scale, correlation=args.noise_correlation),
               "background_switch": background_switch(streamer, ae, scorer, object_scale=scale)}
        if switch_guidance.scale:
            plain = lambda: streamer(guided=False)
            out["switch"]["unguided"] = student_colour_switch(plain, ae)
            if background_switches_guided(switch_guidance):  # else the plain clips are the ones above
                out["background_switch"]["unguided"] = background_switch(plain, ae, scorer, object_scale=scale)["cases"]
        return out

    roundtrip = autoencoder_roundtrip(ae)
    if args.studio_only:
        results = {"studio_objects": studio_object_figures(cfg, ae, roundtrip, teacher, text, args.guidance, None if args.teacher_only else streamer, scale, args.noise_correlation)}
        print_partial(results, args.results)
        return
    scorer_path = run / "scorer.pt"
    if scorer_path.exists():
        scorer = ClipClassifier()
        try:
            scorer.load_state_dict(load(scorer_path))
        except RuntimeError as e:  # a scorer.pt from an older architecture (sessions 5 and 13 changed it)
            raise SystemExit(f"{scorer_path} does not fit today's scorer ({str(e).splitlines()[0]}); "
                             "delete it and run train_scorer.py, or let evaluate.py train one.") from e
        scorer.eval()
    else:
        scorer = train_scorer(args.scorer_steps, 16, args.scorer_pool, roundtrip=roundtrip)
        torch.save(scorer.state_dict(), scorer_path)
    window = {"context_frames": args.context_frames, "sink_frames": args.sink_frames}
    if args.drift_only:
        results = {"window": window, "drift": drift_figures(streamer, ae, scorer, args.drift_seconds, DRIFT_SEEDS[: args.drift_clips])}
        print_partial(results, args.results)
        return
    if args.switch_only:
        print_partial(switch_figures(scorer), args.results)
        return
    results = {} if args.teacher_only else {"student_from": (args.student or student_checkpoint(run)).stem}

    # 1. Attribute accuracy on held-out colour/shape pairs; also the scorer on ground truth.
    from causvid.render import render_clip

    results["object_scale"] = scale
    results["teacher_noise_correlation"] = args.noise_correlation
    results["window"] = window
    scenes = held_out_scenes(args.per_pair, object_scale=scale)
    renders = [render_clip([s] * 4, 4) for s in scenes]
    results["scorer_on_ground_truth"] = accuracy([predict(scorer, c) for c in renders], scenes)
    # What any generator here can reach at best: its frames all come out of this decoder.
    decoded_renders = [roundtrip(c) for c in renders]
    results["scorer_on_autoencoded_truth"] = accuracy([predict(scorer, c) for c in decoded_renders], scenes)
    change = {"scorer_on_ground_truth": frame_change(renders), "scorer_on_autoencoded_truth": frame_change(decoded_renders)}
    tprompts = [[describe(s)] * 4 for s in scenes]
    t0 = time.time()
    tpreds, tclips = [], []
    with torch.no_grad():
        for i in range(0, len(scenes), 8):
            noise = teacher_noise(cfg, i, len(tprompts[i : i + 8]), args.noise_correlation)
            x0, _ = teacher_sample(teacher, text, tprompts[i : i + 8], 48, args.guidance, noise)
            for lat in x0:
                clip = frames_to_u8(ae.decoder(lat))
                tclips.append(clip)
                tpreds.append(predict(scorer, clip))
    results["teacher_seconds_per_clip"] = (time.time() - t0) / len(scenes)
    results["teacher"] = accuracy(tpreds, scenes)
    change["teacher"] = frame_change(tclips)
    results["frame_change"] = change
    results["studio_objects"] = studio_object_figures(cfg, ae, roundtrip, teacher, text, args.guidance, None if args.teacher_only else streamer, scale, args.noise_correlation)
    if args.teacher_only:
        print_partial(results, args.results)
        return
    t0 = time.time()
    spreds, sclips = [], []
    for i, s in enumerate(scenes):
        st = streamer()
        lat = st.generate({0: describe(s)}, 4, seed=1000 + i)
        with torch.no_grad():
            clip = frames_to_u8(ae.decoder(lat))
            sclips.append(clip)
            spreds.append(predict(scorer, clip))
    results["student_seconds_per_clip"] = (time.time() - t0) / len(scenes)
    results["student"] = accuracy(spreds, scenes)
    results["student_minus_teacher"] = paired_gap(tpreds, spreds, scenes)
    change["student"] = frame_change(sclips)
    print(json.dumps(results, indent=1), flush=True)

    # 2. Drift over a long clip: first 10 s against the last minute.
    results["drift"] = drift_figures(streamer, ae, scorer, args.drift_seconds, DRIFT_SEEDS[: args.drift_clips])
    print(json.dumps(results["drift"], indent=1), flush=True)

    # 3. A colour switch: frames until the new colour dominates, and how far the object jumps (the
    # teacher's and the renderer's clips of the same switch are the references); and a background
    # switch, the scorer's best-read attribute, so the latency is measurable even where objects are not.
    results |= switch_figures(scorer)
    print(json.dumps({k: results[k] for k in ("switch", "background_switch")}, indent=1), flush=True)

    # 4. A photo never seen in training, "the camera pans left".
    photo = P.center_texture(P.load_photo(P.HELD_OUT_PHOTO), size=cfg.frame_size)
    x = torch.from_numpy(photo).permute(2, 0, 1)[None]
    with torch.no_grad():
        z = ae.encoder(x)[0]
    st = streamer()
    lat = st.generate({0: "in a photo, the camera pans left"}, 8, seed=2, first_frame=z)
    with torch.no_grad():
        fr = frames_to_u8(ae.decoder(lat))
    shifts = [phase_shift(fr[i], fr[i + 1]) for i in range(len(fr) - 1)]
    f0 = fr[0].astype(np.float32)
    corr = [float(np.corrcoef(f0.ravel(), f.astype(np.float32).ravel())[0, 1]) for f in fr]
    results["photo_pan_left"] = {"shift_px_per_frame": shifts, "correlation_with_first_frame": corr[::4]}
    (args.results or run / "eval.json").write_text(json.dumps(results, indent=1))
    write_card(args.out, results)
    print(f"wrote {args.out}")


SWITCH_BAR_FRAMES = 4 + 8  # issue #2: a switched attribute shows within one block plus 8 frames
BACKGROUND_SWITCHES = (("sunset", "night"), ("sky", "sea"), ("grass", "studio"))
SWITCH_BLOCK = 4


DRIFT_PROMPT = Scene((SceneObject("red", "ball", "bouncing"),), "grass")


def drift_windows(seconds: int, blocks_per_second: int = 4) -> tuple[range, range]:
    """The blocks of a `seconds`-long clip read for drift: those of its first 10 s and of its
    last minute (block b ends at (b + 1) / blocks_per_second seconds)."""
    blocks = seconds * blocks_per_second
    return range(0, 10 * blocks_per_second), range(max(0, blocks - 60 * blocks_per_second), blocks)


def drift_figures(streamer, ae, scorer, seconds: int, seeds) -> dict:
    """Drift of a long student clip: its first 10 s against its last minute, as 1 s windows read
    by the scorer and as image statistics. Pooled over a few seeds: one clip's first 10 s are
    only ten windows, too few to read a 5-point change. Each seed's own accuracies are kept too,
    because the windows of one clip share its scene: the clips, not the windows, are the samples
    (drift_spread). Only the blocks read are decoded."""
    first_blocks, last_blocks = drift_windows(seconds)
    first, last, preds_first, preds_last, by_seed = [], [], [], [], []
    with torch.no_grad():
        for seed in seeds:
            st = streamer()
            st.set_prompt(describe(DRIFT_PROMPT))
            window, seed_first, seed_last = [], [], []
            for b in range(last_blocks.stop):
                latent = st.next_block(seed, b)[0]
                if b not in first_blocks and b not in last_blocks:
                    continue
                window.append(frames_to_u8(ae.decoder(latent)))
                if len(window) == 4:  # a 1 s window, the scorer's clip length
                    clip = np.concatenate(window)
                    window = []
                    clips, preds = (first, seed_first) if b in first_blocks else (last, seed_last)
                    clips.append(clip)
                    preds.append(predict(scorer, clip))
            preds_first += seed_first
            preds_last += seed_last
            by_seed.append({"seed": seed, "first_10s": accuracy(seed_first, [DRIFT_PROMPT] * len(seed_first))["mean"],
                            "last_minute": accuracy(seed_last, [DRIFT_PROMPT] * len(seed_last))["mean"]})
    s_first, s_last = image_stats(np.concatenate(first)), image_stats(np.concatenate(last))
    return {
        "seconds": seconds,
        "clips": len(seeds),
        "accuracy_first_10s": accuracy(preds_first, [DRIFT_PROMPT] * len(preds_first))["mean"],
        "accuracy_last_minute": accuracy(preds_last, [DRIFT_PROMPT] * len(preds_last))["mean"],
        "accuracy_by_seed": by_seed,
        "stats_first_10s": s_first,
        "stats_last_minute": s_last,
        "relative_change": {k: (s_last[k] - s_first[k]) / max(1e-6, s_first[k]) for k in s_first},
    }


def drift_spread(by_seed: list[dict]) -> float | None:
    """The standard error of the pooled accuracy change (last minute minus first 10 s), from the
    seeds' own changes: how finely the drift bar's 5 points can be read. None under two seeds.
    Nine seeds of the shipped pack changed by -19 to +26 points each (training log, session 35)."""
    changes = [s["last_minute"] - s["first_10s"] for s in by_seed]
    if len(changes) < 2:
        return None
    return float(np.std(changes, ddof=1) / np.sqrt(len(changes)))


def frame_backgrounds(scorer, frames_u8) -> list[str]:
    """The scorer's background for each frame on its own (a frame held for 16 frames)."""
    return [predict(scorer, np.repeat(f[None], 16, axis=0))["background"] for f in frames_u8]


def frames_until(labels: list[str], start: int, target: str, hold: int = 4):
    """Frames from `start` until `target` is read and then held for `hold` frames, or None."""
    for i in range(start, len(labels) - hold + 1):
        if all(x == target for x in labels[i : i + hold]):
            return i - start
    return None


COLOUR_SWITCH = ("a red ball standing still in a studio", "a blue ball standing still in a studio")
JUMP_BAR_PX = 8  # issue #2: "the object does not jump"; one latent cell, against the renderer's ~1 px
# Below this share of the frame off the backdrop an object is gone: the smallest rendered ball
# (radius 0.09 view widths at 1x) covers 2.5%; the studio a 2x2 DMD student emptied at a switch
# read 0.0% (session 34), its fading remnant 0.9%.
GONE_COVER = 0.01


def object_cover(frames) -> float:
    """Mean share of the frame far off the studio backdrop over (N, H, W, 3) uint8 frames: read
    on a switched clip's last block, it tells an object that stays in its old colour from one
    that faded and never came back (session 34's 2x2 DMD student), which "never shown" cannot."""
    return float(np.mean([off_backdrop(f).mean() for f in frames]))


def gone_after_switch(covers) -> int:
    """How many seeds' switched clips end with no object (object_cover below GONE_COVER)."""
    return sum(c < GONE_COVER for c in covers)


def switch_reading(frames, switch: int):
    """(frames after `switch` until blue dominates, or None; how far the object moved from the
    last red frame to the first blue one (the switch frame where blue never dominates), px, or
    None where either colour is not drawn)."""
    shown = next((i for i in range(len(frames) - switch) if color_pixels(frames[switch + i], "blue") > max(20, color_pixels(frames[switch + i], "red"))), None)
    return shown, centroid_distance(centroid(frames[switch - 1], "red"), centroid(frames[min(len(frames) - 1, switch + (shown or 0))], "blue"))


def centroid_distance(a, b):
    """Pixels between two centroids, or None where either is missing (nothing of its colour drawn)."""
    return float(np.hypot(b[0] - a[0], b[1] - a[1])) if a and b else None


def unswitched_move(frames, switch: int, gap: int):
    """How far the red object moved, in a clip whose prompt never switches, between the frames a
    switch reading compares: the last one before `switch` and `gap` frames after it (px, or None
    where either is without red). The control for the jump: what the generator's object wanders
    across the same frames when nothing asks it to change."""
    return centroid_distance(centroid(frames[switch - 1], "red"), centroid(frames[min(len(frames) - 1, switch + gap)], "red"))


def student_colour_switch(streamer, ae, seeds=range(6)) -> dict:
    """The student's readings of the colour switch, per seed. Its two clips of a seed are the same
    frames up to the switch (it is causal)."""
    red, blue = COLOUR_SWITCH
    switch = SWITCH_BLOCK * 4
    out = {"frames_until_shown": [], "object_jump_px": [], "unswitched_move_px": [], "last_block_cover": []}
    for seed in seeds:
        with torch.no_grad():
            fr = frames_to_u8(ae.decoder(streamer().generate({0: red, SWITCH_BLOCK: blue}, 10, seed=seed)))
            still = frames_to_u8(ae.decoder(streamer().generate({0: red}, 10, seed=seed)))
        shown, jump = switch_reading(fr, switch)
        out["last_block_cover"].append(object_cover(fr[-4:]))
        out["frames_until_shown"].append(shown if shown is not None else float("nan"))
        if jump is not None:
            out["object_jump_px"].append(jump)
        if (move := unswitched_move(still, switch, shown or 0)) is not None:
            out["unswitched_move_px"].append(move)
    return out


def colour_switch(streamer, ae, teacher, text, guidance, object_scale, seeds=range(6), correlation: float = 0.0):
    """Red ball -> blue ball, standing still in the studio. The student streams 10 blocks and
    switches at block SWITCH_BLOCK (`student_colour_switch`); the teacher, whose clip is 4
    blocks, switches at block 2 (48 steps, the same seeds' noise); the renderer's clip of the
    student's schedule is the truth. Each also makes the same clip with the red prompt
    throughout, whose object's move across the same frames (`unswitched_move`) tells a jump the
    switch causes from the object's wandering."""
    from causvid.render import render_clip

    red, blue = COLOUR_SWITCH
    switch = SWITCH_BLOCK * 4
    out = student_colour_switch(streamer, ae, seeds)
    cfg = teacher.cfg
    noise = torch.cat([teacher_noise(cfg, s, 1, correlation) for s in seeds])
    half = cfg.clip_frames // cfg.frames_per_block // 2
    with torch.no_grad():
        x0, _ = teacher_sample(teacher, text, [[red] * half + [blue] * half] * len(seeds), 48, guidance, noise)
        switched = [frames_to_u8(ae.decoder(x)) for x in x0]
        readings = [switch_reading(fr, half * cfg.frames_per_block) for fr in switched]
        x0, _ = teacher_sample(teacher, text, [[red] * (2 * half)] * len(seeds), 48, guidance, noise)
        moves = [unswitched_move(frames_to_u8(ae.decoder(x)), half * cfg.frames_per_block, r[0] or 0) for x, r in zip(x0, readings)]
    out["teacher"] = {
        "frames_until_shown": [r[0] for r in readings],
        "object_jump_px": [r[1] for r in readings if r[1] is not None],
        "unswitched_move_px": [m for m in moves if m is not None],
        "last_block_cover": [object_cover(fr[-cfg.frames_per_block:]) for fr in switched],
    }
    scenes = [with_object_scale(Scene((SceneObject(c, "ball", "standing still"),), "studio"), object_scale) for c in ("red", "blue")]
    truth = render_clip([scenes[0]] * SWITCH_BLOCK + [scenes[1]] * 6, 4)
    shown, jump = switch_reading(truth, switch)
    move = unswitched_move(render_clip([scenes[0]] * 10, 4), switch, shown or 0)
    out["ground_truth"] = {"frames_until_shown": [shown], "object_jump_px": [jump] if jump is not None else [], "unswitched_move_px": [move] if move is not None else [],
                           "last_block_cover": [object_cover(truth[-4:])]}
    return out


def share_read_as(labels: list[str], start: int, target: str) -> float:
    """Share of the frames from `start` on that the scorer reads as `target`."""
    rest = labels[start:]
    return sum(label == target for label in rest) / len(rest)


def background_switch_scenes(a: str, b: str, object_scale: float = 1.0) -> tuple[Scene, Scene]:
    """The card's background switch from `a` to `b`: a red ball bouncing, before and after."""
    ball = (SceneObject("red", "ball", "bouncing"),)
    return with_object_scale(Scene(ball, a), object_scale), with_object_scale(Scene(ball, b), object_scale)


def background_switches_guided(guidance: SwitchGuidance | None, switches=BACKGROUND_SWITCHES) -> bool:
    """Whether the student guides any of these background switches ((from, to) pairs): not where
    the pack's unguided phrases hold both backgrounds (session 45's manifest on), nor without
    guidance."""
    return guidance is not None and any(guidance.guides(*(describe(s) for s in background_switch_scenes(a, b))) for a, b in switches)


def background_switch(streamer, ae, scorer, seeds=(0, 1), object_scale: float = 1.0):
    """A red ball bouncing, its background switched at block SWITCH_BLOCK; the ground-truth
    render of the same schedule (which fades over a few frames) is the reference. The control
    is the same seed's clip with the new background's prompt throughout: how much of it, over
    the same frames, reads as that background, so that a switch that never shows can be told
    from a background the student does not draw at all (training log, session 27)."""
    from causvid.render import render_clip

    out = {"switch_frame": SWITCH_BLOCK * 4, "cases": []}
    for a, b in BACKGROUND_SWITCHES:
        sa, sb = background_switch_scenes(a, b, object_scale)
        truth = frames_until(frame_backgrounds(scorer, render_clip([sa] * SWITCH_BLOCK + [sb] * 6, 4)), out["switch_frame"], b)
        for seed in seeds:
            st = streamer()
            lat = st.generate({0: describe(sa), SWITCH_BLOCK: describe(sb)}, 10, seed=seed)
            only_new = streamer().generate({0: describe(sb)}, 10, seed=seed)
            with torch.no_grad():
                labels = frame_backgrounds(scorer, frames_to_u8(ae.decoder(lat)))
                control = frame_backgrounds(scorer, frames_to_u8(ae.decoder(only_new)))
            out["cases"].append(
                {
                    "from": a,
                    "to": b,
                    "seed": seed,
                    "old_shown_before": labels[out["switch_frame"] - 1] == a,
                    "frames_until_shown": frames_until(labels, out["switch_frame"], b),
                    "ground_truth_frames": truth,
                    "unswitched_share_read": share_read_as(control, out["switch_frame"], b),
                }
            )
    return out


COLUMNS = ("scorer_on_ground_truth", "scorer_on_autoencoded_truth", "teacher", "student")


def gap_lines(r: dict) -> list[str]:
    """The card's line on the student's accuracy against the teacher's, clip by clip."""
    gap = r.get("student_minus_teacher")
    if not gap:
        return []
    return [f"Over the {gap['clips']} held-out clips, read clip by clip (both drew the same scenes), the student scores "
            f"{gap['points']:+.1f} points against the teacher, with a standard error of {gap['standard_error']:.1f} points.", ""]


def bar_verdicts(r: dict) -> list[str]:
    """Each bar of issue #2 that the numbers can decide, with the figure it was decided on."""
    out = []
    s, t = r["student"]["mean"], r["teacher"]["mean"]
    gap = r.get("student_minus_teacher")  # absent from runs before session 37
    # What the scorer itself reads on the renders: a bar above it cannot be met by any generator.
    ceiling = r.get("scorer_on_ground_truth"), r.get("scorer_on_autoencoded_truth")
    out.append(f"- Student attribute accuracy ≥ 90% and within 3 points of the teacher: student {100 * s:.0f}%, teacher {100 * t:.0f}%"
               + (f" (student − teacher {gap['points']:+.1f} ± {gap['standard_error']:.1f} points, paired over {gap['clips']} clips)" if gap else "")
               + ": " + ("**met**" if s >= 0.9 and s >= t - 0.03 else "**not met**")
               + (f"; the scorer reads the ground truth itself at {100 * ceiling[0]['mean']:.0f}% and through the autoencoder at "
                  f"{100 * ceiling[1]['mean']:.0f}%" if all(ceiling) else "") + ".")
    d = r["drift"]
    worst = max(abs(v) for v in d["relative_change"].values())
    acc_drop = d["accuracy_first_10s"] - d["accuracy_last_minute"]
    se = drift_spread(d.get("accuracy_by_seed", []))  # absent from runs before session 35
    out.append(f"- 5-minute clip, last minute within 5% of the first 10 s: largest image-statistic change {100 * worst:.1f}%, "
               f"classifier accuracy {100 * d['accuracy_first_10s']:.0f}% → {100 * d['accuracy_last_minute']:.0f}%: "
               + ("**met**" if worst <= 0.05 and acc_drop <= 0.05 else "**not met**")
               + (f" (the change's standard error across clips: {100 * se:.1f} points)" if se is not None else "") + ".")
    lat = [x for x in r["switch"]["frames_until_shown"] if x == x]
    gone = gone_after_switch(r["switch"].get("last_block_cover", []))
    # A blue speck before the object fades out is not the switched object: a gone seed fails the bar.
    ok = len(lat) == len(r["switch"]["frames_until_shown"]) and max(lat, default=99) <= SWITCH_BAR_FRAMES and not gone
    out.append(f"- A switched colour shows within one block + 8 frames: {len(lat)} of {len(r['switch']['frames_until_shown'])} seeds show it"
               + ((f", at most {max(lat)} frames after the switch" if max(lat) else ", at the switch's first frame") if lat else "") + ": " + ("**met**" if ok else "**not met**")
               + (f" (in {gone} the object is gone by the clip's last block)" if gone else "") + ".")
    jumps = r["switch"]["object_jump_px"]
    moves = r["switch"].get("unswitched_move_px")  # absent from runs before session 21
    ok = len(jumps) == len(r["switch"]["frames_until_shown"]) and max(jumps, default=99) <= JUMP_BAR_PX
    out.append(f"- The switched object stays where it was (within {JUMP_BAR_PX} px, one latent cell): {len(jumps)} seeds read, "
               + (f"{min(jumps):.1f}–{max(jumps):.1f} px" if jumps else "none") + ": " + ("**met**" if ok else "**not met**")
               + (f" (with no switch the object moves {min(moves):.1f}–{max(moves):.1f} px between the same frames)" if moves else "") + ".")
    if "background_switch" in r:
        cases = r["background_switch"]["cases"]
        shown = [c["frames_until_shown"] for c in cases if c["frames_until_shown"] is not None]
        ok = len(shown) == len(cases) and max(shown) <= SWITCH_BAR_FRAMES
        out.append(f"- A switched background shows within one block + 8 frames: {len(shown)} of {len(cases)} switches show it"
                   + (f", after {frame_range(shown)} frames" if shown else "") + ": " + ("**met**" if ok else "**not met**")
                   + undrawn_backgrounds(cases) + ".")
    corr = r["photo_pan_left"]["correlation_with_first_frame"]
    out.append(f"- A held-out photo panned stays recognisable: correlation with frame 0 after 1 s {corr[min(4, len(corr) - 1)]:.2f}, after 2 s {corr[-1]:.2f}.")
    return out


def frame_range(counts) -> str:
    """"2–5", or "0" where every count is the same."""
    return f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)}–{max(counts)}"


def undrawn_backgrounds(cases: list[dict]) -> str:
    """The verdict's note on switches whose new background the student does not draw even
    without a switch (its no-switch control reads as it in under half the frames), or ""."""
    controls: dict[str, list[float]] = {}
    for c in cases:
        if "unswitched_share_read" in c:
            controls.setdefault(c["to"], []).append(c["unswitched_share_read"])
    weak = {bg: mean for bg, v in controls.items() if (mean := sum(v) / len(v)) < 0.5}
    if not weak:
        return ""
    return " (the student's clips with the new prompt from the start: " + ", ".join(
        f"{bg} read in {100 * mean:.0f}% of their frames" for bg, mean in weak.items()) + ")"


def switch_guidance_of(r: dict) -> dict | None:
    """The run's switch guidance ({"scale", "steps"}) where its student was guided, else None
    (runs before session 43 have none; a scale of 0 is none)."""
    g = r.get("switch_guidance")
    return g if g and g["scale"] else None


def colour_switch_lines(sw: dict, r: dict) -> list[str]:
    def cells(d):  # per seed; never shown is NaN in the student's list (JSON), None in the teacher's
        shown = ", ".join("never" if x is None or x != x else str(x) for x in d["frames_until_shown"])
        px = lambda key: ", ".join(f"{j:.1f}" for j in d.get(key, [])) or "not read"
        # absent from runs before session 34
        cover = ", ".join(f"{100 * c:.1f}%" for c in d.get("last_block_cover", [])) or "not read"
        return f"{shown} | {px('object_jump_px')} | {px('unswitched_move_px')} | {cover}"

    g = switch_guidance_of(r)
    guided = g is not None
    student = [f"| student, switch guidance {g['scale']:g} on {g['steps']} steps | {cells(sw)} |"] if guided else [f"| student | {cells(sw)} |"]
    if guided and "unguided" in sw:
        student.append(f"| student without switch guidance | {cells(sw['unguided'])} |")
    return [
        f"## Prompt switch (red ball → blue ball, standing still in the studio, at block {SWITCH_BLOCK})",
        "",
        "Frames after the switch until blue dominates the red, per seed, and how far the object moved from "
        "the last red frame to the first blue one (seeds where both are drawn). The teacher's 4-block clip "
        "switches at block 2. The third column is the control: the same seeds with the red prompt throughout, "
        "and how far the red object moves between the same two frames. The last, the share of the frame the object "
        "covers in the switched clip's last block, tells an object that kept its old colour from one that is gone "
        f"(under {100 * GONE_COVER:g}%)."
        + (" The student's first block after the switch is guided away from the old prompt, as the pack's manifest asks "
           "(docs/model-pack.md, *Switch guidance*); the row without it is the same seeds, unguided." if guided else ""),
        "",
        "| | frames until blue shows | object jump (px) | no switch: the object's move (px) | object in the last block (share of the frame) |",
        "|---|---|---|---|---|",
        f"| ground truth | {cells(sw['ground_truth'])} |",
        f"| {teacher_label(r)} | {cells(sw['teacher'])} |",
        *student,
        "",
    ]


def background_switch_lines(r: dict) -> list[str]:
    if "background_switch" not in r:
        return []
    bs = r["background_switch"]

    def control(c):  # absent from runs before session 27
        return f"{100 * c['unswitched_share_read']:.0f}%" if "unswitched_share_read" in c else "not read"

    def frames(n):
        return n if n is not None else "never"

    g = switch_guidance_of(r)
    exempt = g is not None and not background_switches_guided(SwitchGuidance.from_manifest({"switch_guidance": g}), [(c["from"], c["to"]) for c in bs["cases"]])
    unguided = bs.get("unguided") if g and not exempt else None
    rows = [
        f"| {c['from']} → {c['to']} | {c['seed']} | {'yes' if c['old_shown_before'] else 'no'} | {frames(c['frames_until_shown'])} | "
        + (f"{frames(u['frames_until_shown'])} | " if unguided else "")
        + f"{frames(c['ground_truth_frames'])} | {control(c)} |"
        for c, u in zip(bs["cases"], unguided or bs["cases"])
    ]
    guided_column = " | without switch guidance" if unguided else ""
    return [
        f"## Prompt switch of the background (red ball bouncing, switched at block {bs['switch_frame'] // 4})",
        "",
        "The scorer reads each frame's background on its own; a switch counts as shown once the new "
        "background is read for 4 frames in a row. The ground-truth render of the same schedule fades "
        "over a few frames and is the reference. The last column is the control: the same seed with the new "
        "background's prompt from the start, and the share of the same frames read as that background."
        + (" The pack's manifest exempts a switch of background alone from switch guidance (`unguided_phrases`, "
           "docs/model-pack.md), so the student makes these switches plain." if exempt else ""),
        "",
        f"| switch | seed | old background shown before | frames until the new one shows{guided_column} | ground truth | no switch: frames read as the new one |",
        "|---" * (7 if unguided else 6) + "|",
        *rows,
        "",
    ]


def studio_object_lines(r: dict) -> list[str]:
    o = r.get("studio_objects")
    if not o:
        return []
    who = [k for k in ("truth", "autoencoded_truth", "teacher", "student") if k in o]
    names = {"truth": "ground truth", "autoencoded_truth": "ground truth through the autoencoder", "teacher": "teacher", "student": "student"}

    def row(label, key, fmt):
        return f"| {label} | " + " | ".join(fmt(o[k][key]) if key in o[k] else "—" for k in who) + " |"

    return [
        "## Are the objects drawn at all?",
        "",
        "Each held-out pair twice, standing still in the plain grey studio, where every pixel far off the "
        "grey backdrop (0.25 in some channel) belongs to the object. The classifier's mean does not show "
        "a generator that leaves the objects out (training log, session 7); these figures do. The shape is "
        "read from the object's silhouette (how much of its bounding box and of its convex hull it fills, "
        "`causvid/silhouette.py`), per frame.",
        "",
        "| | " + " | ".join(names[k] for k in who) + " |",
        "|---" * (len(who) + 1) + "|",
        row("share of the frame far off the backdrop", "cover", lambda v: f"{100 * v:.1f}%"),
        row("clips whose such pixels are nearest the prompted colour", "colour_right", lambda v: f"{100 * v:.0f}%"),
        row("frames whose silhouette reads as the prompted shape", "shape_right", lambda v: f"{100 * v:.0f}%"),
        row("separate pieces the object is drawn in, per frame (one: whole)", "pieces", lambda v: f"{v:.2f}"),
        row("overlap of its silhouette with the previous frame's (IoU; drawn the same every frame: 1)", "steadiness", lambda v: f"{v:.2f}"),
        "",
    ]


def teacher_label(r: dict) -> str:
    """The teacher's column, with how its frames' noise was drawn (absent before session 22: independent)."""
    c = r.get("teacher_noise_correlation", 0.0)
    return "teacher (48 steps, CFG 3" + (f", frames' noise correlated {c:g})" if c else ")")


def drift_seed_lines(d: dict) -> list[str]:
    """The classifier's accuracy clip by clip, and the standard error it puts on the pooled
    change; nothing for results from before session 35, which lack them."""
    by_seed = d.get("accuracy_by_seed")
    if not by_seed:
        return []
    each = ", ".join(f"{100 * s['first_10s']:.0f}% → {100 * s['last_minute']:.0f}%" for s in by_seed)
    se = drift_spread(by_seed)
    line = f"Clip by clip (seeds {', '.join(str(s['seed']) for s in by_seed)}): {each}."
    if se is not None:
        line += (f" From these, the pooled accuracy change has a standard error of {100 * se:.1f} points, "
                 "so the bar's 5 points are read only that finely.")
    return [line, ""]


def write_card(path: Path, r: dict):
    def row(name, key):
        return f"| {name} | " + " | ".join(f"{100 * r[who][key]:.0f}%" for who in COLUMNS) + " |"

    d = r["drift"]
    sw = r["switch"]
    ph = r["photo_pan_left"]
    lines = [
        "# Model card: playground-default",
        "",
        "Made by `training/evaluate.py` from the checkpoints in `training/runs/default` "
        f"(student from `{r['student_from']}`). " + r.get("provenance", "Numbers come from one run of that script.") + " See "
        "`training/README.md` for how the pack was trained and what it cost.",
        "",
        "## Attribute accuracy on held-out colour/shape pairs",
        "",
        "Held-out pairs (never rendered for training): " + ", ".join(f"{c} {s}" for c, s in sorted(HELD_OUT_PAIRS)) + ". "
        "A small video classifier trained on rendered ground truth reads each 16-frame clip. Its rows on "
        "the ground-truth renders, and on the same renders through the frame autoencoder (which every "
        "generated frame goes through), are the ceilings. "
        f"Objects are drawn at {r.get('object_scale', 1.0):g}× the base radius (0.09–0.15 view widths), the size the "
        "pack's training clips had.",
        "",
        f"| attribute | scorer on ground truth | ground truth through the autoencoder | {teacher_label(r)} | student (4 steps, causal) |",
        "|---|---|---|---|---|",
        *[row(k, k) for k in list(HEADS) + ["mean"]],
        "",
        *gap_lines(r),
        f"Time per 1 s clip in PyTorch on this CPU: teacher {r['teacher_seconds_per_clip']:.2f} s, student {r['student_seconds_per_clip']:.2f} s.",
        "",
        "## Temporal consistency",
        "",
        "Mean absolute change of a pixel from one frame to the next (0–1), on the same held-out clips. "
        "Ground truth moves a little; a generator that draws each frame on its own flickers and scores high.",
        "",
        "| | ground truth | ground truth through the autoencoder | teacher | student |",
        "|---|---|---|---|---|",
        "| frame-to-frame change | " + " | ".join(f"{r['frame_change'][who]:.3f}" for who in COLUMNS) + " |",
        "",
        *studio_object_lines(r),
        f"## Drift over a {d['seconds'] // 60}-minute student clip",
        "",
        f"Pooled over {d.get('clips', 1)} clip{'s' if d.get('clips', 1) > 1 else ''} (seeds), each read in 1 s windows. "
        + (f"The student streams as the pack's manifest says: {w['context_frames']} frames of context, of which the clip's first "
           f"{w['sink_frames']} stay (sink frames)." if (w := r.get("window")) else ""),
        "",
        "| measure | first 10 s | last minute | change |",
        "|---|---|---|---|",
        f"| classifier accuracy (red ball bouncing on the grass) | {100 * d['accuracy_first_10s']:.0f}% | {100 * d['accuracy_last_minute']:.0f}% | |",
        *[f"| {k} | {d['stats_first_10s'][k]:.3f} | {d['stats_last_minute'][k]:.3f} | {100 * d['relative_change'][k]:+.1f}% |" for k in d["stats_first_10s"]],
        "",
        *drift_seed_lines(d),
        *colour_switch_lines(sw, r),
        *background_switch_lines(r),
        "## A photo never seen in training, \"the camera pans left\"",
        "",
        f"Horizontal shift between consecutive frames (px, positive = content slides right): {ph['shift_px_per_frame']}.",
        f"Correlation of every 4th frame with the first: {[round(c, 2) for c in ph['correlation_with_first_frame']]}.",
        "",
        "## Against the bars (issue #2), as computed",
        "",
        *bar_verdicts(r),
        "",
        NOTES_MARKER,
    ]
    old = path.read_text() if path.exists() else ""
    notes = old.split(NOTES_MARKER, 1)[1] if NOTES_MARKER in old else ""
    path.write_text("\n".join(lines) + notes)


if __name__ == "__main__":
    main()
