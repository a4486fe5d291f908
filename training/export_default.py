"""Stage 6: export the trained modules as the shipped pack (models/default by default).

    python3 training/export_default.py [--out models/default]
"""

import argparse
import datetime
import json
from pathlib import Path

from causvid.common import TRAINING_DIR, default_config, load, load_autoencoder, run_dir
from causvid.export import export_pack
from causvid.model import VideoDiT
from make_ode_pairs import load_teacher, run_timesteps, student_checkpoint


def stage_summary(run, name):
    log = run / f"{name}.log"
    if not log.exists():
        return None
    lines = [json.loads(l) for l in log.read_text().splitlines() if l.strip()]
    return {"steps": lines[-1]["step"], "final": {k: round(v, 5) for k, v in lines[-1].items() if k != "step"}} if lines else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=TRAINING_DIR.parent / "models" / "default")
    ap.add_argument("--context-frames", type=int, default=12)
    ap.add_argument("--sink-frames", type=int, default=0)
    ap.add_argument("--teacher-steps", type=int, default=48)
    ap.add_argument("--guidance", type=float, default=3.0)
    args = ap.parse_args()
    run = run_dir()
    cfg = default_config()
    ae = load_autoencoder(run)
    teacher, text = load_teacher(run, cfg)
    student = VideoDiT(cfg)
    student_path = student_checkpoint(run)
    which = student_path.stem
    student.load_state_dict(load(student_path)["state"]["student"])
    timesteps = run_timesteps(run)
    info = {
        "date": datetime.date.today().isoformat(),
        "student_from": which,
        "stages": {n: stage_summary(run, n) for n in ("ae", "ae_more", "teacher", "teacher_more", "teacher_temporal", "student_ode", "student_dmd")},
        "config": cfg.to_dict(),
    }
    export_pack(
        args.out, cfg, ae, text, student, teacher, timesteps, args.context_frames, args.sink_frames,
        args.teacher_steps, args.guidance, name="playground-default",
        description=f"CausVid playground model: 128x128 @ 16 fps, {cfg.frames_per_block}-frame blocks, {len(timesteps)}-step causal student "
        f"distilled from a {args.teacher_steps}-step bidirectional teacher.",
        training_info=info,
    )
    size = sum(p.stat().st_size for p in args.out.iterdir()) / 1e6
    print(f"exported {args.out} ({size:.1f} MB) from {which}")


if __name__ == "__main__":
    main()
