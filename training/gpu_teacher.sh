#!/usr/bin/env bash
# The teacher's three rounds on a rented GPU, within a fixed wall-clock budget.
#
# A GPU machine has none of the Debian packages the data is rendered from, little time and
# no way back for a 3 GB data set, so this renders a larger set there (from copies of the
# photos), encodes it with the shipped autoencoder (its normalisation kept, so the shipped
# decoder still fits), and trains teacher arms side by side on the one card (ARMS: name:flags,
# the flags of train_teacher.py joined by commas), each through ROUNDS of the three rounds, each
# round for its share of the time left (3 : 4 : 2, as build_pack.sh's steps).
# Each finished round's EMA weights are copied to $OUT/<arm>.pt at once, in the form every
# later stage loads, so a run cut short still returns its last round.
#
# Prepare here (ignored by git, carried to the machine):
#   python3 -m causvid.photos .gpu/photos && cp training/runs/default/ae_final.pt .gpu/
# Run there:  OUT=... training/gpu_teacher.sh
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONPATH=. PYTHONUNBUFFERED=1 OMP_WAIT_POLICY=PASSIVE
PY=${PYTHON:-python3}
CLIPS=${CLIPS:-8000}
BUDGET=${BUDGET:-520}   # seconds from this script's start to the last round's end
ARMS=${ARMS:-"lr1e-3:--lr=1e-3 lr2e-3:--lr=2e-3"}
ROUNDS=${ROUNDS:-3}
BATCH=${BATCH:-256}
WORK=${WORK:-/tmp/causvid}
OUT=${OUT:?set OUT to the folder the weights go to}
deadline=$(($(date +%s) + BUDGET))
export CAUSVID_DATA=$WORK/data CAUSVID_PHOTOS=$PWD/../.gpu/photos
mkdir -p "$WORK/enc/default" "$OUT"

"$PY" make_data.py --clips "$CLIPS" --workers "$(nproc)" | tail -n 1
cp ../.gpu/ae_final.pt "$WORK/enc/default/"
CAUSVID_RUNS=$WORK/enc "$PY" train_ae.py --encode-only

slim() {  # the EMA weights of a round, loadable by make_ode_pairs.load_teacher
    "$PY" -c "import sys, torch; c = torch.load(sys.argv[1], map_location='cpu'); torch.save({'step': c['step'], 'round': sys.argv[3], 'state': {k: c['state'][k] for k in ('ema_dit', 'ema_text')}}, sys.argv[2])" "$1" "$2" "$3"
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
        # Each round's start-up (imports, the data onto the card) is ~15 s of its share.
        local seconds=$(( ($deadline - $(date +%s)) * ${shares[$i]} / left - 15 ))
        left=$((left - shares[i]))
        echo "== ${names[$i]} for ${seconds}s" >>"$log"
        CAUSVID_RUNS=$runs "$PY" train_teacher.py "${flags[@]}" --seconds "$seconds" >>"$log" 2>&1
        slim "$runs/default/${names[$i]}.pt" "$OUT/$name.pt" "${names[$i]}"
    done
}

for spec in $ARMS; do arm "$spec" & done
wait
ls -l "$OUT"
