/*
 * The one file where OpenCL C and CUDA differ. Every kernel body under neurite/common/ is written
 * against these macros only, so the OpenCL backend (which concatenates this prelude and the bodies
 * into one program) and a CUDA backend (nvcc on a .cu that includes them) compile the same text.
 *
 *   KERNEL             a kernel entry point, returning nothing
 *   GLOBAL             qualifier of a pointer into device memory
 *   LOCAL              qualifier of a pointer into work-group (shared) memory
 *   LOCAL_ARRAY(t,n,s) a work-group array declared at the top of a kernel
 *   BARRIER()          a work-group barrier on local memory
 *   GID, LID, GROUP, LSIZE, NGROUPS (d)   the index functions of axis d, as int
 *   FN                 a helper function callable from kernels
 *
 * Only float, int and uint appear in kernel signatures; vector types are not portable between
 * the two and stay in backend-specific files (neurite/opencl/).
 */
#if defined(__OPENCL_VERSION__)

#define KERNEL __kernel void
#define GLOBAL __global
#define LOCAL __local
#define LOCAL_ARRAY(type, name, size) __local type name[size]
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)
#define GID(d) ((int) get_global_id(d))
#define LID(d) ((int) get_local_id(d))
#define GROUP(d) ((int) get_group_id(d))
#define LSIZE(d) ((int) get_local_size(d))
#define NGROUPS(d) ((int) get_num_groups(d))
#define FN static inline
#define NEG_INF (-INFINITY)
/* No silent a*b+c -> fma contraction: elementwise results then round as Java's do. Kernels that
   want fma (GEMM) call fma() explicitly. */
#pragma OPENCL FP_CONTRACT OFF

#elif defined(__CUDACC__)

#define KERNEL extern "C" __global__ void
#define GLOBAL
#define LOCAL
#define LOCAL_ARRAY(type, name, size) __shared__ type name[size]
#define BARRIER() __syncthreads()
#define NEURITE_AXIS(v, d) ((d) == 0 ? (v).x : (d) == 1 ? (v).y : (v).z)
#define LID(d) ((int) NEURITE_AXIS(threadIdx, d))
#define GROUP(d) ((int) NEURITE_AXIS(blockIdx, d))
#define LSIZE(d) ((int) NEURITE_AXIS(blockDim, d))
#define NGROUPS(d) ((int) NEURITE_AXIS(gridDim, d))
#define GID(d) (GROUP(d) * LSIZE(d) + LID(d))
#define FN static __device__ __forceinline__
#define NEG_INF (-__int_as_float(0x7f800000))
typedef unsigned int uint;

#else
#error "neurite kernels compile as OpenCL C or CUDA only"
#endif

/* Work-group size of the tree reductions: a power of two the host picks from the device's limits. */
#ifndef REDUCE_WG
#define REDUCE_WG 256
#endif

/*
 * Values that change every training step (a learning rate, Adam's bias corrections, a dropout
 * seed, a batch number) arrive twice: by value, and as slot `at` of the device table sv, which a
 * recorded step (a CUDA graph) refreshes before each replay. at < 0 means "use the value": plain
 * launches pass -1, so they need no table. STEP_PARAMS declares the pair after the values.
 */
#define STEP_PARAMS GLOBAL const float* sv, int at
#define STEP_F(value, i) ((at) < 0 ? (value) : sv[(at) + (i)])
#define STEP_I(value, i) ((at) < 0 ? (value) : ((GLOBAL const int*) sv)[(at) + (i)])

/* The most axes a strided kernel takes; the host merges contiguous axes and pads with leading ones. */
#define MAX_RANK 6
#define RANK_PARAMS(p) int p##0, int p##1, int p##2, int p##3, int p##4, int p##5
#define RANK_ARRAY(p) {p##0, p##1, p##2, p##3, p##4, p##5}

/*
 * Kernels that walk rows (the innermost axis of a strided walk, a row of an image) give each work
 * item a run of up to `chunk` consecutive elements of one row: the host passes 1 on GPUs, where
 * neighbouring items then touch neighbouring addresses, and a longer run on CPU devices, where an
 * item is scalar code and the run amortises its index arithmetic (integer divisions). This splits
 * an item index into its row and the first element of its run; the run ends at CHUNK_END.
 */
#define CHUNKED(item, length, chunk, row, first)                                  \
    int row##_runs = ((length) + (chunk) - 1) / (chunk);                          \
    int row = (item) / row##_runs, first = ((item) % row##_runs) * (chunk)
#define CHUNK_END(first, length, chunk) min((length), (first) + (chunk))

/* Codes of the binary ops, activations, reductions and softmax variants, as the host passes them. */
#define OP_ADD 0
#define OP_SUBTRACT 1
#define OP_MULTIPLY 2
#define OP_DIVIDE 3
#define ACT_RELU 0
#define ACT_LEAKY 1
#define ACT_SIGMOID 2
#define ACT_TANH 3
#define RED_SUM 0
#define RED_MEAN 1
#define RED_MAX 2

/* Java's Math.max: NaN wins, so a NaN anywhere in a reduction propagates. */
FN float max_nan(float a, float b) {
    return (a > b || a != a) ? a : b;
}

/*
 * Tree reductions over the work-group, in buf (REDUCE_WG floats of local memory). Every item
 * passes its value and gets the group's result; LSIZE(0) must be a power of two. The closing
 * barrier lets the caller reuse buf at once.
 */
FN float group_sum(LOCAL float* buf, float v) {
    int l = LID(0);
    buf[l] = v;
    BARRIER();
    for (int s = LSIZE(0) / 2; s > 0; s >>= 1) {
        if (l < s) buf[l] += buf[l + s];
        BARRIER();
    }
    float r = buf[0];
    BARRIER();
    return r;
}

FN float group_max(LOCAL float* buf, float v) {
    int l = LID(0);
    buf[l] = v;
    BARRIER();
    for (int s = LSIZE(0) / 2; s > 0; s >>= 1) {
        if (l < s) buf[l] = max_nan(buf[l], buf[l + s]);
        BARRIER();
    }
    float r = buf[0];
    BARRIER();
    return r;
}
