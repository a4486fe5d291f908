#!/usr/bin/env bash
# Rebuild the shipped model pack from nothing: render data, train every stage, export.
# Every stage resumes from its checkpoint in training/runs/ (or $CAUSVID_RUNS), so re-running
# continues an interrupted build. Step counts can be scaled with the variables below.
# A trial architecture (CAUSVID_MODEL_CONFIG) goes through the same chain in a run folder of its
# own, with EXPORT=0 so that models/default stays as shipped until the trial is scored.
#
# FROM_PACK=DIR continues a pack (models/default, say) instead of starting from nothing: run
# folders are not kept in git and a new machine has none, but the pack holds every trained
# weight (import_pack.py). Its autoencoder encodes the clips (the shipped 2x2 pack's is session
# 17's, imported); by default (TEACHER_STILLS) a new teacher grows from a stills round
# (TEACHER_STEPS clip steps), with PATCH=4 is continued on switch clips (TEACHER_SWITCHES)
# and the student is distilled from it. With TEACHER_STILLS=0 the
# pack's own teacher trains TEACHER_CONTINUE more steps instead, its text encoder frozen (so
# that teacher can ship beside the pack's student at any point).
set -euo pipefail
FROM_PACK=${FROM_PACK:-}
if [ -n "$FROM_PACK" ]; then
  found=$(realpath -e "$FROM_PACK" 2>/dev/null) || { echo "FROM_PACK: no pack at $FROM_PACK" >&2; exit 2; }
  FROM_PACK=$found
fi
# The network's patch (CAUSVID_MODEL_CONFIG's "patch"): 2 as shipped since session 36, 64 tokens
# a latent frame. Its recipe is session 31's: the stills round, then one clip round of
# TEACHER_STEPS (3000 by default) with switch clips drawn three times as often from the start,
# their prefix always clean and their noise level high (--switch-prefix 1 --switch-noise 0.85),
# and no switch round after it; DMD for 50 steps without the regression on real continuations
# (--data-weight 0), which made the object fade at a colour switch (training log, session 35).
# PATCH=4 (16 tokens a frame, give it a CAUSVID_RUNS of its own) runs the recipe of the 4x4
# packs shipped up to session 35: a clip round of 4500, a switch round, 200 DMD steps with the
# continuation regression, and a teacher sampled from noise its frames share (0.8).
PATCH=${PATCH:-2}
clip_recipe=()
export_recipe=()
case "$PATCH" in
  2)
    TEACHER_STEPS=${TEACHER_STEPS:-3000}
    TEACHER_SWITCHES=${TEACHER_SWITCHES:-0}
    DMD_STEPS=${DMD_STEPS:-50}
    DMD_DATA=${DMD_DATA:-0}
    clip_recipe=(--switch-weight 3 --switch-prefix 1 --switch-noise 0.85)
    ;;
  4)
    [ -z "${CAUSVID_MODEL_CONFIG:-}" ] || { echo "PATCH=4 sets CAUSVID_MODEL_CONFIG itself; unset it" >&2; exit 2; }
    export CAUSVID_MODEL_CONFIG='{"patch": 4}'
    TEACHER_STEPS=${TEACHER_STEPS:-4500}
    # That teacher is the clip round continued this many steps with its text encoder frozen and
    # clips that switch their prompt drawn three times as often (session 23's B: 75 minutes,
    # 6577 steps, on one core here).
    TEACHER_SWITCHES=${TEACHER_SWITCHES:-6577}
    DMD_STEPS=${DMD_STEPS:-200}
    DMD_DATA=${DMD_DATA:-0.5}
    export_recipe=(--teacher-noise-correlation 0.8)
    ;;
  *) echo "PATCH: 2 or 4, not $PATCH" >&2; exit 2 ;;
esac
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
export PYTHONPATH=.
# Builds and the studio share these cores; spinning OpenMP threads would starve everyone.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
CLIPS=${CLIPS:-4000}
# Object radius multiplier for the rendered clips (make_data.py --object-scale): 2 as shipped
# since session 17 (1 up to session 16's pack).
OBJECT_SCALE=${OBJECT_SCALE:-2}
AE_STEPS=${AE_STEPS:-600}
AE_MORE=${AE_MORE:-700}
# Extra loss weight on object outlines and on pixel differences (train_ae.py); 0 as shipped.
AE_EDGE=${AE_EDGE:-0}
AE_GRADIENT=${AE_GRADIENT:-0}
# Share of each autoencoder batch that is photo frames (train_ae.py --photo-share): 0 as shipped.
# At 0.5 an unseen photo keeps its colours (session 42).
AE_PHOTO_SHARE=${AE_PHOTO_SHARE:-0}
# The decoder trained again on photos with the encoder frozen, after the student (train_decoder.py,
# DECODER_KEEP of each batch the student's latents held to the old decoder's drawing). Measured in
# session 42 and not shipped: it draws an unseen photo closer but recolours the student's
# objects (training log). 0 skips it, as shipped.
DECODER_STEPS=${DECODER_STEPS:-0}
DECODER_KEEP=${DECODER_KEEP:-0.25}
# The shipped teacher is one clip round grown from a stills round (as since session 17; its
# TEACHER_STEPS are the patch's, above); the second and third rounds (TEACHER_MORE,
# TEACHER_TEMPORAL: 4000 and 2000 up to session 16) are skipped at 0.
TEACHER_MORE=${TEACHER_MORE:-0}
TEACHER_TEMPORAL=${TEACHER_TEMPORAL:-0}
# The fourth round (spatial attention bias) was measured in session 4 and not shipped: 0 skips it.
TEACHER_SPATIAL=${TEACHER_SPATIAL:-0}
# Pretraining on single frames before the clip rounds (train_teacher.py --stills), which the
# first round then starts from (6000 as shipped since session 17); 0 starts it from scratch.
TEACHER_STILLS=${TEACHER_STILLS:-6000}
if [ -n "$FROM_PACK" ] && [ "$TEACHER_STILLS" = 0 ]; then
  # Continuing a pack's teacher needs its patch: the manifest's training.config is the pack's own
  # network (training.continues holds its lineage's); a manifest without one is a 4x4 pack. Any
  # python3 reads JSON ($PY is the training interpreter, which the tests stand in for).
  pack_patch=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("training", {}).get("config", {}).get("patch", 4))' \
    "$FROM_PACK/manifest.json" 2>/dev/null || true)
  pack_patch=${pack_patch:-4}
  [ "$pack_patch" = "$PATCH" ] || {
    echo "the pack's teacher is ${pack_patch}x${pack_patch}: it cannot be continued at ${PATCH}x${PATCH} (TEACHER_STILLS=0); set PATCH=$pack_patch or grow a new teacher" >&2; exit 2; }
fi
STILLS_BATCH=${STILLS_BATCH:-64}
STILLS_LR=${STILLS_LR:-1e-3}
# Single frames trained beside each clip round's clips (train_teacher.py --joint-stills); 16 as shipped.
JOINT_STILLS=${JOINT_STILLS:-16}
TEACHER_CONTINUE=${TEACHER_CONTINUE:-8000}
# TEACHER_SWITCHES (the switch round after the clip round; 0 skips it) is the patch's, above.
EXPORT=${EXPORT:-1}
ODE_CLIPS=${ODE_CLIPS:-320}
ODE_STEPS=${ODE_STEPS:-600}
# The student's denoising steps per block (make_ode_pairs.py --student-steps); 4 as shipped.
STUDENT_STEPS=${STUDENT_STEPS:-4}
# DMD_STEPS and DMD_DATA (train_dmd.py --data-weight) are the patch's: see PATCH above.
# Blocks per DMD rollout (train_dmd.py --rollout-blocks) and the statistics anchor on the
# regression student's rollouts (--anchor-weight): 16 and 1 as shipped since session 25 (4, the
# teacher's clip, and 0, off, up to session 24's pack).
DMD_ROLLOUT_BLOCKS=${DMD_ROLLOUT_BLOCKS:-16}
DMD_ANCHOR=${DMD_ANCHOR:-1}
# Every continued teacher keeps its text encoder (so it can ship beside the student distilled
# with it) and trains 16 stills a step beside its clips at a lower rate.
continuation=(--freeze-text --joint-stills 16 --lr 3e-4)
switch_recipe=(--switch-weight 3)
# How a FROM_PACK build with TEACHER_STILLS=0 continues the pack's teacher: "temporal" (the
# third round's recipe, session 16) or "switches" (switch clips drawn 3 times as often, session 23).
CONTINUE_RECIPE=${CONTINUE_RECIPE:-temporal}
case "$CONTINUE_RECIPE" in
  temporal) continue_recipe=(--temporal-recipe) ;;
  switches) continue_recipe=("${switch_recipe[@]}") ;;
  *) echo "CONTINUE_RECIPE: temporal or switches, not $CONTINUE_RECIPE" >&2; exit 2 ;;
esac
RUN=${CAUSVID_RUNS:-runs}/default
mkdir -p "$RUN"
run() { echo "== $*"; "$PY" "$@"; }
# The clips live where the Python stages read them (causvid/common.py: CAUSVID_DATA or data/).
[ -f "${CAUSVID_DATA:-data}/frames.npy" ] || run make_data.py --clips "$CLIPS" --object-scale "$OBJECT_SCALE"
if [ -n "$FROM_PACK" ]; then
  [ -f "$RUN/teacher_pack.pt" ] || run import_pack.py --pack "$FROM_PACK"
  [ -f "$RUN/latents.npy" ] || run train_ae.py --encode-only
  if [ "$TEACHER_STILLS" != 0 ]; then
    # Only the pack's autoencoder is kept: a new teacher grows from a stills round, which beat
    # continuing the pack's teacher (training log, session 16).
    [ -f "$RUN/teacher_stills.done" ] || run train_teacher.py --stills "$TEACHER_STILLS" --batch "$STILLS_BATCH" --lr "$STILLS_LR"
    [ -f "$RUN/teacher.done" ] || run train_teacher.py --steps "$TEACHER_STEPS" --init "$RUN/teacher_stills.pt" --joint-stills "$JOINT_STILLS" "${clip_recipe[@]}"
  else
    [ -f "$RUN/teacher.done" ] || run train_teacher.py --init "$RUN/teacher_pack.pt" "${continuation[@]}" \
      "${continue_recipe[@]}" --steps "$TEACHER_CONTINUE"
  fi
else
  [ -f "$RUN/ae_more.done" ] && [ -f "$RUN/latents.npy" ] || run train_ae.py --steps "$AE_STEPS" --more "$AE_MORE" --edge-weight "$AE_EDGE" --gradient-weight "$AE_GRADIENT" --photo-share "$AE_PHOTO_SHARE"
  init=()
  joint=(--joint-stills "$JOINT_STILLS")
  if [ "$TEACHER_STILLS" != 0 ]; then
    [ -f "$RUN/teacher_stills.done" ] || run train_teacher.py --stills "$TEACHER_STILLS" --batch "$STILLS_BATCH" --lr "$STILLS_LR"
    init=(--init "$RUN/teacher_stills.pt")
  fi
  [ -f "$RUN/teacher.done" ] || run train_teacher.py --steps "$TEACHER_STEPS" "${init[@]}" "${joint[@]}" "${clip_recipe[@]}"
  [ "$TEACHER_MORE" = 0 ] || [ -f "$RUN/teacher_more.done" ] || run train_teacher.py --steps "$TEACHER_STEPS" --more "$TEACHER_MORE" "${joint[@]}"
  [ "$TEACHER_TEMPORAL" = 0 ] || [ -f "$RUN/teacher_temporal.done" ] || run train_teacher.py --steps "$TEACHER_STEPS" --more "$TEACHER_MORE" --temporal "$TEACHER_TEMPORAL" "${joint[@]}"
  [ "$TEACHER_SPATIAL" = 0 ] || [ -f "$RUN/teacher_spatial.done" ] || run train_teacher.py --steps "$TEACHER_STEPS" --more "$TEACHER_MORE" --temporal "$TEACHER_TEMPORAL" --spatial "$TEACHER_SPATIAL" "${joint[@]}"
fi
if [ "$TEACHER_SWITCHES" != 0 ] && ! { [ -n "$FROM_PACK" ] && [ "$TEACHER_STILLS" = 0 ]; }; then
  # Continues the last round that finished (in the order of make_ode_pairs.TEACHER_ROUNDS), under a stage name of its own.
  last=teacher
  for round in teacher_more teacher_temporal teacher_spatial; do [ ! -f "$RUN/$round.done" ] || last=$round; done
  [ -f "$RUN/teacher_continued.done" ] || run train_teacher.py --continued --init "$RUN/$last.pt" \
    "${continuation[@]}" "${switch_recipe[@]}" --steps "$TEACHER_SWITCHES"
fi
[ -f "$RUN/ode.done" ] || run make_ode_pairs.py --clips "$ODE_CLIPS" --student-steps "$STUDENT_STEPS"
[ -f "$RUN/student_ode.done" ] || run train_student_ode.py --steps "$ODE_STEPS"
[ -f "$RUN/student_dmd.done" ] || run train_dmd.py --steps "$DMD_STEPS" --rollout-blocks "$DMD_ROLLOUT_BLOCKS" --anchor-weight "$DMD_ANCHOR" --data-weight "$DMD_DATA"
[ "$DECODER_STEPS" = 0 ] || [ -f "$RUN/decoder.done" ] || run train_decoder.py --steps "$DECODER_STEPS" --keep-share "$DECODER_KEEP"
[ "$EXPORT" = 0 ] || run export_default.py "${export_recipe[@]}"
