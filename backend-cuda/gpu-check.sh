#!/bin/sh
# backend-cuda/gpu-check.sh: every GPU check of the CUDA backend (issue 7) in one run, for a machine
# with an NVIDIA GPU, PyTorch and no Java, using the bundle of ../shared/tools/gpu-bundle.sh.
#
# Prepare here, from the project root (no GPU needed):
#   export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
#   ./mvnw -q install -DskipTests && ./mvnw -q -pl backend-cuda test-compile
#   ../shared/tools/gpu-bundle.sh --tests backend-cuda        # writes .gpu/ (git-ignored)
# Run there, from the project root, carrying .gpu (the device tool: carry [".gpu"], timeout_s 600):
#   sh backend-cuda/gpu-check.sh
# Results go to $OUT (the device tool's folder that comes back), else /tmp/gpu-check: one log per
# step, the JSON of each bench run, JUnit XML under junit/, steps.txt (exit status and seconds of
# each step) and summary.txt (the figures issue 7 asks for, with their ratios).
#
# Steps, each under its own time limit so that one hang cannot eat the GPU budget (about 3-5
# minutes in all on an H100; the CPU accuracy run comes last because it matters least):
#   1. nvidia-smi and `bench devices`
#   2. the bundled backend-cuda tests with -Dneurite.conformance.require=cuda: the conformance kit,
#      the buffer contract, the model case, core's behaviour suites (CudaBehaviourTest: model API,
#      training, layer gradients, recurrent layers, checkpoints) and the allocator's steady state
#      (CudaSteadyStateTest) on cuda:0 must run, not skip (the emulated, ptxas and nvcc tests skip
#      there for want of OpenCL CPU devices and a toolkit; that is expected). Without a GPU, as
#      checked here on 2026-12-01, only the cuda:0 classes fail, each with "libcuda.so.1 not found".
#   3. bench gemm --device cuda:0 --n 4096 beside torch_reference gemm --device cuda (TF32 off): by
#      default through cuBLAS where the JVM finds libcublas.so.13 (PyTorch's nvidia/cublas/lib under
#      the python3 on the PATH; bench devices says what it found), then Neurite's own PTX kernels
#      (-Dneurite.cuda.blas=own), then those with -Dneurite.cuda.gemm=tiled, to see what the
#      large-tile kernel buys
#   4. bench mnist --device cuda:0 --model lenet at batch 64 and 512, each beside
#      torch_reference mnist --model lenet --device cuda at the same batch
#   5. bench mnist --device cpu:0 --model lenet at batch 64: the accuracy the CUDA run must match
#      within 0.5 points (same seed, same split)
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
out=${OUT:-/tmp/gpu-check}
mkdir -p "$out"
ng=/tmp/ngpu
[ -f .gpu/bundle.tar.xz ] || { echo "no .gpu/bundle.tar.xz: build it with ../shared/tools/gpu-bundle.sh --tests backend-cuda and carry .gpu" >&2; exit 2; }
sh .gpu/unpack || exit 2
[ -x "$ng/run-tests.sh" ] || echo "warning: the bundle has no tests (made without --tests backend-cuda); step 2 will fail" >&2
: > "$out/steps.txt"

# step NAME LIMIT_SECONDS COMMAND...: runs COMMAND with its output in NAME.log, records status and time
step() {
  name=$1; limit=$2; shift 2
  echo "== $name: $*"
  t0=$(date +%s)
  timeout "$limit" "$@" > "$out/$name.log" 2>&1
  rc=$?
  echo "$name rc=$rc $(( $(date +%s) - t0 ))s" | tee -a "$out/steps.txt"
  tail -n 12 "$out/$name.log"
}
java=$ng/java
jar="-jar $ng/neurite-bench.jar" # unquoted below on purpose: two words

step nvidia-smi 30 nvidia-smi
step devices 60 "$java" $jar devices
step kit 300 env JAVA_TOOL_OPTIONS=-Dneurite.conformance.require=cuda "$ng/run-tests.sh" --reports-dir="$out/junit"
step gemm-cuda 180 "$java" $jar gemm --device cuda:0 --n 4096 --json "$out/gemm-cuda.json"
step gemm-torch 120 python3 "$ng/torch_reference.py" gemm --n 4096 --device cuda
step gemm-cuda-own 120 "$java" -Dneurite.cuda.blas=own $jar gemm --device cuda:0 --n 4096 --seconds 1 --json "$out/gemm-cuda-own.json"
step gemm-cuda-tiled 120 "$java" -Dneurite.cuda.blas=own -Dneurite.cuda.gemm=tiled $jar gemm --device cuda:0 --n 4096 --seconds 1 --json "$out/gemm-cuda-tiled.json"
for b in 64 512; do
  step "mnist-cuda-$b" 240 "$java" $jar mnist --device cuda:0 --model lenet --batch "$b" --data "$ng/mnist" --json "$out/mnist-cuda-$b.json"
  step "mnist-torch-$b" 240 python3 "$ng/torch_reference.py" mnist --model lenet --device cuda --batch "$b" --data "$ng/mnist"
done
step mnist-cpu-64 300 "$java" $jar mnist --device cpu:0 --model lenet --batch 64 --data "$ng/mnist" --json "$out/mnist-cpu-64.json"

# The figures and ratios, from the JSON files and the torch logs' RESULT lines.
python3 - "$out" <<'PY' | tee "$out/summary.txt"
import json, os, sys
out = sys.argv[1]
def load(name):
    try:
        with open(os.path.join(out, name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
def torch(name):
    try:
        with open(os.path.join(out, name + ".log")) as f:
            lines = [l for l in f if l.startswith("RESULT ")]
        return json.loads(lines[-1][len("RESULT "):]) if lines else None
    except (OSError, ValueError):
        return None
def ratio(a, b):
    return "n/a" if not a or not b else "%.2f" % (a / b)
print("steps:"); print(open(os.path.join(out, "steps.txt")).read().rstrip())
g, go, gt, tg = load("gemm-cuda.json"), load("gemm-cuda-own.json"), load("gemm-cuda-tiled.json"), torch("gemm-torch")
best = g and g.get("gflops"); own = go and go.get("gflops"); ref = tg and tg.get("gflops_median")
print("gemm n=4096 (%s): Neurite cuda:0 default %s GFLOP/s, ratio %s (issue, cuBLAS path: >= 0.95)"
      % (g and g.get("description", "")[-160:], best and "%.0f" % best, ratio(best, ref)))
print("gemm n=4096: own PTX kernels %s GFLOP/s (tiled-only %s), torch.mm FP32 (TF32 off) %s GFLOP/s, ratio %s (issue: >= 0.7)"
      % (own and "%.0f" % own, gt and "%.0f" % gt.get("gflops", 0), ref and "%.0f" % ref, ratio(own, ref)))
cpu = load("mnist-cpu-64.json")
for b in (64, 512):
    n, t = load("mnist-cuda-%d.json" % b), torch("mnist-torch-%d" % b)
    nr = n and n.get("train_images_per_sec"); tr = t and t.get("train_images_per_sec")
    acc = n and n.get("eval_accuracy")
    print("mnist lenet batch %d: Neurite cuda:0 %s images/s, PyTorch eager %s images/s, ratio %s (issue: >= 1); accuracy %s, torch %s"
          % (b, nr and "%.0f" % nr, tr and "%.0f" % tr, ratio(nr, tr), acc, t and t.get("eval_accuracy")))
if cpu:
    n = load("mnist-cuda-64.json")
    if n and n.get("eval_accuracy") is not None:
        d = 100 * abs(n["eval_accuracy"] - cpu["eval_accuracy"])
        print("accuracy batch 64: cuda:0 %.4f, cpu:0 %.4f, difference %.2f points (issue: <= 0.5)" % (n["eval_accuracy"], cpu["eval_accuracy"], d))
PY
echo "results: $out"
