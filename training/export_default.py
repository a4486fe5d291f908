"""Stage 6: export the trained modules as the shipped pack (models/default by default).

    python3 training/export_default.py [--out models/default] [--teacher CKPT] [--student CKPT]

A run that continued an imported pack (import_pack.py) names the checkpoints it ships, e.g. a
continued teacher beside the pack's own student (runs/default/student_pack.pt), and the manifest
keeps the imported pack's account of its training under "continues".
"""

import argparse
import datetime
import json
from pathlib import Path

from causvid.common import STREAM_CONTEXT_FRAMES, STREAM_SINK_FRAMES, TEACHER_NOISE_CORRELATION, TRAINING_DIR, data_dir, default_config, load, load_autoencoder, run_dir
from causvid.data import rendered_object_scale
from causvid.export import export_pack
from causvid.model import VideoDiT
from causvid.sampler import SWITCH_GUIDANCE
from make_ode_pairs import TEACHER_ROUNDS, load_teacher, run_timesteps, student_checkpoint, teacher_checkpoint


def stage_summary(run, name):
    log = run / f"{name}.log"
    if not log.exists():
        return None
    lines = [json.loads(l) for l in log.read_text().splitlines() if l.strip()]
    return {"steps": lines[-1]["step"], "final": {k: round(v, 5) for k, v in lines[-1].items() if k != "step"}} if lines else None


def trained_object_scale(pack: dict | None) -> float:
    """The object radius multiplier the clips were rendered at (make_data.py --object-scale):
    the data's own render.json, else the imported pack's record, else 1 (the base radius, all
    that packs before session 17 were trained at)."""
    recorded = float(pack["training"].get("object_scale", 1.0)) if pack else 1.0
    return rendered_object_scale(data_dir(), default=recorded)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=TRAINING_DIR.parent / "models" / "default")
    # Unset, these are the shipped values, or an imported student's pack's own (import_pack.py).
    ap.add_argument("--context-frames", type=int)
    ap.add_argument("--sink-frames", type=int)
    ap.add_argument("--teacher-steps", type=int)
    ap.add_argument("--guidance", type=float)
    ap.add_argument("--teacher-noise-correlation", type=float, help=f"frames' shared noise when the engine samples the teacher (default {TEACHER_NOISE_CORRELATION})")
    ap.add_argument("--teacher", type=Path, help="the teacher checkpoint to ship (default: the run's finished teacher)")
    ap.add_argument("--student", type=Path, help="the student checkpoint to ship (default: student_dmd, else student_ode)")
    args = ap.parse_args()
    run = run_dir()
    cfg = default_config()
    ae = load_autoencoder(run)
    teacher, text = load_teacher(run, cfg, checkpoint=args.teacher)
    student = VideoDiT(cfg)
    student_path = args.student or student_checkpoint(run)
    which = student_path.stem
    student.load_state_dict(load(student_path)["state"]["student"])
    imported = run / "pack_manifest.json"
    pack = json.loads(imported.read_text()) if imported.exists() else None
    # The imported student was distilled at its pack's timesteps and streams in its window,
    # whatever this run's ODE pairs say.
    own = pack if pack and which == "student_pack" else None
    timesteps = own["student"]["timesteps"] if own else run_timesteps(run)
    defaults = {"context_frames": STREAM_CONTEXT_FRAMES, "sink_frames": STREAM_SINK_FRAMES, "teacher_steps": 48, "guidance": 3.0,
                "teacher_noise_correlation": TEACHER_NOISE_CORRELATION}
    if own:
        defaults = {"context_frames": own["student"]["context_frames"], "sink_frames": own["student"]["sink_frames"],
                    "teacher_steps": own["teacher"]["steps"], "guidance": own["teacher"]["guidance"],
                    "teacher_noise_correlation": own["teacher"].get("noise_correlation", 0.0)}  # absent: independent, as the pack was
    for k, v in defaults.items():
        if getattr(args, k) is None:
            setattr(args, k, v)
    # An imported student keeps its pack's own (absent: none); a new one gets today's, on at most
    # as many steps as it takes.
    if own:
        switch_guidance = own["student"].get("switch_guidance")
    else:
        switch_guidance = SWITCH_GUIDANCE.manifest_entry() | {"steps": min(SWITCH_GUIDANCE.steps, len(timesteps))}
    info = {
        "date": datetime.date.today().isoformat(),
        "student_from": which,
        "teacher_from": (args.teacher or teacher_checkpoint(run)).stem,
        "stages": {n: s for n in ("ae", "ae_more", "decoder", *TEACHER_ROUNDS, "student_ode", "student_dmd") if (s := stage_summary(run, n))},
        "config": cfg.to_dict(),
        "object_scale": trained_object_scale(pack),
    }
    if pack:
        info["continues"] = {"name": pack["name"], **pack["training"]}
    export_pack(
        args.out, cfg, ae, text, student, teacher, timesteps, args.context_frames, args.sink_frames,
        args.teacher_steps, args.guidance, name="playground-default",
        description=f"CausVid playground model: 128x128 @ 16 fps, {cfg.frames_per_block}-frame blocks, {len(timesteps)}-step causal student "
        f"distilled from a {args.teacher_steps}-step bidirectional teacher.",
        training_info=info,
        teacher_noise_correlation=args.teacher_noise_correlation,
        switch_guidance=switch_guidance,
    )
    size = sum(p.stat().st_size for p in args.out.iterdir()) / 1e6
    print(f"exported {args.out} ({size:.1f} MB) from {which}")


if __name__ == "__main__":
    main()
