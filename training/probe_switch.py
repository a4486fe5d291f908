"""Does a teacher keep the object in place at a prompt switch when the frames before the switch
are given clean, as a causal student's context is?

    python3 training/probe_switch.py [--checkpoint runs/default/teacher.pt] [--guidance 3]

The object-jump bar (a switched colour shows and the object stays within 8 px) is the student's,
but DMD teaches the student the teacher's clips, so a teacher that redraws the object elsewhere
after a switch teaches a student that does. `evaluate.py` reads the teacher's jump from clips it
samples whole, where the frames before the switch are noisy too and nothing pins the place. Here
the teacher first draws its own red-ball clip (`evaluate.COLOUR_SWITCH`), whose first two blocks
are then given clean (t = 0) while it samples the last two twice: under the blue prompt, and
under the red one as the control. Per seed: frames until blue shows, the jump from the last red
frame to the first blue one, and how far the red object moves between the same frames with no
switch (`evaluate.switch_reading`, `evaluate.unswitched_move`). A teacher that carries its
context on jumps about as far as the control moves.

With `--real-prefix` the clean frames are the renderer's instead (a red ball standing still in
the studio at a place drawn from the seed, through the autoencoder): a teacher that keeps the
place after such frames but not after its own is thrown by its own drawing, not by the switch.

`--one-shot` reads the same question in seconds, where a sampled clip decides it: at high noise.
The renderer's whole clip (red ball, then blue in the same place) is given, its first half clean
and the rest noised to t = 0.95, and the teacher's one-step clean estimate of the frames after
the colour's fade is scored against the truth (mean squared error, latent units). Beside it the
same for two switches that keep the colour: none, and standing still -> moving right. A teacher
that carries the place scores the colour switch as low as those; one that does not scores above
`truth_spread`, what guessing the seeds' average frame would.

`--attention` asks where that estimate looks. In the same one-shot pass it records each layer's
self-attention and reports, for the queries at the ball's place in the settled frames, the share
of their attention that lands on the clean half and on the ball's place there (uniform attention
would give half and one token in a frame's count). A teacher that looks at the red ball as much
after a colour switch as without one has the place in hand, and loses it in what it does with it.
"""

import argparse
import json
import random

import torch

from causvid.common import TEACHER_NOISE_CORRELATION, default_config, load_autoencoder, run_dir, setup_torch
from causvid.data import SHIPPED_OBJECT_SCALE
from causvid.model import attention_recorded, flow_noise, place_map, x0_from_v
from causvid.prompts import Scene, SceneObject, describe, with_object_scale
from causvid.render import BLEND_FRAMES, render_clip
from causvid.sampler import encode_block_prompts, frames_from_u8, frames_to_u8, teacher_sample
from evaluate import COLOUR_SWITCH, switch_reading, teacher_noise, unswitched_move
from make_ode_pairs import load_teacher


# What the ball turns into after the given half in --one-shot: the colour switch the bar is
# about, and two controls that keep the colour.
ONE_SHOT_CASES = {"no switch": ("red", "standing still"), "colour switch": ("blue", "standing still"), "motion switch": ("red", "moving right")}
ONE_SHOT_T = 0.95


def rendered_clips(encoder, seeds, cfg, after=("red", "standing still"), object_scale: float = SHIPPED_OBJECT_SCALE):
    """Latent clips (B, N, C, h, w), as long as the teacher's, of a red ball standing still in the
    studio for the first half of the blocks and then `after` (colour, motion), one place per seed
    (a quarter to three quarters of the view each way), as the training clips draw it; and each
    clip's block prompts."""
    blocks, given = cfg.clip_frames // cfg.frames_per_block, given_blocks(cfg)
    plan = [("red", "standing still")] * given + [after] * (blocks - given)
    clips, prompts = [], []
    for seed in seeds:
        rng = random.Random(seed)
        x, y = rng.uniform(0.25, 0.75), rng.uniform(0.25, 0.75)
        scenes = [with_object_scale(Scene((SceneObject(c, "ball", m, x=x, y=y),), "studio"), object_scale) for c, m in plan]
        with torch.no_grad():
            clips.append(encoder(frames_from_u8(render_clip(scenes, cfg.frames_per_block))))
        prompts.append([describe(s) for s in scenes])
    return torch.stack(clips), prompts


def rendered_prefix(encoder, seeds, cfg, object_scale: float = SHIPPED_OBJECT_SCALE) -> torch.Tensor:
    """The red ball standing still throughout (`rendered_clips`), for --real-prefix."""
    return rendered_clips(encoder, seeds, cfg, object_scale=object_scale)[0]


def given_blocks(cfg) -> int:
    """The blocks of the teacher's clip before the switch: the first half, given clean."""
    return cfg.clip_frames // cfg.frames_per_block // 2


def second_half(cfg) -> int:
    """The first frame of the clip's second half, where the probe's clips switch."""
    return given_blocks(cfg) * cfg.frames_per_block


def settled_frame(cfg) -> int:
    """The first frame of the second half in the new colour alone (after the fade)."""
    return second_half(cfg) + BLEND_FRAMES - 1


def one_shot_error(teacher, text, clips, block_prompts, noise, t: float = ONE_SHOT_T) -> float:
    """Squared error of the teacher's one-step clean estimate of the second half's frames after
    the colour's fade, with the first half of `clips` clean and the rest noised to t."""
    cfg = teacher.cfg
    tt = torch.zeros(clips.shape[:2])
    tt[:, second_half(cfg) :] = t
    emb, mask = encode_block_prompts(text, block_prompts)
    x_t = flow_noise(clips, noise, tt)
    with torch.no_grad():
        x0 = x0_from_v(x_t, teacher.bidirectional(x_t, tt, emb, mask), tt)
    return float(((x0 - clips)[:, settled_frame(cfg) :] ** 2).mean())


def one_shot_cases(encoder, seeds, cfg, correlation):
    """The one-shot pass's inputs, per case of ONE_SHOT_CASES: (case, rendered clips, their block
    prompts, the seeds' noise)."""
    noise = torch.cat([teacher_noise(cfg, s, 1, correlation) for s in seeds])
    for case, after in ONE_SHOT_CASES.items():
        clips, prompts = rendered_clips(encoder, seeds, cfg, after)
        yield case, clips, prompts, noise


def one_shot_reading(teacher, text, encoder, seeds, correlation=TEACHER_NOISE_CORRELATION) -> dict:
    """--one-shot's figures: per case of ONE_SHOT_CASES the error, and the truth's spread about
    the seeds' average frame on the same frames (what a guess of that average would score)."""
    settled = settled_frame(teacher.cfg)
    error, spread = {}, {}
    for case, clips, prompts, noise in one_shot_cases(encoder, seeds, teacher.cfg, correlation):
        error[case] = round(one_shot_error(teacher, text, clips, prompts, noise), 3)
        rest = clips[:, settled:]
        spread[case] = round(float(((rest - rest.mean(dim=(0, 1), keepdim=True)) ** 2).mean()), 3)
    return {"t": ONE_SHOT_T, "error": error, "truth_spread": spread}


def ball_tokens(clips, frame: int, patch: int) -> torch.Tensor:
    """(B,) the token of `frame` holding most of its place map: where the ball is."""
    pm = place_map(clips[:, frame : frame + 1])[:, 0, 0]  # (B, h, w)
    b, h, w = pm.shape
    return pm.reshape(b, h // patch, patch, w // patch, patch).sum(dim=(2, 4)).reshape(b, -1).argmax(-1)


def attention_to_place(weights, tokens, cfg) -> dict:
    """From one layer's weights (B, H, N*T, N*T): the mean share, over heads, seeds and the
    queries at each seed's ball token in the settled frames, of attention on the clean half
    and on the ball's token in each frame of it."""
    T, half, settled = cfg.tokens_per_frame, second_half(cfg), settled_frame(cfg)
    clean, place = [], []
    for w, tok in zip(weights, tokens.tolist()):
        rows = w[:, [f * T + tok for f in range(settled, cfg.clip_frames)]]  # (H, queries, N*T)
        clean.append(rows[..., : half * T].sum(-1).mean())
        place.append(rows[..., [f * T + tok for f in range(half)]].sum(-1).mean())
    return {"to_clean_half": round(float(torch.stack(clean).mean()), 3), "to_ball_place": round(float(torch.stack(place).mean()), 3)}


def attention_reading(teacher, text, encoder, seeds, correlation=TEACHER_NOISE_CORRELATION) -> dict:
    """--attention's figures: per case of ONE_SHOT_CASES, per layer, `attention_to_place` in the
    one-shot pass at t = ONE_SHOT_T."""
    cfg = teacher.cfg
    reading = {}
    for case, clips, prompts, noise in one_shot_cases(encoder, seeds, cfg, correlation):
        tokens = ball_tokens(clips, second_half(cfg) - 1, cfg.patch)
        with attention_recorded() as weights:
            one_shot_error(teacher, text, clips, prompts, noise)
        n = cfg.clip_frames * cfg.tokens_per_frame  # the self-attentions: every token to every token
        reading[case] = [attention_to_place(w, tokens, cfg) for w in weights if w.shape[-2:] == (n, n)]
    uniform = {"to_clean_half": second_half(cfg) / cfg.clip_frames, "to_ball_place": round(second_half(cfg) / (cfg.clip_frames * cfg.tokens_per_frame), 4)}
    return {"t": ONE_SHOT_T, "per_layer": reading, "uniform": uniform}


def prefixed_switch(teacher, text, decoder, seeds, guidance=3.0, steps=48, correlation=TEACHER_NOISE_CORRELATION, prefix=None) -> dict:
    """The probe's figures for each seed, and the decoded clips (switched, control) behind them.
    The clean frames are the teacher's own red clip's, or those of `prefix` (B, N, C, h, w)."""
    cfg = teacher.cfg
    blocks, given, switch = cfg.clip_frames // cfg.frames_per_block, given_blocks(cfg), second_half(cfg)
    red, blue = COLOUR_SWITCH
    noise = torch.cat([teacher_noise(cfg, s, 1, correlation) for s in seeds])
    b = len(seeds)
    known = torch.zeros(b, cfg.clip_frames, dtype=torch.bool)
    known[:, :switch] = True
    with torch.no_grad():
        if prefix is None:
            prefix, _ = teacher_sample(teacher, text, [[red] * blocks] * b, steps, guidance, noise)
        switched, _ = teacher_sample(teacher, text, [[red] * given + [blue] * (blocks - given)] * b, steps, guidance, noise, cond=(prefix, known))
        control, _ = teacher_sample(teacher, text, [[red] * blocks] * b, steps, guidance, noise, cond=(prefix, known))
        clips = [(frames_to_u8(decoder(s)), frames_to_u8(decoder(c))) for s, c in zip(switched, control)]
    readings = [switch_reading(s, switch) for s, _ in clips]
    # The control's move is read across the same frames as the switched clip's jump.
    moves = [unswitched_move(c, switch, shown or 0) for (_, c), (shown, _) in zip(clips, readings)]
    px = lambda d: None if d is None else round(d, 1)
    return {
        "switch_frame": switch,
        "frames_until_shown": [shown for shown, _ in readings],
        "object_jump_px": [px(jump) for _, jump in readings],
        "unswitched_move_px": [px(m) for m in moves],
        "clips": clips,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", help="a teacher round's checkpoint (default: the run's finished teacher)")
    ap.add_argument("--raw", action="store_true", help="the network's own weights instead of its running average (a short run's average lags)")
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--real-prefix", action="store_true", help="the clean frames are rendered ones, not the teacher's own")
    ap.add_argument("--one-shot", action="store_true", help="read the teacher's one-step clean estimate at high noise instead of sampling (seconds)")
    ap.add_argument("--attention", action="store_true", help="in the one-shot pass, where the queries at the ball's place look, per layer (seconds)")
    args = ap.parse_args()
    setup_torch(args.threads)
    run = run_dir()
    teacher, text = load_teacher(run, default_config(), args.checkpoint, averaged=not args.raw)
    ae = load_autoencoder(run)
    seeds = range(args.seeds)
    if args.attention:
        print(json.dumps({"checkpoint": args.checkpoint or "finished teacher", "raw": args.raw, "attention": attention_reading(teacher, text, ae.encoder, seeds)}))
        return
    if args.one_shot:
        print(json.dumps({"checkpoint": args.checkpoint or "finished teacher", "raw": args.raw, "one_shot": one_shot_reading(teacher, text, ae.encoder, seeds)}))
        return
    prefix = rendered_prefix(ae.encoder, seeds, teacher.cfg) if args.real_prefix else None
    figures = prefixed_switch(teacher, text, ae.decoder, seeds, args.guidance, prefix=prefix)
    figures.pop("clips")
    print(json.dumps({"checkpoint": args.checkpoint or "finished teacher", "raw": args.raw, "guidance": args.guidance, "real_prefix": args.real_prefix, **figures}))


if __name__ == "__main__":
    main()
