#!/usr/bin/env bash
# Makes a run folder of what gpu_train.sh sent back, so that evaluate.py, preview.py,
# probe_patch.py and export_default.py read it as they read a chain built here
# (CAUSVID_RUNS=<runs> for them).
#   training/gpu_unpack.sh <its OUT folder> <runs> [arm, default main]
set -euo pipefail
src=$1 run=$2/default arm=${3:-main}
mkdir -p "$run"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -f "$src/logs.tar" ] && tar -xf "$src/logs.tar" -C "$tmp"
# The stages' own logs and .done files (the ODE pairs' timesteps are in ode.done).
for d in "$tmp/enc/default" "$tmp/arm_$arm/default"; do
    [ -d "$d" ] && find "$d" -maxdepth 1 -type f -exec cp -t "$run/" {} +
done
[ -f "$src/ae_final.pt" ] && cp "$src/ae_final.pt" "$run/"
# The teacher's last finished round, under the name the loaders look for first.
cp "$src/$arm.pt" "$run/teacher_temporal.pt"
for round in teacher teacher_more teacher_temporal; do [ -f "$run/$round.done" ] || echo gpu >"$run/$round.done"; done
if [ -f "$src/${arm}_student.pt" ]; then
    stage=student_ode
    [ -f "$run/student_dmd.done" ] && stage=student_dmd
    cp "$src/${arm}_student.pt" "$run/$stage.pt"
fi
ls "$run"
