#!/bin/sh
# backend-cuda/gpu-check.sh: every GPU check of the CUDA backend (issues 7 and 13) in one run, for a
# machine with an NVIDIA GPU, PyTorch and no Java, using the bundle of ../shared/tools/gpu-bundle.sh.
#
# Prepare here, from the project root (no GPU needed). The bundle's --tests needs the modules in a
# local repository; a private one keeps ~/.m2 clean (Maven 3.9 reads ~/.m2 behind it, read-only):
#   export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 MAVEN_ARGS="-Dmaven.repo.local=/tmp/neurite-m2 -Dmaven.repo.local.tail=$HOME/.m2/repository"
#   ./mvnw -q install -DskipTests && ./mvnw -q -pl backend-cuda test-compile
#   ../shared/tools/gpu-bundle.sh --tests backend-cuda        # writes .gpu/ (git-ignored)
#   (cd .gpu && apt-get download ocl-icd-libopencl1)          # the OpenCL loader, for step 7
# Run there, from the project root, carrying .gpu (the device tool: carry [".gpu"], timeout_s 600):
#   sh backend-cuda/gpu-check.sh
# Results go to $OUT (the device tool's folder that comes back), else /tmp/gpu-check: one log per
# step, the JSON of each bench run, JUnit XML under junit/, steps.txt (exit status and seconds of
# each step) and summary.txt (the figures the issues ask for, with their ratios). Only 8 files come
# back from $OUT, so the logs are packed into logs.tar.gz; summary.txt and steps.txt stay beside it.
#
# Steps, each under its own time limit so that one hang cannot eat the GPU budget (the limits add
# up to well over the 9 minutes a run may take; on an H100 the steps took 3-5 minutes in all):
#   1. nvidia-smi and `bench devices` (which GEMM each CUDA device uses, and why not the others)
#   2. the bundled backend-cuda tests with -Dneurite.conformance.require=cuda: the conformance kit,
#      the buffer contract, the model case, core's behaviour suites (CudaBehaviourTest: model API,
#      training, layer gradients, recurrent layers, checkpoints, no host read per step) and the
#      allocator's steady state on cuda:0 must run, not skip (the emulated, ptxas and nvcc tests skip
#      there for want of OpenCL CPU devices and a toolkit; that is expected). Without a GPU, as
#      checked here on 2026-12-02 and again on 2026-12-07 with the TF32 steps (OUT=$(mktemp -d) sh
#      backend-cuda/gpu-check.sh: 1 minute), only the cuda:0
#      classes fail (CudaBehaviourTest, CudaModelConformanceTest, CudaNativeLeakTest,
#      CudaSteadyStateTest...), each with "libcuda.so.1 not found", and every step that needs a GPU
#      fails at once; bench devices and the cpu:0 run pass.
#   3. bench gemm --n 4096 beside torch.matmul, TF32 off then on: cuBLAS (libcublas.so.13 from
#      PyTorch's nvidia/cublas/lib), then with -Dneurite.cuda.tf32=true; Neurite's own PTX kernels
#      (-Dneurite.cuda.blas=own), the same with TF32 on (gemm_tf32: mma.sync on tensor cores), and
#      the tiled one alone (-Dneurite.cuda.gemm=tiled); then CudaTf32GemmTest, gemm_tf32's results
#      against the TF32-rounded product on cuda:0 (-Dneurite.cuda.gemm=tf32 -Dneurite.cuda.blas=own),
#      its JUnit XML under junit-tf32/.
#   4. bench mnist --model lenet at batch 64 and 512 with CUDA graphs on (the own GEMM: cuBLAS calls
#      bypass the step recording, so with cuBLAS graphs are off) and off (-Dneurite.cuda.graphs=false),
#      and with cuBLAS, each with --profile, beside torch_reference mnist at the same batch
#   5. the row LSTM at batch 64 beside PyTorch's (cuDNN) LSTM
#   6. bench mnist --device cpu:0 --model lenet at batch 64: the accuracy the CUDA run must match
#   7. OpenCL on the NVIDIA GPU where the driver has an OpenCL library: the loader from the system or
#      the carried .deb, an ICD file naming libnvidia-opencl.so.1; bench devices, gemm and lenet there
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
step kit 240 env JAVA_TOOL_OPTIONS=-Dneurite.conformance.require=cuda "$ng/run-tests.sh" --reports-dir="$out/junit"
step gemm-cuda 120 "$java" $jar gemm --device cuda:0 --n 4096 --seconds 1 --json "$out/gemm-cuda.json"
step gemm-cuda-tf32 90 "$java" -Dneurite.cuda.tf32=true $jar gemm --device cuda:0 --n 4096 --seconds 1 --json "$out/gemm-cuda-tf32.json"
step gemm-torch 60 python3 "$ng/torch_reference.py" gemm --n 4096 --device cuda
step gemm-torch-tf32 60 python3 "$ng/torch_reference.py" gemm --n 4096 --device cuda --tf32
step gemm-cuda-own 90 "$java" -Dneurite.cuda.blas=own $jar gemm --device cuda:0 --n 4096 --seconds 1 --json "$out/gemm-cuda-own.json"
step gemm-cuda-own-tf32 90 "$java" -Dneurite.cuda.blas=own -Dneurite.cuda.tf32=true $jar gemm --device cuda:0 --n 4096 --seconds 1 --json "$out/gemm-cuda-own-tf32.json"
step tf32-kernel 120 env TEST_JVM_ARGS="-Dneurite.cuda.gemm=tf32 -Dneurite.cuda.blas=own -Dneurite.conformance.require=cuda" \
  "$ng/run-tests.sh" --include-classname='io\.neurite\.cuda\.CudaTf32GemmTest' --reports-dir="$out/junit-tf32"
step gemm-cuda-tiled 90 "$java" -Dneurite.cuda.blas=own -Dneurite.cuda.gemm=tiled $jar gemm --device cuda:0 --n 4096 --seconds 1 --json "$out/gemm-cuda-tiled.json"
for b in 64 512; do
  step "mnist-cuda-graphs-$b" 150 "$java" -Dneurite.cuda.blas=own $jar mnist --device cuda:0 --model lenet --batch "$b" --data "$ng/mnist" --profile --json "$out/mnist-cuda-graphs-$b.json"
  step "mnist-cuda-plain-$b" 150 "$java" -Dneurite.cuda.blas=own -Dneurite.cuda.graphs=false $jar mnist --device cuda:0 --model lenet --batch "$b" --data "$ng/mnist" --profile --json "$out/mnist-cuda-plain-$b.json"
  step "mnist-cuda-cublas-$b" 150 "$java" $jar mnist --device cuda:0 --model lenet --batch "$b" --data "$ng/mnist" --profile --json "$out/mnist-cuda-cublas-$b.json"
  step "mnist-torch-$b" 150 python3 "$ng/torch_reference.py" mnist --model lenet --device cuda --batch "$b" --data "$ng/mnist"
done
step lstm-cuda-64 200 "$java" -Dneurite.cuda.blas=own $jar mnist --device cuda:0 --model lstm --batch 64 --data "$ng/mnist" --profile --json "$out/lstm-cuda-64.json"
step lstm-torch-64 150 python3 "$ng/torch_reference.py" mnist --model lstm --device cuda --batch 64 --data "$ng/mnist"
step mnist-cpu-64 200 "$java" $jar mnist --device cpu:0 --model lenet --batch 64 --data "$ng/mnist" --json "$out/mnist-cpu-64.json"

# OpenCL on the NVIDIA GPU: the driver's OpenCL library, an ICD file for it, and a loader.
ocl=/tmp/ngpu-opencl
mkdir -p "$ocl/icd"
nvcl=$( (ldconfig -p 2>/dev/null | awk '/libnvidia-opencl.so.1/ {print $NF; exit}'; ls /usr/local/nvidia/lib64/libnvidia-opencl.so.1 /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 2>/dev/null) | head -n 1)
if [ -n "$nvcl" ]; then
  echo "$nvcl" > "$ocl/icd/nvidia.icd"
  if ! ldconfig -p 2>/dev/null | grep -q 'libOpenCL.so.1'; then
    for d in .gpu/ocl-icd-libopencl1*.deb; do [ -f "$d" ] && dpkg -x "$d" "$ocl/root"; done
  fi
  clenv="env OCL_ICD_VENDORS=$ocl/icd LD_LIBRARY_PATH=$ocl/root/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"
  step opencl-devices 60 $clenv "$java" $jar devices
  if grep -q 'opencl:0' "$out/opencl-devices.log"; then
    step gemm-opencl 90 $clenv "$java" $jar gemm --device opencl:0 --n 4096 --seconds 1 --json "$out/gemm-opencl.json"
    step mnist-opencl-64 150 $clenv "$java" $jar mnist --device opencl:0 --model lenet --batch 64 --data "$ng/mnist" --profile --json "$out/mnist-opencl-64.json"
  fi
else
  echo "opencl: no libnvidia-opencl.so.1 on this machine; OpenCL on the GPU not checked" | tee -a "$out/steps.txt"
fi

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
def num(v, f="%.0f"):
    return "n/a" if v is None else f % v
print("steps:"); print(open(os.path.join(out, "steps.txt")).read().rstrip())
ref, ref32 = (torch("gemm-torch") or {}).get("gflops_median"), (torch("gemm-torch-tf32") or {}).get("gflops_median")
for name, label, base, goal in (("gemm-cuda", "cuBLAS (default) TF32 off", ref, ">= 0.95"), ("gemm-cuda-tf32", "cuBLAS TF32 on", ref32, ">= 0.95 of torch TF32"),
                                ("gemm-cuda-own", "own PTX kernels", ref, ">= 0.7"),
                                ("gemm-cuda-own-tf32", "own PTX kernels TF32 on (gemm_tf32)", ref32, "- (of torch TF32)"),
                                ("gemm-cuda-tiled", "own tiled kernel only", ref, "-"),
                                ("gemm-opencl", "OpenCL on the GPU", ref, "-")):
    g = load(name + ".json")
    if g is None and name == "gemm-opencl": continue
    v = g and g.get("gflops")
    print("gemm n=4096 %s: %s GFLOP/s, torch.matmul %s GFLOP/s, ratio %s (issue: %s)" % (label, num(v), num(base), ratio(v, base), goal))
for b in (64, 512):
    t = torch("mnist-torch-%d" % b); tr = t and t.get("train_images_per_sec")
    for kind in ("graphs", "plain", "cublas"):
        n = load("mnist-cuda-%s-%d.json" % (kind, b)); nr = n and n.get("train_images_per_sec")
        p = (n or {}).get("profile") or {}
        print("mnist lenet batch %d, %s: Neurite cuda:0 %s images/s, PyTorch eager %s, ratio %s (issue: >= %s); accuracy %s (torch %s); %s ms a step"
              % (b, kind, num(nr), num(tr), ratio(nr, tr), "2" if b == 64 else "1", n and n.get("eval_accuracy"), t and t.get("eval_accuracy"),
                 num(p.get("ms_per_step"), "%.3f")))
    g, pl = load("mnist-cuda-graphs-%d.json" % b), load("mnist-cuda-plain-%d.json" % b)
    print("mnist lenet batch %d: graphs on / off %s" % (b, ratio(g and g.get("train_images_per_sec"), pl and pl.get("train_images_per_sec"))))
l, tl = load("lstm-cuda-64.json"), torch("lstm-torch-64")
print("row LSTM batch 64: Neurite %s images/s, PyTorch (cuDNN) %s, ratio %s (issue: >= 1)"
      % (num(l and l.get("train_images_per_sec")), num(tl and tl.get("train_images_per_sec")), ratio(l and l.get("train_images_per_sec"), tl and tl.get("train_images_per_sec"))))
cpu, n = load("mnist-cpu-64.json"), load("mnist-cuda-graphs-64.json")
if cpu and n and n.get("eval_accuracy") is not None:
    d = 100 * abs(n["eval_accuracy"] - cpu["eval_accuracy"])
    print("accuracy batch 64: cuda:0 %.4f, cpu:0 %.4f, difference %.2f points (issue: <= 0.5)" % (n["eval_accuracy"], cpu["eval_accuracy"], d))
o = load("mnist-opencl-64.json")
if o: print("OpenCL on the GPU, lenet batch 64: %s images/s, accuracy %s" % (num(o.get("train_images_per_sec")), o.get("eval_accuracy")))
PY
# At most 8 files come back: the logs and JSON go in one archive beside the summary.
(cd "$out" && tar -czf logs.tar.gz --exclude=logs.tar.gz --exclude=summary.txt --exclude=steps.txt . 2>/dev/null)
# Under the device tool ($OUT set) only the archive, summary.txt and steps.txt stay, so all three come back.
[ -n "${OUT:-}" ] && find "$out" -mindepth 1 -maxdepth 1 ! -name logs.tar.gz ! -name summary.txt ! -name steps.txt -exec rm -rf {} +
echo "results: $out"
