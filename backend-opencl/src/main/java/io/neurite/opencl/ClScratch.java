package io.neurite.opencl;

import java.util.EnumMap;
import java.util.Map;
import org.jocl.cl_mem;

/**
 * Device memory the kernels use between the steps of one op (packed GEMM panels, im2col columns,
 * partial sums), one growing buffer per {@link Slot}. Reuse is safe because every op runs on the
 * one in-order queue under the device's lock: a later op's kernels start only after the earlier
 * op's have finished with the memory. A buffer that must grow is released at once; the driver
 * keeps it until queued kernels are done with it.
 */
final class ClScratch {
    /** What a scratch buffer holds; ops that nest (convolution calls GEMM) use different slots. */
    enum Slot { GEMM_A, GEMM_B, CONV_COLUMNS, CONV_PARTIAL, CONV_SUM, PLACEHOLDER }

    private final OpenClDevice device;
    private final Map<Slot, cl_mem> buffers = new EnumMap<>(Slot.class);
    private final Map<Slot, Long> capacity = new EnumMap<>(Slot.class);

    ClScratch(OpenClDevice device) {
        this.device = device;
    }

    /** A buffer of at least floats floats (contents undefined). */
    synchronized cl_mem floats(Slot slot, long floats) {
        long want = Math.max(1, floats) * 4;
        cl_mem m = buffers.get(slot);
        if (m != null && capacity.get(slot) >= want) return m;
        if (m != null) device.free(m, capacity.get(slot));
        buffers.remove(slot);
        // a quarter more than asked (in whole floats), so a slowly growing size does not reallocate every call
        long size = Math.max(want, Math.min((want + want / 4) & ~3L, device.ctx.maxAlloc & ~3L));
        m = device.createMemory(size, "scratch buffer (" + slot + ")");
        buffers.put(slot, m);
        capacity.put(slot, size);
        return m;
    }

    /** A one-element buffer that stands in for an absent optional argument (which the kernel does not touch). */
    cl_mem placeholder() {
        return floats(Slot.PLACEHOLDER, 1);
    }

    synchronized void release() {
        buffers.forEach((slot, m) -> device.free(m, capacity.get(slot)));
        buffers.clear();
        capacity.clear();
    }
}
