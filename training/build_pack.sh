#!/usr/bin/env bash
# Rebuild the shipped model pack from nothing: render data, train every stage, export.
# Every stage resumes from its checkpoint in training/runs/, so re-running continues
# an interrupted build. Step counts can be scaled with the variables below.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
export PYTHONPATH=.
CLIPS=${CLIPS:-4000}
AE_STEPS=${AE_STEPS:-600}
TEACHER_STEPS=${TEACHER_STEPS:-3000}
ODE_CLIPS=${ODE_CLIPS:-320}
ODE_STEPS=${ODE_STEPS:-800}
DMD_STEPS=${DMD_STEPS:-300}
mkdir -p runs/default
run() { echo "== $*"; "$PY" "$@"; }
[ -f data/frames.npy ] || run make_data.py --clips "$CLIPS"
[ -f runs/default/ae.done ] && [ -f runs/default/latents.npy ] || run train_ae.py --steps "$AE_STEPS"
[ -f runs/default/teacher.done ] || run train_teacher.py --steps "$TEACHER_STEPS"
[ -f runs/default/ode.done ] || run make_ode_pairs.py --clips "$ODE_CLIPS"
[ -f runs/default/student_ode.done ] || run train_student_ode.py --steps "$ODE_STEPS"
[ -f runs/default/student_dmd.done ] || run train_dmd.py --steps "$DMD_STEPS"
run export_default.py
