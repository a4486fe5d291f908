#!/usr/bin/env bash
# The whole training chain on a rented GPU, within a fixed wall-clock budget (BUDGET seconds).
#
# A GPU machine has none of the Debian packages the data is rendered from, little time and
# no way back for a 3 GB data set, so this renders the set there (from copies of the photos).
#  0. causvid.sdpa_check: the fused attention kernel, on (CAUSVID_SDPA) where it computes what
#     the plain product does.
#  1. The frame autoencoder: trained there for AE_SECONDS (AE_FLAGS: train_ae.py's flags), or,
#     with AE_SECONDS=0, the shipped one copied in from .gpu (its normalisation kept, so the
#     shipped decoder still fits); then every clip is encoded.
#     TEACHER_INIT (a teacher's averaged weights, e.g. .gpu/teacher.pt: <arm>.pt of an earlier
#     run, or a round trained on here since) starts every arm's first clip round from it instead,
#     and no stills round is run: a 15-minute lease then goes on from where the last one (and
#     these cores) left off. Its autoencoder must come with it (AE_SECONDS=0 and that run's
#     ae_final.pt in .gpu), since the teacher only knows that autoencoder's latents.
#  2. With STILLS_SECONDS > 0, one stills round (train_teacher.py --stills: single frames at
#     STILLS_BATCH; STILLS_FLAGS: more of train_teacher.py's flags), which every arm's first
#     clip round starts from. Measured in session 11:
#     a teacher trained from scratch on clips at batch 128 drew no objects at all, one started
#     from stills drew them (docs/training-log.md).
#  3. Teacher arms side by side on the one card (ARMS: name:flags, the flags of
#     train_teacher.py joined by commas), each through ROUNDS of the three clip rounds, each
#     round for its share of the teacher's time (3 : 4 : 2, as build_pack.sh's steps). Arms
#     share the card: on the H200 a step's time grew nearly with its batch (0.03 s at 32, 0.10
#     at 128), so a second arm takes its steps from the first.
#  4. With DISTIL=1 the teachers end at TEACHER_SHARE per cent of the budget and every arm is
#     then distilled, side by side too: ODE pairs at STUDENT_STEPS, the student's ODE regression
#     and DMD (1 : 2 of what is left).
#
# What comes back in $OUT (at most 9 files: two arms with DISTIL=1), each as soon as its stage
# ends, so a run cut short still returns what it finished: ae_final.pt; per arm <arm>.pt (the
# teacher's EMA), <arm>_student.pt (the student, after its ODE regression, then after DMD) and
# <arm>.log; logs.tar (every stage's own log and .done file, the ODE pairs' timesteps among
# them); timeline.txt (the seconds from the start at which each stage ended). gpu_unpack.sh
# makes a run folder of them here. CAUSVID_MODEL_CONFIG (JSON) trains another architecture.
#
# Prepare here (ignored by git, carried to the machine):
#   python3 -m causvid.photos .gpu/photos
#   cp training/runs/default/ae_final.pt .gpu/    # only with AE_SECONDS=0
# Run there:  OUT=... training/gpu_train.sh
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONPATH=. PYTHONUNBUFFERED=1 OMP_WAIT_POLICY=PASSIVE
PY=${PYTHON:-python3}
CLIPS=${CLIPS:-8000}
OBJECT_SCALE=${OBJECT_SCALE:-2}   # make_data.py --object-scale: 2 as shipped since session 17, 1 before
BUDGET=${BUDGET:-520}   # seconds from this script's start to the last stage's end
AE_SECONDS=${AE_SECONDS:-0}
AE_FLAGS=${AE_FLAGS:-"--batch 64 --edge-weight 2 --gradient-weight 1"}
STILLS_SECONDS=${STILLS_SECONDS:-0}
STILLS_BATCH=${STILLS_BATCH:-64}
STILLS_LR=${STILLS_LR:-1e-3}
STILLS_FLAGS=${STILLS_FLAGS:-}
TEACHER_INIT=${TEACHER_INIT:-}
ARMS=${ARMS:-"lr1e-3:--lr=1e-3 lr2e-3:--lr=2e-3"}
ROUNDS=${ROUNDS:-3}
BATCH=${BATCH:-256}
DISTIL=${DISTIL:-0}
TEACHER_SHARE=${TEACHER_SHARE:-60}   # per cent of the budget, with DISTIL=1
ODE_CLIPS=${ODE_CLIPS:-1024}
STUDENT_STEPS=${STUDENT_STEPS:-4}
STUDENT_BATCH=${STUDENT_BATCH:-64}
DMD_BATCH=${DMD_BATCH:-32}
WORK=${WORK:-/tmp/causvid}
OUT=${OUT:?set OUT to the folder the weights go to}
if [ -n "$TEACHER_INIT" ]; then  # checked before anything renders: a lease is short
    [ "$AE_SECONDS" = 0 ] || { echo "TEACHER_INIT needs AE_SECONDS=0 and its own autoencoder in .gpu: the teacher knows only that one's latents" >&2; exit 2; }
    found=$(cd .. && realpath -e "$TEACHER_INIT" 2>/dev/null) || { echo "no teacher at $TEACHER_INIT (a path from the repository root)" >&2; exit 2; }
    TEACHER_INIT=$found
fi
start=$(date +%s)
deadline=$((start + BUDGET))
teacher_deadline=$deadline
[ "$DISTIL" = 1 ] && teacher_deadline=$((start + BUDGET * TEACHER_SHARE / 100))
export CAUSVID_DATA=$WORK/data CAUSVID_PHOTOS=$PWD/../.gpu/photos
enc=$WORK/enc/default
mkdir -p "$enc" "$OUT"

mark() {  # where the lease's seconds went: printed, and kept in $OUT/timeline.txt
    echo "[gpu_train] +$(($(date +%s) - start))s $*" | tee -a "$OUT/timeline.txt"
}

keep_logs() {  # $1: the stage just ended. Every stage's own log (JSON lines, what the export
    # summarises), .done and output, then the time it ended (mark). Arms call this side by side:
    # each writes its own file and renames it into place.
    local tmp=$OUT/logs.tar.$BASHPID
    (cd "$WORK" && tar -cf "$tmp" ./*/default/*.log ./*/default/*.done ./*/default/*.out 2>/dev/null) || true
    mv -f "$tmp" "$OUT/logs.tar" || true
    mark "$1"
}

slim() {  # $1 checkpoint, $2 out, $3... the state keys to keep
    "$PY" -c "import sys, torch; c = torch.load(sys.argv[1], map_location='cpu', weights_only=False); torch.save({'step': c['step'], 'state': {k: c['state'][k] for k in sys.argv[3:]}}, sys.argv[2])" "$@"
}

# The fused attention kernel is checked on this machine's torch while the data renders; where
# it disagrees with the plain product, or fails, every stage runs without it.
"$PY" -m causvid.sdpa_check --batch "$BATCH" >"$enc/sdpa.out" 2>&1 &
check=$!
"$PY" make_data.py --clips "$CLIPS" --workers "$(nproc)" --object-scale "$OBJECT_SCALE" | tail -n 1
mark "data rendered"
wait "$check" || export CAUSVID_SDPA=0
cat "$enc/sdpa.out"
if [ "$AE_SECONDS" = 0 ]; then
    cp ../.gpu/ae_final.pt "$enc/"
    CAUSVID_RUNS=$WORK/enc "$PY" train_ae.py --encode-only >"$enc/ae.out" 2>&1
else
    # shellcheck disable=SC2086
    CAUSVID_RUNS=$WORK/enc "$PY" train_ae.py --steps 600 --more 700 --seconds "$AE_SECONDS" $AE_FLAGS >"$enc/ae.out" 2>&1
    cp "$enc/ae_final.pt" "$OUT/"
fi
keep_logs "autoencoder ready, clips encoded"

init=()
if [ -n "$TEACHER_INIT" ]; then
    init=(--init "$TEACHER_INIT")
elif [ "$STILLS_SECONDS" != 0 ]; then
    # shellcheck disable=SC2086
    if CAUSVID_RUNS=$WORK/enc "$PY" train_teacher.py --stills 1000000 --batch "$STILLS_BATCH" --lr "$STILLS_LR" --seconds "$STILLS_SECONDS" $STILLS_FLAGS >"$enc/stills.out" 2>&1; then
        init=(--init "$enc/teacher_stills.pt")
    else
        echo "the stills round failed (stills.out in logs.tar): the clip rounds start from scratch"
    fi
    keep_logs "stills round done"
fi

arm() {  # $1: name:flags
    local name=${1%%:*} runs=$WORK/arm_${1%%:*} log=$OUT/${1%%:*}.log
    mkdir -p "$runs/default"
    ln -sf "$enc/latents.npy" "$enc/ae_final.pt" "$runs/default/"
    local -a flags=(--batch "$BATCH" --steps 1000000 "${init[@]}")
    IFS=, read -r -a extra <<<"${1#*:}"
    flags+=("${extra[@]}")
    local shares=(3 4 2) names=(teacher teacher_more teacher_temporal) left=0
    for i in $(seq 0 $((ROUNDS - 1))); do left=$((left + shares[i])); done
    for i in $(seq 0 $((ROUNDS - 1))); do
        [ "$i" = 1 ] && flags+=(--more 1000000)
        [ "$i" = 2 ] && flags+=(--temporal 1000000)
        # Each stage's start-up (imports, the data onto the card) is ~15 s of its share.
        local seconds=$(( (teacher_deadline - $(date +%s)) * shares[i] / left - 15 ))
        left=$((left - shares[i]))
        echo "== ${names[$i]} for ${seconds}s" >>"$log"
        CAUSVID_RUNS=$runs "$PY" train_teacher.py "${flags[@]}" --seconds "$seconds" >>"$log" 2>&1
        slim "$runs/default/${names[$i]}.pt" "$OUT/$name.pt" ema_dit ema_text
        keep_logs "$name: ${names[$i]} done"
    done
    [ "$DISTIL" = 1 ] || return 0
    export CAUSVID_RUNS=$runs
    echo "== ODE pairs" >>"$log"
    "$PY" make_ode_pairs.py --clips "$ODE_CLIPS" --chunk 256 --student-steps "$STUDENT_STEPS" >>"$log" 2>&1
    keep_logs "$name: ODE pairs done"
    seconds=$(( (deadline - $(date +%s)) / 3 - 15 ))
    echo "== student ODE for ${seconds}s" >>"$log"
    "$PY" train_student_ode.py --batch "$STUDENT_BATCH" --steps 1000000 --seconds "$seconds" >>"$log" 2>&1
    slim "$runs/default/student_ode.pt" "$OUT/${name}_student.pt" student
    keep_logs "$name: student regression done"
    seconds=$(( deadline - $(date +%s) - 20 ))
    echo "== DMD for ${seconds}s" >>"$log"
    "$PY" train_dmd.py --batch "$DMD_BATCH" --steps 1000000 --seconds "$seconds" >>"$log" 2>&1
    slim "$runs/default/student_dmd.pt" "$OUT/${name}_student.pt" student
    keep_logs "$name: DMD done"
}

for spec in $ARMS; do arm "$spec" & done
wait
ls -l "$OUT"
