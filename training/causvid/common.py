"""What every training stage shares: paths, the model config, checkpoints that resume."""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path

import torch

from .model import FrameAutoencoder, ModelConfig
from .prompts import MAX_TOKENS, VOCABULARY, tokenize

TRAINING_DIR = Path(__file__).resolve().parent.parent


def run_dir(name: str = "default") -> Path:
    d = Path(os.environ.get("CAUSVID_RUNS", TRAINING_DIR / "runs")) / name
    d.mkdir(parents=True, exist_ok=True)
    return d


def data_dir() -> Path:
    return Path(os.environ.get("CAUSVID_DATA", TRAINING_DIR / "data"))


# The window a shipped student streams in (manifest student.context_frames / sink_frames, which
# the engine follows): 12 frames of context, the first 4 of the clip kept as sink frames. Keeping
# the first block in view held session 17's student steady over 5 minutes (brightness -2.7%
# against -7.3% without; training log, session 17).
STREAM_CONTEXT_FRAMES = 12
STREAM_SINK_FRAMES = 4

# How strongly the teacher's frames share their starting noise when the engine samples it
# (manifest teacher.noise_correlation; causvid.noise.correlate_frames). The shipped 2x2 teacher
# reads best from independent noise (56% against 51% at 0.8; training log, session 33). The 4x4
# teacher of the packs up to session 35 redrew its object in every frame from independent noise
# and held it in place at 0.8 (session 22), which build_pack.sh PATCH=4 still exports.
TEACHER_NOISE_CORRELATION = 0.0


# Clips a training pass takes at a time on a CPU, the step's gradients summed over its passes.
# Session 37, the 2x2 network's forward and backward over a teacher step's 16 clips and 16
# stills on one core: 11.4 s in one pass, 8.0 s by 8 and 6.3 s by 4, where the activations
# stay in the caches (as in sampling: causvid.sampler.CPU_SAMPLING_GROUP).
CPU_MICRO_BATCH = 4


def micro_batch_size(asked: int | None, device: torch.device) -> int | None:
    """The clips a training pass takes (None: the whole batch): as asked, else CPU_MICRO_BATCH
    on a CPU and the whole batch on a GPU, which has the memory and gains nothing from less."""
    if asked is not None:
        return asked or None
    return CPU_MICRO_BATCH if device.type == "cpu" else None


def setup_torch(threads: int | None = None) -> torch.device:
    # The cores this process may run on, not the machine's: under `taskset -c 0` one thread,
    # so two jobs pinned to the two cores do not fight over both.
    torch.set_num_threads(threads or max(1, len(os.sched_getaffinity(0))))
    if not torch.cuda.is_available():
        return torch.device("cpu")
    torch.backends.cuda.matmul.allow_tf32 = True  # ample for training; a small model is launch-bound anyway
    return torch.device("cuda")


def default_config(**overrides) -> ModelConfig:
    """The shipped architecture; CAUSVID_MODEL_CONFIG (JSON, e.g. '{"patch": 4}') changes it for
    every stage of a run at once, so a trial architecture goes through the whole chain.
    Its patch is 2 (64 tokens a latent frame) since session 36's pack; the packs before it cut
    a frame into 4x4 patches, which stopped learning the prompt (training log, sessions 26-27)."""
    cfg = ModelConfig(vocab_size=len(VOCABULARY), max_tokens=MAX_TOKENS, dim=128, layers=4, heads=4, patch=2)
    overrides = {**json.loads(os.environ.get("CAUSVID_MODEL_CONFIG", "{}")), **overrides}
    for k, v in overrides.items():
        setattr(cfg, k, v)
    return cfg


def save_atomic(obj, path: Path):
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def load(path: Path):
    # Our own checkpoints hold plain Python beside tensors (timesteps, prompts); torch >= 2.6
    # would refuse them by default (weights_only), and a rented GPU runs a current torch.
    return torch.load(path, map_location="cpu", weights_only=False)


def load_autoencoder(run: Path, cfg: ModelConfig | None = None) -> FrameAutoencoder:
    """The finished frame autoencoder (ae_final.pt, with its latent normalisation), for inference;
    `cfg` is the architecture it was trained with (default_config() when not given)."""
    ae = FrameAutoencoder(cfg or default_config())
    ae.load_state_dict(load(run / "ae_final.pt")["ae"])
    return ae.eval()


def token_batch(prompts: list[str]) -> torch.Tensor:
    return torch.tensor([tokenize(p).ids for p in prompts], dtype=torch.long)


def cosine_lr(step: int, total: int, peak: float, warmup: int = 50) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warmup) / max(1, total - warmup))))


class Stage:
    """A resumable training loop: `state` holds modules/optimisers by name; saved every
    `save_every` seconds and at the end to <run>/<name>.pt, and picked up again on restart."""

    def __init__(self, name: str, total_steps: int, state: dict, run: Path, save_every: float = 120.0):
        self.name, self.total, self.state, self.run = name, total_steps, state, run
        self.path = run / f"{name}.pt"
        self.step = 0
        self.save_every = save_every
        self.log_path = run / f"{name}.log"
        if self.path.exists():
            ckpt = load(self.path)
            for k, obj in state.items():
                obj.load_state_dict(ckpt["state"][k])
            self.step = ckpt["step"]
            print(f"[{name}] resumed at step {self.step}/{total_steps}", flush=True)

    def done(self) -> bool:
        return self.step >= self.total

    def save(self, extra: dict | None = None):
        save_atomic({"step": self.step, "state": {k: v.state_dict() for k, v in self.state.items()}, **(extra or {})}, self.path)

    def run_loop(self, step_fn, log_every: int = 25, seconds: float = 0.0, timed_steps: int = 25):
        """Runs step_fn(step) to the total. With `seconds` (a fresh stage on a rented machine,
        where time is what is given), the total is set after the first `timed_steps` to as many
        steps as fit; step_fn should read `self.total` for its schedule."""
        with open(self.log_path, "a") as log:
            self._loop(step_fn, log, log_every, seconds, timed_steps)
        self.save()
        (self.run / f"{self.name}.done").write_text(str(self.step))

    def _loop(self, step_fn, log, log_every, seconds, timed_steps):
        last_save = time.time()
        t0, n0 = time.time(), self.step
        warm = t0
        while self.step < self.total:
            metrics = step_fn(self.step)
            self.step += 1
            if seconds and n0 == 0 and self.step == timed_steps:
                warm = time.time()
                self.total = max(timed_steps, int(seconds / ((warm - t0) / timed_steps)))
                print(f"[{self.name}] {(warm - t0) / timed_steps:.3f}s/step: {self.total} steps fit in {seconds:.0f}s", flush=True)
            elif seconds and n0 == 0 and self.step == 4 * timed_steps and self.total >= self.step:
                # The first steps carry the start-up (a GPU's kernels warming up: measured, up
                # to 1.7x the steady rate), so the total is fitted again on warm steps.
                rate = (time.time() - warm) / (3 * timed_steps)
                self.total = self.step + max(0, int((seconds - (time.time() - t0)) / rate))
                print(f"[{self.name}] {rate:.3f}s/step once warm: {self.total} steps fit in {seconds:.0f}s", flush=True)
            if self.step % log_every == 0 or self.step == self.total:
                rate = (time.time() - t0) / max(1, self.step - n0)
                line = f"[{self.name}] step {self.step}/{self.total} " + " ".join(f"{k}={v:.4f}" for k, v in metrics.items()) + f" ({rate:.2f}s/step)"
                print(line, flush=True)
                log.write(json.dumps({"step": self.step, **metrics}) + "\n")
                log.flush()
            if time.time() - last_save > self.save_every:
                self.save()
                last_save = time.time()
