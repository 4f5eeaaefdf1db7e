#!/usr/bin/env bash
# The one-hour soak (not in .ci/run): the main job trains epoch after epoch on one device with a
# checkpoint saved after each, for SECONDS; the resident memory is sampled every minute, and at the
# end the last checkpoint must resume and train on. Fails on any error line, a non-zero exit other
# than the time limit's, or resident memory growing by more than MAX_GROWTH_MB after the first
# quarter of the run (warm-up: JIT, caches, the allocator's high-water mark).
#   bash .ci/soak.sh cpu:0 3600 target/soak-cpu     (needs bench/target/neurite-bench.jar)
# Run it beside other work with `nice -n 19`: it measures memory and errors, not speed.
set -euo pipefail
cd "$(dirname "$0")/.."
device=${1:?device}; seconds=${2:-3600}; out=${3:-target/soak-${1/:/}}
max_growth_mb=${MAX_GROWTH_MB:-32}
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
rm -rf "$out"; mkdir -p "$out"
jar=bench/target/neurite-bench.jar
flags=(--add-modules jdk.incubator.vector -XX:+UseSerialGC -Xms64m)

"$java" "${flags[@]}" -jar "$jar" mnist --device "$device" --warmup 0 --epochs 1000000 \
    --save "$out/checkpoint" >"$out/train.log" 2>&1 &
pid=$!
# Epochs completed in the last checkpoint (0 before the first save).
saved_epochs() { sed -n 's/.*"epoch" *: *\([0-9]*\).*/\1/p' "$out/checkpoint/training.json" 2>/dev/null | head -1 || true; }
start=$(date +%s)
echo "seconds rss_kb epochs_saved" >"$out/rss.txt"
while kill -0 "$pid" 2>/dev/null && [ $(( $(date +%s) - start )) -lt "$seconds" ]; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  epoch=$(saved_epochs)
  echo "$(( $(date +%s) - start )) $rss ${epoch:-0}" >>"$out/rss.txt"
  sleep 60
done
if ! kill -0 "$pid" 2>/dev/null; then
  wait "$pid" || true
  echo "soak: the job on $device ended by itself before $seconds s"; tail -5 "$out/train.log"; exit 1
fi
kill "$pid"; wait "$pid" 2>/dev/null || true
if grep -q '^error:' "$out/train.log"; then grep '^error:' "$out/train.log"; exit 1; fi

epochs=$(saved_epochs)
"$java" "${flags[@]}" -jar "$jar" mnist --resume "$out/checkpoint" --epochs $(( epochs + 1 )) --warmup 0 \
    >"$out/resume.log" 2>&1 || { echo "soak: resuming the last checkpoint failed"; tail -3 "$out/resume.log"; exit 1; }

# Growth: the largest sample after the first quarter against the first sample after it.
awk -v q=$(( seconds / 4 )) -v max=$(( max_growth_mb * 1024 )) -v dev="$device" -v ep="$epochs" '
  NR > 1 && $1 >= q { if (!base) base = $2; if ($2 > peak) peak = $2 }
  NR == 2 { first = $2 }
  END {
    printf "soak %s: %d epochs saved; RSS %.1f MB at start, %.1f MB after warm-up, peak %.1f MB after (+%.1f MB)\n",
           dev, ep, first / 1024, base / 1024, peak / 1024, (peak - base) / 1024
    exit (peak - base > max) ? 1 : 0
  }' "$out/rss.txt"
grep -h "accuracy" "$out/resume.log" | tail -1
