#!/usr/bin/env bash
# Coverage-guided fuzzing of the readers with Jazzer (the @FuzzTest targets below). Each target
# runs in its own Maven call (under the lock FUZZ_LOCK names, if any), with a
# 512 MiB heap so that memory blowups show as OutOfMemoryError. A finding fails the run and is
# kept in src/test/resources/.../<TestClass>Inputs/<method>/ as a regression input (which every
# `mvn test` then replays).
#   bash .ci/fuzz.sh [SECONDS [RUNS]] [TARGET...]   # defaults: 60 s, unlimited runs, every target
#   bash .ci/fuzz.sh 5 3000                          # the short seeded run .ci/run does
# Prints each target's executions ("#N DONE" / "Done N runs") from Jazzer's output.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}; runs=${2:-0}
shift $(( $# > 2 ? 2 : $# )) || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(core:IdxFuzzTest#idx core:IdxFuzzTest#mnist core:CsvFuzzTest#csv core:ImageFolderFuzzTest#labels
    core:SafeTensorsFuzzTest#safetensors core:ModelJsonFuzzTest#model core:TrainingStateFuzzTest#training
    core:TrainingStateFuzzTest#journal core:OnnxFuzzTest#onnx backend-cpu:OptimizerStateFuzzTest#optimizer)
fi
# FUZZ_LOCK=/tmp/neurite-build.lock takes that lock around each target (not in .ci/run, which may already hold it).
lock=()
if [ -n "${FUZZ_LOCK:-}" ]; then lock=(flock "$FUZZ_LOCK"); fi
jvm="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dneurite.leakCheck=true -Xmx512m -XX:+EnableDynamicAgentLoading"
status=0
for t in "${targets[@]}"; do
  module=${t%%:*}; test=${t#*:}; cls=${test%%#*}; log=$module/target/fuzz-${test/\#/-}.log
  args=(-Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" -Djazzer.internal.arg.2=-seed=1
    -Djazzer.internal.arg.3=-rss_limit_mb=0 -Djazzer.internal.arg.4=-timeout=10)
  [ "$runs" != 0 ] && args+=(-Djazzer.internal.arg.5=-runs="$runs")
  # A backend's test needs core's test-jar: build both, running only the target.
  mkdir -p "$module/target"   # a fresh clone has no target folder for the log yet
  goal=test; pl=$module; extra=()
  if [ "$module" != core ]; then goal=verify; pl=core,$module; extra=(-Dsurefire.failIfNoSpecifiedTests=false); fi
  if JAZZER_FUZZ=1 ${lock[@]+"${lock[@]}"} ./mvnw -B -q -o "$goal" -pl "$pl" ${extra[@]+"${extra[@]}"} -Dtest="$test" "-Dneurite.jvm.args=$jvm" "${args[@]}" \
      >"$log" 2>&1; then result=ok; else result=FAILED; status=1; fi
  done_line=$(grep -a -h -E '^Done [0-9]+ runs' "$log" 2>/dev/null | tail -1 || true)
  echo "fuzz $t: $result: ${done_line:-no Done line (see $log)}"
  if [ "$result" = FAILED ]; then
    grep -a -h -m4 -E 'FuzzTestFindingException|Caused by|== Java Exception|ERROR\]' "$log" "$module"/target/surefire-reports/*"$cls".txt 2>/dev/null | head -6 || true
  fi
done
exit $status
