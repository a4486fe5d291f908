"""A model pack back into a run folder, so that training resumes from what ships.

    python3 training/import_pack.py [--pack models/default]     # into $CAUSVID_RUNS/default

Run folders live outside git and a new machine starts without them, so the trained weights a
session can count on are the pack's. This writes, from its graphs (causvid.pack):
- ae_final.pt: the frame autoencoder with its latent normalisation, as train_ae.py leaves it
  (then `train_ae.py --encode-only` encodes freshly rendered clips with it);
- teacher_pack.pt: the teacher and its text encoder, as network and average both, for
  `train_teacher.py --init`, `--teacher` of evaluate.py and the probes, and gpu_train.sh's
  TEACHER_INIT;
- student_pack.pt: the student, for `--student` of evaluate.py and export_default.py;
- pack_manifest.json: the pack's manifest, whose account of its training export_default.py
  carries into the next pack's as its lineage, and whose student timesteps it ships the
  imported student with.
It prints the CAUSVID_MODEL_CONFIG the pack's architecture needs when it is not the default,
and the CAUSVID_VOCABULARY its text encoder was trained on when it is not this run's.
"""

import argparse
import json
from pathlib import Path

from causvid.common import TRAINING_DIR, default_config, run_dir, save_atomic
from causvid.pack import read_pack
from causvid.prompts import VOCABULARY, vocabulary_of


def vocabulary_setting(vocabulary: list[str]) -> str | None:
    """The CAUSVID_VOCABULARY a pack's vocabulary needs when this run reads another one
    (None when they agree); refuses a vocabulary this code cannot tokenize as its pack did."""
    if vocabulary == VOCABULARY:
        return None
    for setting, known in (("words", vocabulary_of()), ("phrases", vocabulary_of(with_phrases=True))):
        if vocabulary == known:
            return setting
    raise SystemExit("the pack's vocabulary is none this code tokenizes: its text encoder would read other tokens")


def import_pack(pack: Path, run: Path) -> dict:
    m = read_pack(pack)
    if m.teacher is None:
        raise SystemExit(f"{pack} has no teacher graph: nothing to train on from")
    save_atomic({"ae": m.ae.state_dict()}, run / "ae_final.pt")
    dit, text = m.teacher.state_dict(), m.text.state_dict()
    save_atomic({"step": 0, "pack": str(pack), "state": {"dit": dit, "ema_dit": dit, "text": text, "ema_text": text}}, run / "teacher_pack.pt")
    save_atomic({"step": 0, "pack": str(pack), "state": {"student": m.student.state_dict()}}, run / "student_pack.pt")
    (run / "pack_manifest.json").write_text(json.dumps(m.manifest, indent=1) + "\n")
    return m.cfg.to_dict()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", type=Path, default=TRAINING_DIR.parent / "models" / "default")
    args = ap.parse_args()
    run = run_dir()
    # Before anything is written: a vocabulary this code cannot tokenize is refused here.
    setting = vocabulary_setting(json.loads((args.pack / "manifest.json").read_text())["text"]["vocabulary"])
    config = import_pack(args.pack, run)
    print(f"imported {args.pack} into {run}: ae_final.pt, teacher_pack.pt, student_pack.pt, pack_manifest.json")
    differs = {k: v for k, v in config.items() if default_config().to_dict().get(k) != v}
    if differs:
        print(f"its architecture is not the default: export CAUSVID_MODEL_CONFIG='{json.dumps(differs)}'")
    if setting:
        print(f"its vocabulary is not this run's: export CAUSVID_VOCABULARY={setting}")


if __name__ == "__main__":
    main()
