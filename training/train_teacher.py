"""Stage 2: the text encoder and the bidirectional teacher, by flow matching on latent clips.

    python3 training/train_teacher.py --steps 2500

Conditioning cases the student and engine rely on are trained here too: a clean prefix of
blocks (video extension, the teacher's own sliding windows) and a clean first frame
(image-to-video), both passed with t = 0 and left out of the loss. Prompts are dropped 10%
of the time so classifier-free guidance has an unconditional branch.

A third round (`--temporal`, stage teacher_temporal) teaches coherence across frames, which
the first two left out: measured, their samples changed six times as much from frame to frame
as real clips, because one noise level per clip lets each frame be denoised on its own. So
some clips get an independent level per block (diffusion forcing: a noisy block next to a
cleaner one is best denoised by reading it), and a second loss compares the change of the
predicted clean clip from one frame to the next with the real change.

Before all of them, `--stills N` can pretrain the same network on single frames (stage
teacher_stills), for `--init`: as video models are pretrained on images. A frame is a sixteenth
of a clip's tokens, and with 2x2 patches (CAUSVID_MODEL_CONFIG) a clip step costs ~8x a 4x4 one
on two cores, so the frame's objects, backgrounds and colours are learned where they are cheap,
and the clip rounds are left with time and motion. Session 7's still probe at 2x2 drew the
objects that every 4x4 teacher left out (docs/training-log.md).

`--joint-stills K` goes on training single frames in the clip rounds: K of them a step beside
the clips, their flow loss added (joint image and video training, as video models commonly do).
A still costs a sixteenth of a clip, and the frame's layout (one object, whole, in one place)
is what the clip rounds learned slowest (training log, session 10).

A fourth round (`--spatial`, stage teacher_spatial) continues the third round's recipe after
the network gained its attention bias by place in the frame (causvid.model), which starts at
zero in a warm restart and so learns at a higher rate. Session 4 measured it and did not ship
it (docs/training-log.md). The bias learns only in that round: the earlier rounds were trained
before it existed, and the shipped chain's bias is zero.
"""

import argparse
import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from causvid.common import Stage, cosine_lr, data_dir, default_config, load, micro_batch_size, run_dir, setup_torch, token_batch
from causvid.model import TextEncoder, VideoDiT, flow_noise, frame_difference_loss, frame_weighted_mse, x0_from_v
from causvid.noise import clip_noise
from causvid.prompts import BACKGROUNDS, CAMERAS, VOCABULARY, grown_text_embedding
from causvid.sampler import null_prompt_tokens


def shift_times(t, shift):
    """t -> s t / (1 + (s - 1) t): with s > 1, more of the draws land at high noise."""
    return shift * t / (1 + (shift - 1) * t)


def conditioning_times(b, n, fpb, rng, per_block=0.0, shift=1.0, context=0.35, switch_blocks=None, switch_prefix=0.0, switch_noise=0.0,
                       photo_clips=None, photo_first_frame=0.0):
    """Per-frame t (B, N): one logit-normal level per clip (shifted by `shift`), and a share
    `context` of the clips with clean frames (t = 0) to read: five in seven a clean prefix of
    blocks, the others a clean first frame. With `per_block`, that share of the other clips
    draws a level per block. With `switch_prefix`, that share of the prefixes of clips whose
    prompt switches (`switch_blocks`: the block it switches at, 0 where it does not) ends at
    the switch, as a causal student's context does at every switch it meets. With `switch_noise`,
    the blocks after such a prefix take one level drawn uniformly from [switch_noise, 1): the
    high noise where the switched object's place is decided, which the logit-normal levels reach
    in one clip in 70 (training log, session 30). With `photo_first_frame`, that share of the
    clips marked in `photo_clips` that were given no clean frame get a clean first frame: a
    user's photo becomes the first frame, and a teacher that sees so few photos to continue
    from paints new ones instead (training log, session 44)."""
    t = shift_times(torch.sigmoid(torch.randn(b, 1)), shift).expand(b, n).clone()
    for i in range(b):
        r = rng.random()
        if r < context * 5 / 7:
            blocks = int(rng.integers(1, n // fpb))
            # No draw at all unless asked, so that runs without it keep their random stream.
            if switch_prefix and switch_blocks[i] and rng.random() < switch_prefix:
                blocks = int(switch_blocks[i])
                if switch_noise:
                    t[i] = float(rng.uniform(switch_noise, 1.0))
            t[i, : fpb * blocks] = 0.0  # clean prefix blocks
        elif r < context:
            t[i, 0] = 0.0  # clean first frame
        elif rng.random() < per_block:
            t[i] = shift_times(torch.sigmoid(torch.randn(n // fpb)), shift).repeat_interleave(fpb)
        # No draw at all unless asked, so that runs without it keep their random stream.
        if photo_first_frame and photo_clips[i] and t[i, 0] > 0 and rng.random() < photo_first_frame:
            t[i, 0] = 0.0
    return t


def clip_draw_odds(*kinds: tuple[np.ndarray, float]) -> np.ndarray:
    """Each clip's chance of being drawn when the clips of each kind (a mask over the clips, and
    its weight) are that weight times as likely as the others (a clip of several kinds, the
    product of their weights)."""
    odds = np.ones(len(kinds[0][0]))
    for is_kind, weight in kinds:
        odds = odds * np.where(is_kind, weight, 1.0)
    return odds / odds.sum()


def says_sideways(blocks: list[str]) -> bool:
    """Whether any block's prompt moves the object or the camera left or right."""
    return any(re.search(r"\b(left|right)\b", b) for b in blocks)


def says_pan(blocks: list[str]) -> bool:
    """Whether any block's prompt pans the camera (either way)."""
    return any(CAMERAS["pan_left"] in b or CAMERAS["pan_right"] in b for b in blocks)


def one_frame_each(x0, tok, frames, fpb):
    """Frame frames[i] of clip i as a one-frame clip (B, 1, C, h, w), with the prompt of the
    block it sits in (B, 1, L): the stills round's batch."""
    frames = torch.as_tensor(frames)
    rows = torch.arange(len(frames))
    return x0[rows.to(x0.device), frames.to(x0.device)][:, None], tok[rows, frames // fpb][:, None]


def round_recipe(name, temporal_recipe, per_block, difference_weight):
    """(share of clips with a noise level per block, weight of the frame-difference loss) for a
    round: the third round's recipe in it and the round after, and in any round asked for it
    (a continuation of a teacher that learned it, --temporal-recipe); none otherwise."""
    if temporal_recipe or name in ("teacher_temporal", "teacher_spatial"):
        return per_block, difference_weight
    return 0.0, 0.0


def teacher_optimizer(dit, text, round_name, lr, bias_lr_scale, learn_bias=False, train_text=True):
    """AdamW over the round's trainable parameters; returns it and the parameters for clipping.

    With train_text=False the text encoder stays as it is: a teacher continued that way still
    shares the text encoder of the student it shipped with (a pack has one for both).

    The spatial attention bias starts at zero in a warm restart; at the network's rate it would
    barely move in one round, so it learns faster (and is not decayed). By default only the
    spatial round trains it, so a rebuild of the shipped chain keeps it at zero, as the shipped
    pack has it; `learn_bias` trains it in every round (--learn-spatial-bias). The weights on the
    place input (ModelConfig.place_input) also start at zero when a network without it is
    continued, and learn at the bias's rate in every round: at the network's they had barely
    moved after 800 steps (training log, session 30)."""
    bias = [dit.spatial_bias] if learn_bias or round_name == "teacher_spatial" else []
    dit.spatial_bias.requires_grad_(bool(bias))
    if dit.place_embed is not None:
        bias.append(dit.place_embed.weight)
    text.requires_grad_(train_text)
    rest = [p for p in list(dit.parameters()) + list(text.parameters()) if all(p is not b for b in bias) and p.requires_grad]
    groups = [{"params": rest, "lr_scale": 1.0}]
    if bias:
        groups.append({"params": bias, "lr_scale": bias_lr_scale, "weight_decay": 0.0})
    return torch.optim.AdamW(groups, lr=lr, weight_decay=0.01), rest + bias


class EMA:
    def __init__(self, model, decay):
        self.model, self.decay = copy.deepcopy(model).eval(), decay
        for p in self.model.parameters():
            p.requires_grad_(False)

    @torch.no_grad()
    def update(self, model):
        for e, p in zip(self.model.parameters(), model.parameters()):
            e.lerp_(p, 1 - self.decay)

    def state_dict(self):
        return self.model.state_dict()

    def load_state_dict(self, sd):
        self.model.load_state_dict(sd)


def optimiser_step(loss, opt, params, *averages):
    """One step on `loss` with the gradients clipped to norm 1, then each (EMA, network) pair's
    average follows its network: the teacher's update, shared with probe_patch.py."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    apply_gradients(opt, params, *averages)


def apply_gradients(opt, params, *averages):
    """The update once the step's gradients are in: clipped to norm 1, then the averages follow."""
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    for ema, model in averages:
        ema.update(model)


@dataclass(frozen=True)
class FlowBatch:
    """A drawn batch of the teacher's flow loss: clean latents (B, N, C, h, w), block prompts'
    tokens (B, blocks, L; dropped ones as the null prompt), noise levels (B, N), noise."""
    x0: torch.Tensor
    tokens: torch.Tensor
    t: torch.Tensor
    eps: torch.Tensor


def backward_flow(dit, text, batch: FlowBatch, micro_batch: int | None, difference_weight: float = 0.0):
    """Backpropagate the flow loss of `batch` (plus the frame-difference loss at its weight, over
    pairs of noisy frames) through the network `micro_batch` clips at a time (all at once when
    None). Each part's loss is its share of the whole batch's, so the summed gradients are the
    whole batch's. Returns the batch's flow and difference losses."""
    w = (batch.t > 0).float()
    pairs = w[:, 1:] * w[:, :-1]
    size = micro_batch or len(w)
    flow = difference = 0.0
    for s in range(0, len(w), size):
        part = slice(s, s + size)
        x0, t, tok = batch.x0[part], batch.t[part], batch.tokens[part]
        b, nb, L = tok.shape
        emb = text(tok.reshape(b * nb, L).to(x0.device)).reshape(b, nb, L, -1)
        x_t = flow_noise(x0, batch.eps[part], t)
        v = dit.bidirectional(x_t, t, emb, (tok != 0).float().to(x0.device))
        loss = frame_weighted_mse(v, batch.eps[part] - x0, w[part], w.sum())
        flow += loss.item()
        if difference_weight:
            diff = frame_difference_loss(x0_from_v(x_t, v, t), x0, pairs[part], pairs.sum())
            difference += diff.item()
            loss = loss + difference_weight * diff
        loss.backward()
    return flow, difference


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=2500)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=6e-4)
    ap.add_argument("--more", type=int, default=0, help="a second round of this many steps (stage teacher_more), from the first round's weights")
    ap.add_argument("--temporal", type=int, default=0, help="a third round of this many steps (stage teacher_temporal) with per-block noise levels and the frame-difference loss, from the second round's weights")
    ap.add_argument("--spatial", type=int, default=0, help="a fourth round of this many steps (stage teacher_spatial), the third round's recipe continued once the network had its spatial attention bias")
    ap.add_argument("--bias-lr-scale", type=float, default=20.0, help="learning rate of the spatial attention bias, relative to the network's")
    ap.add_argument("--per-block", type=float, default=0.5, help="share of unconditioned clips with a noise level per block (third round)")
    ap.add_argument("--difference-weight", type=float, default=2.0, help="weight of the frame-difference loss (third round)")
    ap.add_argument("--seconds", type=float, default=0.0, help="train the round for this long instead of its step count (on a rented GPU)")
    ap.add_argument("--time-shift", type=float, default=1.0, help="shift the noise levels drawn towards high noise (1: none), where a small object's place is decided")
    ap.add_argument("--joint-stills", type=int, default=0, help="in the clip rounds, also this many single frames a step (their flow loss added), so the frame's layout keeps learning beside time")
    ap.add_argument("--learn-spatial-bias", action="store_true", help="train the spatial attention bias in every round, not only the spatial one (a run-wide choice: a round's optimiser state then holds it)")
    ap.add_argument("--init", type=Path, help="start the first round from this teacher's EMA weights instead of from scratch")
    ap.add_argument("--phrase-seed", choices=("last", "content"), default="last", help="with --init: a phrase's text row starts as its last word's (a teacher of words grows them so) or, with content, as the word for the way it moves the view's content (\"pans left\": \"right\"), for a phrase teacher too")
    ap.add_argument("--continued", action="store_true", help="with --init: train the round as stage teacher_continued, so that it continues this run's own teacher without overwriting it (how the shipped teacher was made since session 25)")
    ap.add_argument("--freeze-text", action="store_true", help="leave the text encoder as it starts (with --init): the continued teacher can then ship beside the student distilled with that encoder")
    ap.add_argument("--temporal-recipe", action="store_true", help="train the round with the third round's per-block noise levels and frame-difference loss: for a round started with --init from a teacher that learned them, such as the shipped one (import_pack.py)")
    ap.add_argument("--stills", type=int, default=0, help="instead of the clip rounds: pretrain on single frames for this many steps (stage teacher_stills), a start for --init")
    ap.add_argument("--photo-weight", type=float, default=1.0, help="draw clips whose prompt is set in a photo this many times as often as the others")
    ap.add_argument("--switch-weight", type=float, default=1.0, help="draw clips whose prompt switches at a block boundary this many times as often as the others")
    ap.add_argument("--sideways-weight", type=float, default=1.0, help="draw clips whose prompt says left or right (an object's motion or a pan) this many times as often as the others")
    ap.add_argument("--pan-weight", type=float, default=1.0, help="draw clips whose prompt pans the camera this many times as often as the others (0: leave them out, so that left and right only ever move an object)")
    ap.add_argument("--noise-correlation", type=float, default=0.0, help="train on clip noise whose frames share this much of one frame (PYoCo's mixed prior, as the pack samples its teacher); 0: independent frames, as the shipped teacher was trained")
    ap.add_argument("--context-share", type=float, default=0.35, help="share of clips given clean frames to continue from (a prefix of blocks, or the first frame)")
    ap.add_argument("--photo-first-frame", type=float, default=0.0, help="share of the photo clips left without clean frames that get a clean first frame (0 as shipped)")
    ap.add_argument("--switch-prefix", type=float, default=0.0, help="share of the clean prefixes of switch clips that end at the switch block (0 as shipped: a prefix of any length)")
    ap.add_argument("--switch-noise", type=float, default=0.0, help="with --switch-prefix: the blocks after a prefix that ends at the switch take a noise level from [this, 1) (0 as shipped: the clip's own level)")
    ap.add_argument("--threads", type=int, default=None, help="CPU threads (default: every core; 1 to run two trainings side by side)")
    ap.add_argument("--micro-batch", type=int, default=None, help="clips a training pass takes at a time, their gradients summed to the batch's: the same step, cheaper where smaller passes stay in the caches (default: causvid.common.CPU_MICRO_BATCH on a CPU, the whole batch on a GPU; 0: the whole batch)")
    args = ap.parse_args()
    if not 0.0 <= args.noise_correlation < 1.0:
        ap.error("--noise-correlation must be in [0, 1): at 1 every frame would be the same noise")
    dev = setup_torch(args.threads)
    run = run_dir()
    cfg = default_config()
    # The whole set (fp16, ~0.26 GB for 4000 clips) in memory, on the card when there is one,
    # so that drawing a batch does not wait on the disk or the bus.
    latents = torch.from_numpy(np.load(run / "latents.npy")).to(dev)
    prompts = json.loads((data_dir() / "prompts.json").read_text())
    tokens = torch.stack([token_batch(p) for p in prompts])  # (clips, blocks, L)
    n_clips, n = latents.shape[:2]
    fpb = cfg.frames_per_block

    dit, text = VideoDiT(cfg).to(dev), TextEncoder(cfg).to(dev)
    ema_dit, ema_text = EMA(dit, 0.998), EMA(text, 0.998)
    weights = {"dit": dit, "text": text, "ema_dit": ema_dit, "ema_text": ema_text}
    # Later rounds are warm restarts from the previous round's weights: a fresh optimiser and
    # cosine cycle at half the peak rate, so a finished teacher can be trained further without
    # re-tuning the first schedule.
    later = (("teacher_more", args.more), ("teacher_temporal", args.temporal), ("teacher_spatial", args.spatial))
    rounds = [("teacher_continued" if args.continued else "teacher", args.steps, args.lr)] + [(name, steps, args.lr / 2) for name, steps in later if steps]
    if args.continued and (not args.init or args.stills or len(rounds) > 1):
        raise SystemExit("--continued is one round of its own, started from --init")
    if [r[0] for r in rounds[1:]] != [name for name, _ in later[: len(rounds) - 1]]:
        raise SystemExit("each round continues the one before it: give the earlier rounds' lengths too")
    if args.stills:
        if len(rounds) > 1:
            raise SystemExit("--stills is a round of its own, before the clip rounds")
        rounds = [("teacher_stills", args.stills, args.lr)]
    for name, _, _ in rounds[:-1]:
        if not (run / f"{name}.done").exists():
            raise SystemExit(f"finish {name} before {rounds[-1][0]}")
    if len(rounds) > 1:
        previous = load(run / f"{rounds[-2][0]}.pt")["state"]
        for k, module in weights.items():
            module.load_state_dict(previous[k])
    elif args.init:
        init = load(args.init)["state"]  # network and average both start from the average
        for k, module in weights.items():
            state = init["ema_" + k.removeprefix("ema_")]
            if "text" in k:  # phrase rows: grown for a teacher of words, seeded again with --phrase-seed content
                state = {n: grown_text_embedding(w, VOCABULARY, args.phrase_seed == "content") if n.endswith("embed.weight") else w for n, w in state.items()}
            module.load_state_dict(state)
        print(f"[{rounds[0][0]}] starting from the averaged weights of {args.init}", flush=True)
    name, args.steps, args.lr = rounds[-1]
    opt, params = teacher_optimizer(dit, text, name, args.lr, args.bias_lr_scale, args.learn_spatial_bias, not args.freeze_text)
    stage = Stage(name, args.steps, {**weights, "opt": opt}, run)
    stills = name == "teacher_stills"
    per_block, diff_weight = round_recipe(name, args.temporal_recipe, args.per_block, args.difference_weight)
    joint = args.joint_stills
    # Seeded by the stage's step so a resumed run draws on; each later round's offset keeps
    # its draws apart from the round before at the same step numbers.
    seed = 1000 + stage.step + {"teacher_temporal": 7, "teacher_spatial": 13, "teacher_stills": 17}.get(name, 0)
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)  # the noise and noise levels too (a fresh network's initial weights are drawn before, unseeded)

    # Photo clips are where continuing a given frame pays most (a procedural background can be
    # drawn from its prompt alone), and one clip in seven is one (training log, session 13).
    photo = np.array([any(BACKGROUNDS["photo"] in b for b in blocks) for blocks in prompts])
    # A switch clip is where the object must keep its place while a word changes; three clips
    # in ten have one, and a teacher trained on the mix still redraws the object elsewhere
    # (training log, session 20).
    # The block each clip's prompt switches at (0: it does not), for --switch-prefix.
    switch_block = np.array([next((k for k in range(1, len(blocks)) if blocks[k] != blocks[k - 1]), 0) for blocks in prompts])
    switch = switch_block > 0
    # Unweighted runs pass no odds: numpy draws other clips when given even uniform ones, and the
    # shipped recipe's batches stay as they were.
    # Left and right are what the teacher of words never told apart (training log, session 38):
    # --sideways-weight spends more of a run on the clips that say them.
    sideways = np.array([says_sideways(blocks) for blocks in prompts])
    # A pan slides the whole view sideways, the way an object moving the other way goes. Leaving
    # the pans out (--pan-weight 0) did not make the shipped lineage read left and right, and a
    # network trained from scratch reads them with the pans in (training log, session 40).
    pans = np.array([says_pan(blocks) for blocks in prompts])
    kinds = [(photo, args.photo_weight), (switch, args.switch_weight), (sideways, args.sideways_weight), (pans, args.pan_weight)]
    draw_odds = clip_draw_odds(*kinds) if any(weight != 1 for _, weight in kinds) else None

    def draw(k, one_frame) -> FlowBatch:
        """k clips drawn from the set, or one frame of each (a still), as the flow loss takes them."""
        idx = np.sort(rng.choice(n_clips, k, replace=False, p=draw_odds))
        x0 = latents[torch.from_numpy(idx).to(dev)].float()
        tok = tokens[idx].clone()
        if one_frame:
            x0, tok = one_frame_each(x0, tok, rng.integers(0, n, k), fpb)
        drop = torch.from_numpy(rng.random(k) < 0.1)
        tok[drop] = null_prompt_tokens(int(drop.sum()), tok.shape[1])
        if one_frame:
            t = shift_times(torch.sigmoid(torch.randn(k, 1)), args.time_shift).to(dev)
        else:
            t = conditioning_times(k, n, fpb, rng, per_block, args.time_shift, args.context_share, switch_block[idx], args.switch_prefix, args.switch_noise,
                                   photo[idx], args.photo_first_frame).to(dev)
        # With --noise-correlation every clip's frames share part of one frame (PYoCo's mixed
        # prior, as the pack samples its teacher). Trained so for an hour, the teacher still moved
        # its object at a prompt switch and read lower on held-out prompts (training log, session 23).
        eps = clip_noise(None, len(x0), x0.shape[1:], 0.0 if one_frame else args.noise_correlation, device=dev)
        return FlowBatch(x0, tok, t, eps)

    micro_batch = micro_batch_size(args.micro_batch, dev)

    def step(i):
        for g in opt.param_groups:
            g["lr"] = cosine_lr(i, stage.total, args.lr, warmup=100) * g["lr_scale"]
        opt.zero_grad(set_to_none=True)
        # The difference loss is over pairs of noisy frames (the round as trained in session 3).
        flow, difference = backward_flow(dit, text, draw(args.batch, stills), micro_batch, diff_weight)
        metrics = {"loss": flow}
        if dit.spatial_bias.requires_grad:  # teacher_optimizer decided whether it learns
            metrics["bias"] = dit.spatial_bias.detach().abs().max().item()
        if diff_weight:
            metrics["difference"] = difference
        if joint and not stills:
            metrics["stills"], _ = backward_flow(dit, text, draw(joint, True), micro_batch)
        apply_gradients(opt, params, (ema_dit, dit), (ema_text, text))
        return metrics

    stage.run_loop(step, seconds=args.seconds)


if __name__ == "__main__":
    main()
