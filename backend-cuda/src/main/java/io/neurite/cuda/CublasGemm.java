package io.neurite.cuda;

import io.neurite.device.DeviceException;
import io.neurite.kernels.gpu.GpuDevice;
import io.neurite.kernels.gpu.GpuDriver.DeviceMemory;
import io.neurite.kernels.gpu.GpuGemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.ToLongFunction;

/**
 * GEMM through cuBLAS ({@link CublasLibrary}) on the device's stream. cuBLAS is column-major and
 * Neurite row-major, so {@code C = op(A) op(B)} (row-major m x n) is computed as
 * {@code C^T = op(B)^T op(A)^T}: the operands swap places and each keeps its own transposition
 * flag, with leading dimensions of the row-major storage. Batches go to
 * {@code cublasSgemmStridedBatched} in one call (a stride of 0 shares a matrix, as the SPI's does).
 * Scalars are passed in host pointer mode. TF32 is off unless {@code -Dneurite.cuda.tf32=true}
 * ({@code CUBLAS_TF32_TENSOR_OP_MATH}), so results are FP32 as PyTorch's matmul by default.
 */
final class CublasGemm implements GpuGemm {
    static final String TF32_PROPERTY = "neurite.cuda.tf32";
    private static final int OP_N = 0, OP_T = 1;
    private static final int DEFAULT_MATH = 0, TF32_TENSOR_OP_MATH = 3;

    private final String device;
    private final CublasLibrary lib;
    private final ToLongFunction<DeviceMemory> address;
    private final boolean tf32;
    private final Runnable makeCurrent;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private final MemorySegment alpha, beta;
    private boolean closed;

    /**
     * Creates a cuBLAS handle on the calling thread's current context, bound to stream.
     *
     * @param address     the device address of a block of memory
     * @param makeCurrent makes the device's context current on the calling thread, before each call
     */
    CublasGemm(String device, CublasLibrary lib, long stream, boolean tf32, ToLongFunction<DeviceMemory> address,
               Runnable makeCurrent) {
        this.device = device;
        this.makeCurrent = makeCurrent;
        this.lib = lib;
        this.address = address;
        this.tf32 = tf32;
        alpha = arena.allocate(ValueLayout.JAVA_FLOAT);
        beta = arena.allocate(ValueLayout.JAVA_FLOAT);
        MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
        try {
            check((int) lib.create.invokeExact(out), "cublasCreate_v2");
            handle = out.get(ValueLayout.ADDRESS, 0);
            try {
                check((int) lib.setStream.invokeExact(handle, MemorySegment.ofAddress(stream)), "cublasSetStream_v2");
                check((int) lib.setMathMode.invokeExact(handle, tf32 ? TF32_TENSOR_OP_MATH : DEFAULT_MATH), "cublasSetMathMode");
            } catch (RuntimeException e) {
                int ignored = (int) lib.destroy.invokeExact(handle);
                throw e;
            }
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new DeviceException(device + ": calling cuBLAS failed: " + t, t);
        }
    }

    @Override
    public void run(GpuDevice d, boolean ta, boolean tb, int batch, int m, int n, int k, float a, DeviceMemory am, int aOff,
                    int sa, DeviceMemory bm, int bOff, int sb, float b, DeviceMemory cm, int cOff, int sc) {
        product(ta, tb, batch, m, n, k, a, address.applyAsLong(am) + 4L * aOff, sa, address.applyAsLong(bm) + 4L * bOff, sb,
                b, address.applyAsLong(cm) + 4L * cOff, sc);
    }

    /** The product on device addresses (element strides); what {@link #run} does after resolving memory. */
    void product(boolean ta, boolean tb, int batch, int m, int n, int k, float a, long pa, long sa, long pb, long sb, float b,
                 long pc, long sc) {
        if (batch == 0 || m == 0 || n == 0) return;
        makeCurrent.run();
        alpha.set(ValueLayout.JAVA_FLOAT, 0, a);
        beta.set(ValueLayout.JAVA_FLOAT, 0, b);
        // column-major C^T [n x m] = op(B)^T [n x k] op(A)^T [k x m]
        int opB = tb ? OP_T : OP_N, opA = ta ? OP_T : OP_N;
        int ldb = tb ? k : n, lda = ta ? m : k;
        ldb = Math.max(1, ldb);
        lda = Math.max(1, lda);
        MemorySegment a0 = MemorySegment.ofAddress(pa), b0 = MemorySegment.ofAddress(pb), c0 = MemorySegment.ofAddress(pc);
        try {
            if (batch == 1) {
                check((int) lib.sgemm.invokeExact(handle, opB, opA, n, m, k, alpha, b0, ldb, a0, lda, beta, c0, n),
                        "cublasSgemm_v2(" + m + "x" + n + "x" + k + ")");
            } else {
                check((int) lib.sgemmStridedBatched.invokeExact(handle, opB, opA, n, m, k, alpha, b0, ldb, sb, a0, lda, sa, beta,
                        c0, n, sc, batch), "cublasSgemmStridedBatched(" + batch + " x " + m + "x" + n + "x" + k + ")");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new DeviceException(device + ": calling cuBLAS failed: " + t, t);
        }
    }

    @Override
    public String describe() {
        return "cuBLAS (" + lib.path + "), " + (tf32 ? "TF32 tensor cores allowed (-D" + TF32_PROPERTY + "=true)" : "FP32, TF32 off");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            makeCurrent.run();
            int ignored = (int) lib.destroy.invokeExact(handle); // closing regardless, maybe after a failure
        } catch (Throwable t) {
            // the context is going away with the device
        } finally {
            arena.close();
        }
    }

    private void check(int status, String call) {
        if (status != 0) throw new DeviceException(device + ": " + call + " returned " + statusName(status));
    }

    static String statusName(int status) {
        String name = switch (status) {
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "cuBLAS status";
        };
        return name + " (" + status + ")";
    }
}
