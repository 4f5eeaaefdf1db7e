/*
 * CUDA's additions to neurite/common/prelude.h, which already maps KERNEL, GLOBAL, LOCAL,
 * LOCAL_ARRAY, BARRIER, GID/LID/GROUP/LSIZE/NGROUPS, FN and NEG_INF for nvcc (its __CUDACC__
 * branch): this file adds only what the CUDA-specific kernels of this directory use.
 *
 *   LOCAL_ARRAY_ALIGNED(t,n,s)  a shared array aligned to 16 bytes, so LDS4 may read it
 *   LDS4(p)                     four consecutive floats of local memory at p (16-byte aligned) as a float4
 *   LAUNCH_BOUNDS(t,b)          nvcc's register budget: at most t threads a block, b blocks an SM
 *
 * The OpenCL branch exists for the tests only: they run these same CUDA sources on an OpenCL
 * CPU device (PoCL) to check the CUDA backend's host code without a GPU. Nothing else may
 * differ between the two branches.
 */
#ifndef NEURITE_PRELUDE_CUDA_H
#define NEURITE_PRELUDE_CUDA_H

#include "../common/prelude.h"

#if defined(__CUDACC__)

#define LOCAL_ARRAY_ALIGNED(type, name, size) __shared__ __align__(16) type name[size]
#define LDS4(p) (*(const float4*) (p))
#define LAUNCH_BOUNDS(threads, blocks) __launch_bounds__(threads, blocks)

#else

#define LOCAL_ARRAY_ALIGNED(type, name, size) __local type name[size] __attribute__((aligned(16)))
#define LDS4(p) vload4(0, p)
#define LAUNCH_BOUNDS(threads, blocks)

#endif

#endif
