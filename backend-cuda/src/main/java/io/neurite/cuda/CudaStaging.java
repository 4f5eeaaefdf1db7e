package io.neurite.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemHostAlloc;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;

/**
 * Host-to-device and device-to-host copies through pinned (page-locked) host memory, so that the
 * GPU's DMA engine reads and writes it directly and a copy to the device is truly asynchronous.
 * Two slots of {@value #SLOT} bytes alternate: an upload copies the caller's data into a slot,
 * queues the DMA on the stream, records the slot's event and returns; the slot is reused only
 * after its event has fired, so two uploads in a row overlap with the kernels queued before
 * them. Larger transfers go a slot at a time. A download queues its DMA and waits for the stream.
 *
 * <p>Where the system refuses pinned memory (a locked-memory limit), a slot falls back to ordinary
 * native memory: the driver then stages the copy itself, and everything still works, more slowly.
 */
final class CudaStaging {
    static final long SLOT = 4L << 20;

    private final String device;
    private final CUstream stream;
    private final Slot[] slots = new Slot[2];
    private int next;

    /** One slot: its host memory (as the driver and as Java see it) and the event of its last upload. */
    private static final class Slot {
        Pointer host;
        MemorySegment segment;
        Arena fallback;
        final CUevent event = new CUevent();
        boolean pending;
    }

    CudaStaging(String device, CUstream stream) {
        this.device = device;
        this.stream = stream;
        try {
            for (int i = 0; i < slots.length; i++) slots[i] = allocate();
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    private Slot allocate() {
        Slot s = new Slot();
        Pointer p = new Pointer();
        if (cuMemHostAlloc(p, SLOT, 0) == CUresult.CUDA_SUCCESS) {
            s.host = p;
            s.segment = MemorySegment.ofBuffer(p.getByteBuffer(0, SLOT));
        } else {
            s.fallback = Arena.ofShared();
            s.segment = s.fallback.allocate(SLOT, 4096);
            s.host = Pointer.to(s.segment.asByteBuffer());
        }
        CudaErrors.check(device, cuEventCreate(s.event, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
        return s;
    }

    /** Whether the slots are page-locked (false after the fallback), for the device description. */
    boolean pinned() {
        return slots[0] != null && slots[0].fallback == null;
    }

    private Slot nextSlot() {
        Slot s = slots[next];
        next = (next + 1) % slots.length;
        if (s.pending) {
            CudaErrors.check(device, cuEventSynchronize(s.event), "cuEventSynchronize (waiting for a staging slot)");
            s.pending = false;
        }
        return s;
    }

    /** Queues a copy of src to dst + byteOffset; src is free again on return. */
    void upload(MemorySegment src, CUdeviceptr dst, long byteOffset) {
        long bytes = src.byteSize();
        for (long done = 0; done < bytes; ) {
            long n = Math.min(SLOT, bytes - done);
            Slot s = nextSlot();
            MemorySegment.copy(src, done, s.segment, 0, n);
            CudaErrors.check(device, cuMemcpyHtoDAsync(dst.withByteOffset(byteOffset + done), s.host, n, stream),
                    "cuMemcpyHtoDAsync(" + n + " bytes at byte " + (byteOffset + done) + ")");
            CudaErrors.check(device, cuEventRecord(s.event, stream), "cuEventRecord");
            s.pending = true;
            done += n;
        }
    }

    /** Copies dst.byteSize() bytes from src + byteOffset into dst, after all work queued before. */
    void download(CUdeviceptr src, long byteOffset, MemorySegment dst) {
        long bytes = dst.byteSize();
        for (long done = 0; done < bytes; ) {
            long n = Math.min(SLOT, bytes - done);
            Slot s = nextSlot();
            CudaErrors.check(device, cuMemcpyDtoHAsync(s.host, src.withByteOffset(byteOffset + done), n, stream),
                    "cuMemcpyDtoHAsync(" + n + " bytes at byte " + (byteOffset + done) + ")");
            CudaErrors.check(device, cuStreamSynchronize(stream), "cuStreamSynchronize (for a copy to the host)");
            for (Slot each : slots) each.pending = false; // the stream is drained
            MemorySegment.copy(s.segment, 0, dst, done, n);
            done += n;
        }
    }

    /** Frees the slots; called when the stream is idle (errors are ignored: the context is going away). */
    void release() {
        for (int i = 0; i < slots.length; i++) {
            Slot s = slots[i];
            if (s == null) continue;
            if (s.fallback != null) s.fallback.close();
            else if (s.host != null) cuMemFreeHost(s.host);
            cuEventDestroy(s.event);
            slots[i] = null;
        }
    }
}
