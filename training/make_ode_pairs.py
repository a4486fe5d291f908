"""Stage 3: the teacher's ODE trajectories, the student's regression targets.

    python3 training/make_ode_pairs.py --clips 256

For each prompt schedule (taken from the training clips), the teacher samples a clip with
`--steps` Euler steps and guidance; the states at the student's timesteps and the final x0
are kept. Work is saved chunk by chunk, so an interrupted run picks up where it stopped.

    taskset -c 0 python3 training/make_ode_pairs.py --clips 320 --worker 0/2 &
    taskset -c 1 python3 training/make_ode_pairs.py --clips 320 --worker 1/2

splits the chunks between two one-core processes (the same pairs as one run: each chunk's clips,
given frames and noise are fixed by its index); whichever finishes last marks the stage done.
"""

import argparse
import json
import os

import numpy as np
import torch

from causvid.common import data_dir, default_config, load, run_dir, setup_torch
from causvid.model import TextEncoder, VideoDiT
from causvid.noise import clip_noise
from causvid.sampler import teacher_sample

STUDENT_STEPS = 4  # as shipped: timesteps 1, 0.75, 0.5, 0.25


def student_timesteps(steps: int) -> list[float]:
    """`steps` evenly spaced denoising timesteps, from pure noise (1.0) down: 4 -> 1, .75, .5, .25."""
    return [1.0 - i / steps for i in range(steps)]


STUDENT_TIMESTEPS = student_timesteps(STUDENT_STEPS)


def run_timesteps(run) -> list[float]:
    """The timesteps a run's student is distilled at: those its ODE pairs were recorded at
    (ode.done says; a run made before it said is at the shipped four)."""
    done = run / "ode.done"
    recorded = json.loads(done.read_text()).get("timesteps") if done.exists() else None
    return recorded or STUDENT_TIMESTEPS


# The teacher's clip rounds in the order they run, each continuing the one before it
# (train_teacher.py; build_pack.sh walks the same order in shell).
TEACHER_ROUNDS = ("teacher", "teacher_more", "teacher_temporal", "teacher_spatial", "teacher_continued")


def teacher_checkpoint(run):
    """The finished teacher: the latest round that was run to its end."""
    for name in reversed(TEACHER_ROUNDS[1:]):
        if (run / f"{name}.done").exists():
            return run / f"{name}.pt"
    return run / "teacher.pt"


def student_checkpoint(run):
    """The finished student: after DMD when that stage has run, else the ODE regression's."""
    return run / ("student_dmd.pt" if (run / "student_dmd.pt").exists() else "student_ode.pt")


def load_teacher(run, cfg, checkpoint=None, averaged=True):
    """The teacher of `checkpoint`, or the finished teacher of `run`: its EMA weights, or with
    averaged=False the network's own (a short run's average lags far behind them)."""
    ckpt = load(checkpoint or teacher_checkpoint(run))["state"]
    prefix = "ema_" if averaged else ""
    dit, text = VideoDiT(cfg), TextEncoder(cfg)
    dit.load_state_dict(ckpt[prefix + "dit"])
    text.load_state_dict(ckpt[prefix + "text"])
    return dit.eval(), text.eval()


def known_frames(rng, batch, n_frames, frames_per_block):
    """Which frames of each schedule are real data the teacher continues (B, N) bool: a first
    frame for a quarter of them (image-to-video), the first blocks for a sixth (extension), none
    for the rest. The student learns both starts from these trajectories."""
    known = torch.zeros(batch, n_frames, dtype=torch.bool)
    for i in range(batch):
        r = rng.random()
        if r < 0.25:
            known[i, 0] = True
        elif r < 0.42:
            known[i, : frames_per_block * int(rng.integers(1, n_frames // frames_per_block))] = True
    return known


def chunk_plan(n_prompts, clips, chunk, n_frames, frames_per_block, seed=7):
    """[(clip indices, known frames)] for each chunk of pairs, all drawn up front from one seed.

    A resumed run must record the chunks it has not yet made as a straight run would; when each
    chunk drew its known frames as it went, a chunk skipped on resume left its draws to the next.
    The draws come in the same order as before, so a straight run records the same pairs."""
    rng = np.random.default_rng(seed)
    chosen = rng.choice(n_prompts, clips, replace=False)
    known = known_frames(rng, clips, n_frames, frames_per_block)
    return [(chosen[c : c + chunk], known[c : c + chunk]) for c in range(0, clips, chunk)]


def worker_chunks(n_chunks: int, worker: str) -> range:
    """The chunk indices one of several processes makes: "i/n" takes every n-th from i."""
    i, n = (int(v) for v in worker.split("/"))
    if not 0 <= i < n:
        raise ValueError(f"--worker {worker}: want i/n with 0 <= i < n")
    return range(i, n_chunks, n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=256)
    ap.add_argument("--steps", type=int, default=48)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--chunk", type=int, default=32)
    ap.add_argument("--worker", default="0/1", help="i/n: make every n-th chunk from the i-th, beside n - 1 other processes (0/1: all)")
    ap.add_argument("--noise-correlation", type=float, default=0.0, help="the teacher's frames share this much of their starting noise (causvid.noise.correlate_frames); 0, independent, as shipped")
    ap.add_argument("--student-steps", type=int, default=STUDENT_STEPS, help="the student's denoising steps per block; fewer is faster, each one coarser")
    ap.add_argument("--group", type=int, default=None, help="the teacher samples this many clips of a chunk at a time, to the same pairs (default: causvid.sampler.CPU_SAMPLING_GROUP on a CPU, where a pass over fewer clips is cheaper per clip; the whole chunk on a GPU)")
    args = ap.parse_args()
    dev = setup_torch()
    run = run_dir()
    cfg = default_config()
    dit, text = (m.to(dev) for m in load_teacher(run, cfg))
    prompts = json.loads((data_dir() / "prompts.json").read_text())
    latents = np.load(run / "latents.npy", mmap_mode="r")
    plan = chunk_plan(len(prompts), args.clips, args.chunk, cfg.clip_frames, cfg.frames_per_block)
    timesteps = student_timesteps(args.student_steps)
    record = [round((1 - t) * args.steps) for t in timesteps]
    out = run / "ode"
    out.mkdir(exist_ok=True)
    shape = (cfg.clip_frames, cfg.latent_channels, cfg.latent_size, cfg.latent_size)
    for n in worker_chunks(len(plan), args.worker):
        idx, known = plan[n]
        c = n * args.chunk
        path = out / f"chunk{n:04d}.pt"
        if path.exists():
            if load(path)["timesteps"] != timesteps:
                raise SystemExit(f"{path} was recorded at other timesteps; delete {out} to record it again")
            continue
        g = torch.Generator().manual_seed(int(c))
        noise = clip_noise(g, len(idx), shape, args.noise_correlation)
        real = torch.from_numpy(latents[idx].astype(np.float32))
        x0, states = teacher_sample(dit, text, [prompts[i] for i in idx], args.steps, args.guidance, noise.to(dev), cond=(real.to(dev), known.to(dev)), record=record, group=args.group)
        traj = torch.stack([states[k] for k in record], dim=1)  # (B, steps, N, C, h, w)
        # Written under a name of this process's own, so that two workers never share a partial file.
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        torch.save({"x0": x0.half().cpu(), "traj": traj.half().cpu(), "known": known, "timesteps": timesteps, "prompts": [prompts[i] for i in idx]}, tmp)
        tmp.rename(path)
        print(f"ode pairs {c + len(idx)}/{args.clips}", flush=True)
    missing = [n for n in range(len(plan)) if not (out / f"chunk{n:04d}.pt").exists()]
    if missing:
        print(f"worker {args.worker} finished its chunks; {len(missing)} others are still being made", flush=True)
        return
    (run / "ode.done").write_text(json.dumps({"clips": args.clips, "steps": args.steps, "guidance": args.guidance, "timesteps": timesteps, "noise_correlation": args.noise_correlation}))


if __name__ == "__main__":
    main()
