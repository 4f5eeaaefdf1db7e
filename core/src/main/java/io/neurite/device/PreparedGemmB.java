package io.neurite.device;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The B operand of {@link Op#GEMM}, prepared once for many products that share it: a recurrent
 * layer multiplies every step's state by the same recurrent kernel U, 28 times a batch for the
 * row-LSTM. A backend may keep B in the layout its kernels stream (the CPU packs it into its
 * micro-panels, which each plain product would pack again, or read straight from rows that
 * alias in L1), as MKL's {@code cblas_sgemm_pack} does; the default keeps a reference to the
 * source and multiplies by it.
 *
 * <p>So the source buffer must not be written while the prepared operand is in use, and must
 * stay open until it is closed. Closing releases what the backend made (twice is harmless); a
 * product with a closed operand throws a {@link DeviceException}.
 *
 * <pre>{@code
 * int batch = 64, units = 128, steps = 28;
 * try (Buffer recurrent = device.allocate(DType.FLOAT32, units * 4 * units);
 *      Buffer h = device.allocate(DType.FLOAT32, batch * units);
 *      Buffer gates = device.allocate(DType.FLOAT32, batch * 4 * units);
 *      PreparedGemmB u = device.ops().prepareGemmB(false, units, 4 * units, recurrent)) {
 *     for (int t = 1; t < steps; t++) device.ops().gemm(false, batch, 1f, h, u, 0f, gates);
 * }
 * }</pre>
 */
public class PreparedGemmB implements AutoCloseable {
    private final boolean transB;
    private final int k, n;
    private final Buffer source;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** op(B) is k x n; B itself is n x k when transposed. */
    public PreparedGemmB(boolean transB, int k, int n, Buffer source) {
        this.transB = transB;
        this.k = k;
        this.n = n;
        this.source = source;
    }

    public final boolean transB() {
        return transB;
    }

    /** The rows of op(B): the products' inner dimension. */
    public final int k() {
        return k;
    }

    /** The columns of op(B) and of the products. */
    public final int n() {
        return n;
    }

    /** The buffer it was prepared from. */
    public final Buffer source() {
        return source;
    }

    public final boolean isClosed() {
        return closed.get();
    }

    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) release();
    }

    /** Frees what the backend made; called once, by the first close. */
    protected void release() {
    }

    @Override
    public String toString() {
        return "prepared B " + (transB ? "transposed " : "") + k + "x" + n + " from " + source;
    }
}
