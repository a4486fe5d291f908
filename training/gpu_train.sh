#!/usr/bin/env bash
# The training chain on a rented GPU, within a fixed wall-clock budget.
#
# A GPU machine has none of the Debian packages the data is rendered from, little time and
# no way back for a 3 GB data set, so this renders a larger set there (from copies of the
# photos), encodes it with the shipped autoencoder (its normalisation kept, so the shipped
# decoder still fits), and trains teacher arms side by side on the one card (ARMS: name:flags,
# the flags of train_teacher.py joined by commas), each through ROUNDS of the three rounds, each
# round for its share of the teacher's time (3 : 4 : 2, as build_pack.sh's steps).
# With DISTIL=1 the teachers get TEACHER_SHARE of the budget and the first arm is then
# distilled: ODE pairs, the student's ODE regression and DMD (1 : 2 of what is left).
#
# With AE_SECONDS > 0 the frame autoencoder is trained there too, for that long (AE_FLAGS: the
# flags of train_ae.py; a trial architecture in CAUSVID_MODEL_CONFIG needs its own), and its
# weights come back as ae_final.pt; otherwise the shipped one is copied in from .gpu.
#
# Every finished stage's weights are copied to $OUT at once, slimmed to what later stages and
# the export load (<arm>.pt: the teacher's EMA; <arm>_student_ode.pt, <arm>_student_dmd.pt: the
# student after each stage; <arm>_ode.done: its timesteps; logs.tar: the stages' logs), so a run
# cut short still returns what it finished; gpu_unpack.sh makes a run folder of them here. CAUSVID_MODEL_CONFIG (JSON) trains another architecture.
#
# Prepare here (ignored by git, carried to the machine):
#   python3 -m causvid.photos .gpu/photos && cp training/runs/default/ae_final.pt .gpu/
# (the second only where the shipped autoencoder is used, AE_SECONDS=0)
# Run there:  OUT=... training/gpu_train.sh
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONPATH=. PYTHONUNBUFFERED=1 OMP_WAIT_POLICY=PASSIVE
PY=${PYTHON:-python3}
CLIPS=${CLIPS:-8000}
BUDGET=${BUDGET:-520}   # seconds from this script's start to the last stage's end
ARMS=${ARMS:-"lr1e-3:--lr=1e-3 lr2e-3:--lr=2e-3"}
ROUNDS=${ROUNDS:-3}
BATCH=${BATCH:-256}
DISTIL=${DISTIL:-0}
TEACHER_SHARE=${TEACHER_SHARE:-60}   # per cent of the budget, with DISTIL=1
ODE_CLIPS=${ODE_CLIPS:-1024}
STUDENT_BATCH=${STUDENT_BATCH:-64}
DMD_BATCH=${DMD_BATCH:-32}
STUDENT_STEPS=${STUDENT_STEPS:-4}
AE_SECONDS=${AE_SECONDS:-0}
AE_FLAGS=${AE_FLAGS:-"--batch 64 --edge-weight 2 --gradient-weight 1"}
WORK=${WORK:-/tmp/causvid}
OUT=${OUT:?set OUT to the folder the weights go to}
start=$(date +%s)
deadline=$((start + BUDGET))
teacher_deadline=$deadline
[ "$DISTIL" = 1 ] && teacher_deadline=$((start + BUDGET * TEACHER_SHARE / 100))
export CAUSVID_DATA=$WORK/data CAUSVID_PHOTOS=$PWD/../.gpu/photos
mkdir -p "$WORK/enc/default" "$OUT"

"$PY" make_data.py --clips "$CLIPS" --workers "$(nproc)" | tail -n 1
if [ "$AE_SECONDS" = 0 ]; then
    cp ../.gpu/ae_final.pt "$WORK/enc/default/"
    CAUSVID_RUNS=$WORK/enc "$PY" train_ae.py --encode-only
else
    # shellcheck disable=SC2086
    CAUSVID_RUNS=$WORK/enc "$PY" train_ae.py --steps 600 --more 700 --seconds "$AE_SECONDS" $AE_FLAGS >"$WORK/enc/default/ae.out" 2>&1
    cp "$WORK/enc/default/ae_final.pt" "$OUT/"
fi

keep_logs() {  # every stage's own log (JSON lines, what the export summarises) and the autoencoder's output
    (cd "$WORK" && tar -cf "$OUT/logs.tar" ./*/default/*.log ./*/default/*.out 2>/dev/null) || true
}
keep_logs

slim() {  # $1 checkpoint, $2 out, $3... the state keys to keep
    "$PY" -c "import sys, torch; c = torch.load(sys.argv[1], map_location='cpu', weights_only=False); torch.save({'step': c['step'], 'state': {k: c['state'][k] for k in sys.argv[3:]}}, sys.argv[2])" "$@"
}

arm() {  # $1: name:flags
    local name=${1%%:*} runs=$WORK/arm_${1%%:*} log=$OUT/${1%%:*}.log
    mkdir -p "$runs/default"
    ln -sf "$WORK/enc/default/latents.npy" "$WORK/enc/default/ae_final.pt" "$runs/default/"
    local -a flags=(--batch "$BATCH" --steps 1000000)
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
        keep_logs
    done
}

distil() {  # $1: the arm whose teacher is distilled
    local runs=$WORK/arm_$1 log=$OUT/$1_student.log
    export CAUSVID_RUNS=$runs
    echo "== ODE pairs" >>"$log"
    "$PY" make_ode_pairs.py --clips "$ODE_CLIPS" --chunk 256 --student-steps "$STUDENT_STEPS" >>"$log" 2>&1
    cp "$runs/default/ode.done" "$OUT/$1_ode.done"  # the student's timesteps, which its export needs
    local seconds=$(( (deadline - $(date +%s)) / 3 - 15 ))
    echo "== student ODE for ${seconds}s" >>"$log"
    "$PY" train_student_ode.py --batch "$STUDENT_BATCH" --steps 1000000 --seconds "$seconds" >>"$log" 2>&1
    slim "$runs/default/student_ode.pt" "$OUT/$1_student_ode.pt" student
    keep_logs
    seconds=$(( deadline - $(date +%s) - 20 ))
    echo "== DMD for ${seconds}s" >>"$log"
    "$PY" train_dmd.py --batch "$DMD_BATCH" --steps 1000000 --seconds "$seconds" >>"$log" 2>&1
    slim "$runs/default/student_dmd.pt" "$OUT/$1_student_dmd.pt" student
    keep_logs
}

for spec in $ARMS; do arm "$spec" & done
wait
[ "$DISTIL" = 1 ] && distil "$(echo "$ARMS" | cut -d: -f1)"
ls -l "$OUT"
