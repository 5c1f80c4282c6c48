#!/usr/bin/env bash
# Reproduces models/diareid-default.dmodel from nothing but the renderer:
# renders the training and calibration sets (seeds no evaluation set uses),
# trains, calibrates the verdict threshold, copies the model into models/
# and prints its hash. About 100 minutes on two shared cores (rendering 20,
# training 70, calibration 1).
#
#   tools/train-default-model.sh [WORK_DIR]    (default: work/default-model)
#
# DIAREID names the binary (default: build/src/cli/diareid). Seeds:
#   training      population 1001, 100 stones x 12 shots, realistic, 256 px
#                 and the same 100 stones x 48 shots for the third stage
#   calibration   population 3001,  32 stones x 12 shots, realistic, 256 px
# The evaluation sets of models/README.md use 2001 (realistic), 2002 (hard)
# and 4001 (distractors): never these.
set -euo pipefail
cd "$(dirname "$0")/.."
DIAREID=${DIAREID:-build/src/cli/diareid}
WORK=${1:-work/default-model}
# Idle OpenMP threads that spin instead of sleeping starve each other on a
# shared machine (ten times slower measured on two busy cores).
export OMP_WAIT_POLICY=PASSIVE
mkdir -p "$WORK"

"$DIAREID" --threads 2 simulate dataset --out "$WORK/train" --stones 100 \
  --shots 12 --seed 1001 --preset realistic --size 256
"$DIAREID" --threads 2 simulate dataset --out "$WORK/train48" --stones 100 \
  --shots 48 --seed 1001 --preset realistic --size 256
"$DIAREID" --threads 2 simulate dataset --out "$WORK/calibration" \
  --stones 32 --shots 12 --seed 3001 --preset realistic --size 256

# Interrupted? Run the script again: rendering keeps what exists and
# training resumes from its last finished epoch. Four stages, each from the
# last one's model with a fresh classifier: 10 epochs at lr 1e-3 and 8 more
# at lr 5e-4 with softmax on 12 shots a stone (128 px); 8 epochs with
# CosFace (cosine metric, unit embeddings) on 48 shots a stone (128 px);
# 3 epochs of CosFace at 256 px, lr 3e-4 (the network is fully
# convolutional: the 128 px weights start the 256 px model).
"$DIAREID" --threads 2 train --data "$WORK/train" \
  --out "$WORK/stage1.dmodel" --input-size 128 --polar --width 0.25 \
  --embedding-size 256 --loss softmax --epochs 10 --lr 1e-3 --seed 1 \
  --storage float16
"$DIAREID" --threads 2 train --data "$WORK/train" \
  --out "$WORK/stage2.dmodel" --init "$WORK/stage1.dmodel" \
  --input-size 128 --polar --width 0.25 --embedding-size 256 \
  --loss softmax --epochs 8 --lr 5e-4 --seed 1 --storage float16
"$DIAREID" --threads 2 train --data "$WORK/train48" \
  --out "$WORK/stage3.dmodel" --init "$WORK/stage2.dmodel" \
  --input-size 128 --polar --width 0.25 --embedding-size 256 \
  --loss cosface --epochs 8 --lr 5e-4 --seed 1 --storage float16
"$DIAREID" --threads 2 train --data "$WORK/train48" \
  --out "$WORK/diareid-default.dmodel" --init "$WORK/stage3.dmodel" \
  --input-size 256 --polar --width 0.25 --embedding-size 256 \
  --loss cosface --epochs 3 --lr 3e-4 --seed 1 --storage float16

"$DIAREID" --threads 2 --model "$WORK/diareid-default.dmodel" eval \
  --data "$WORK/calibration" --refs 8 --repeats 5 --calibrate \
  --plot "$WORK/calibration.png"

cp "$WORK/diareid-default.dmodel" models/diareid-default.dmodel
cp "$WORK/calibration.png" models/calibration.png
sha256sum models/diareid-default.dmodel
