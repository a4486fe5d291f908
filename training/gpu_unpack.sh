#!/usr/bin/env bash
# Makes a run folder of what gpu_train.sh sent back, so that evaluate.py, preview.py and
# export_default.py read it as they read a chain built here (CAUSVID_RUNS=<runs> for them).
#   training/gpu_unpack.sh <its OUT folder> <runs> [arm, default main]
set -euo pipefail
src=$1 run=$2/default arm=${3:-main}
mkdir -p "$run"
[ -f "$src/ae_final.pt" ] && cp "$src/ae_final.pt" "$run/"
# The teacher's last finished round; the loaders take the latest round marked done.
cp "$src/$arm.pt" "$run/teacher_temporal.pt"
for round in teacher teacher_more teacher_temporal; do echo gpu >"$run/$round.done"; done
[ -f "$src/${arm}_ode.done" ] && cp "$src/${arm}_ode.done" "$run/ode.done"
for stage in student_ode student_dmd; do
    [ -f "$src/${arm}_$stage.pt" ] && cp "$src/${arm}_$stage.pt" "$run/$stage.pt"
done
if [ -f "$src/logs.tar" ]; then
    tmp=$(mktemp -d)
    tar -xf "$src/logs.tar" -C "$tmp"
    find "$tmp" -path "*/enc/*" -o -path "*/arm_$arm/*" | grep -E '\.(log|out)$' | xargs -r cp -t "$run/"
    rm -rf "$tmp"
fi
ls "$run"
