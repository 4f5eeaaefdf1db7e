/*
 * The CUDA backend's second program: GEMM on TF32 tensor cores (gemm_tf32.h), compiled by
 * kernels/generate-ptx.sh for compute_80 into neurite_tf32.ptx, since mma.sync with TF32 operands
 * needs sm_80 and neurite.cu's PTX targets sm_75. The backend loads it only on a GPU that has
 * TF32 (compute capability 8.0 or newer) when a product is to run there.
 */
#include "prelude_cuda.h"
#include "gemm_tf32.h"
