"""Stage 4: initialise the causal student by regressing the teacher's ODE trajectories.

    python3 training/train_student_ode.py --steps 800

The student starts from the teacher's weights but runs block-causally with teacher forcing:
block i sees the clean x0 of blocks < i (as the KV cache will hold at run time) and its own
trajectory state at one of the student timesteps, and must predict that trajectory's x0.
"""

import argparse

import numpy as np
import torch

from causvid.common import Stage, cosine_lr, default_config, load, micro_batch_size, run_dir, setup_torch
from causvid.model import frame_weighted_mse, x0_from_v
from causvid.sampler import encode_block_prompts
from make_ode_pairs import load_teacher


def random_block_steps(rng, batch, n_frames, frames_per_block, n_steps):
    """An index into the student timesteps per block, repeated over its frames: (B, N)."""
    k = rng.integers(0, n_steps, (batch, n_frames // frames_per_block))
    return torch.from_numpy(k).repeat_interleave(frames_per_block, dim=1)


def states_at(traj, k):
    """traj (B, S, N, C, h, w), k (B, N) step indices -> the state of each frame (B, N, C, h, w)."""
    index = k[:, None, :, None, None, None].expand(-1, 1, -1, *traj.shape[3:])
    return torch.gather(traj, 1, index)[:, 0]


def backward_regression(student, x0, noisy, t, emb, mask, micro_batch=None):
    """Backpropagate the regression of x0 from the trajectory states (frames given clean, t = 0,
    left out) `micro_batch` clips at a time (all at once when None), each part's loss its share
    of the batch's, so the summed gradients are the batch's. Returns the batch's loss."""
    w = (t > 0).float()
    size = micro_batch or len(x0)
    total = 0.0
    for s in range(0, len(x0), size):
        part = slice(s, s + size)
        v = student.teacher_forced(x0[part], noisy[part], t[part], emb[part], mask[part])
        loss = frame_weighted_mse(x0_from_v(noisy[part], v, t[part]), x0[part], w[part], w.sum())
        loss.backward()
        total += loss.item()
    return total


def load_pairs(run):
    chunks = [load(p) for p in sorted((run / "ode").glob("chunk*.pt"))]
    x0 = torch.cat([c["x0"] for c in chunks]).float()
    traj = torch.cat([c["traj"] for c in chunks]).float()
    prompts = [p for c in chunks for p in c["prompts"]]
    # Frames the teacher was given as real data (a photo's first frame, a video's first blocks).
    known = torch.cat([c.get("known", torch.zeros(c["x0"].shape[:2], dtype=torch.bool)) for c in chunks])
    return x0, traj, known, prompts, chunks[0]["timesteps"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--seconds", type=float, default=0.0, help="train for this long instead of --steps (on a rented GPU)")
    ap.add_argument("--micro-batch", type=int, default=None, help="clips a training pass takes at a time, their gradients summed to the batch's (default: causvid.common.CPU_MICRO_BATCH on a CPU, the whole batch on a GPU; 0: the whole batch)")
    args = ap.parse_args()
    dev = setup_torch()
    run = run_dir()
    cfg = default_config()
    teacher, text = (m.to(dev) for m in load_teacher(run, cfg))
    x0_all, traj_all, known_all, prompts, timesteps = load_pairs(run)
    with torch.no_grad():
        emb, mask = encode_block_prompts(text, prompts)
    student = teacher  # same architecture; the teacher's weights are the starting point
    student.train()
    for p in student.parameters():
        p.requires_grad_(True)
    opt = torch.optim.AdamW(student.parameters(), lr=args.lr, weight_decay=0.0)
    stage = Stage("student_ode", args.steps, {"student": student, "opt": opt}, run)
    rng = np.random.default_rng(2000 + stage.step)
    F = cfg.frames_per_block
    ts = torch.tensor(timesteps)
    micro_batch = micro_batch_size(args.micro_batch, dev)

    def step(i):
        for g in opt.param_groups:
            g["lr"] = cosine_lr(i, stage.total, args.lr)
        idx = torch.from_numpy(rng.choice(len(prompts), args.batch, replace=False))
        b, n = len(idx), x0_all.shape[1]
        x0 = x0_all[idx]
        k = random_block_steps(rng, b, n, F, len(timesteps))
        noisy = states_at(traj_all[idx], k)
        t = ts[k]
        first = torch.from_numpy(rng.random(b) < 0.15)  # image-to-video: a clean first frame
        known = known_all[idx].clone()
        known[first, 0] = True
        t[known] = 0
        noisy[known] = x0[known]
        x0, noisy, t = x0.to(dev), noisy.to(dev), t.to(dev)
        opt.zero_grad(set_to_none=True)
        loss = backward_regression(student, x0, noisy, t, emb[idx.to(dev)], mask[idx.to(dev)], micro_batch)
        torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
        opt.step()
        return {"loss": loss}

    stage.run_loop(step, seconds=args.seconds)


if __name__ == "__main__":
    main()
