/*
 * The CUDA program: every kernel of the CUDA backend, compiled once by kernels/generate-ptx.sh into
 * neurite.ptx (committed, so users need no CUDA compiler). The kernel bodies are the ones the
 * OpenCL backend builds (neurite/common/), through prelude.h's CUDA branch; gemm_large.h is the
 * one CUDA-only kernel. The group sizes below are fixed here and mirrored by the host
 * (io.neurite.cuda.CudaLauncher), which the tests check against the PTX.
 */
#define REDUCE_WG 256
#define GEMM_THREADS 16

#include "prelude_cuda.h"
#include "../common/elementwise.h"
#include "../common/optimizers.h"
#include "../common/reductions.h"
#include "../common/softmax.h"
#include "../common/indexing.h"
#include "../common/recurrent.h"
#include "../common/windows.h"
#include "../common/gemm.h"
#include "gemm_large.h"
