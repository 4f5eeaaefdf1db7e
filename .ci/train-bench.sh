#!/usr/bin/env bash
# The training bench on every device CI has: one LeNet-5 epoch of the main job on cpu:0, opencl:0
# (PoCL) and the emulated CUDA device (the CUDA backend's host code over OpenCL; its provider is on
# backend-cuda's test class path, so that joins the bench jar's). Each must reach the accuracy one
# epoch gives on the CPU oracle (93.7% on the embedded split) within a point, and every device
# must see the same first-epoch loss as the CPU to 3 decimals (same seed, same batches).
# Run from the project root after `./mvnw verify`; about 40 s, nearly all of it the emulated device.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "train-bench: FAIL: $*" >&2; exit 1; }
field() { grep -o "\"$2\": \[\?[-0-9.eE]*" "$1" | sed 's/.*[[ ]//'; }
run() {
  local device=$1; shift
  java --add-modules jdk.incubator.vector -XX:+UseSerialGC -Xms64m "$@" mnist --device "$device" --model lenet \
    --epochs 1 --warmup 0 --json "$out/$device.json" > "$out/$device.log" 2>&1 \
    || { cat "$out/$device.log" >&2; fail "bench mnist on $device exited with an error"; }
  local acc loss
  acc=$(field "$out/$device.json" eval_accuracy)
  loss=$(field "$out/$device.json" train_loss_by_epoch)
  echo "train-bench: $device accuracy $acc, first-epoch loss $loss, $(field "$out/$device.json" train_images_per_sec | cut -d. -f1) img/s"
  awk -v a="$acc" 'BEGIN { exit !(a >= 0.927) }' || fail "$device reached $acc, below 0.927"
  if [ -z "${reference:-}" ]; then reference=$loss; fi
  awk -v a="$loss" -v b="$reference" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d < 0.0005) }' \
    || fail "$device's first-epoch loss $loss differs from cpu:0's $reference"
}
run cpu:0 -jar bench/target/neurite-bench.jar
if java --add-modules jdk.incubator.vector -jar bench/target/neurite-bench.jar devices 2>/dev/null | grep -Eq '^ *opencl +opencl:0 '; then
  run opencl:0 -jar bench/target/neurite-bench.jar
  run cudaemu:0 -cp bench/target/neurite-bench.jar:backend-cuda/target/test-classes io.neurite.bench.Main
else
  echo "train-bench: no OpenCL device, so neither opencl:0 nor the emulated CUDA device runs"
fi
