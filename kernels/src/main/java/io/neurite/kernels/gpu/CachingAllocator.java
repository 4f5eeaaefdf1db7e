package io.neurite.kernels.gpu;

import io.neurite.kernels.gpu.GpuDriver.DeviceMemory;
import io.neurite.device.DeviceException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Device memory recycled by size, so a training step allocates nothing from the driver once the
 * first step has run: {@code cuMemAlloc} and {@code cuMemFree} synchronise the whole GPU,
 * {@code clCreateBuffer} costs a driver call and a page-table update, and a step makes and drops
 * dozens of temporaries. Requests are rounded up to a size class
 * ({@link #sizeClass}) and served from a free list of that class; a closed buffer's memory goes
 * back on its list. Reuse is safe without events because the device has one in-order stream or
 * queue: work queued with the old owner runs before anything the new owner queues. A size class
 * is never rounded beyond the driver's {@link GpuDriver#maxAllocation()}.
 *
 * <p>When the driver runs out of memory, every cached block is freed and the request tried once
 * more. {@link #releaseAll()} frees everything, cached or still held, when the device closes.
 * Callers hold the device's lock.
 */
public final class CachingAllocator {
    private static final long SMALL = 1L << 20;
    private static final long SMALL_STEP = 512;
    private static final long LARGE_STEP = 2L << 20;

    private final String device;
    private final GpuDriver driver;
    private final Map<Long, ArrayDeque<DeviceMemory>> free = new HashMap<>();
    private final Set<DeviceMemory> held = new HashSet<>();
    private long cachedBytes;
    private long heldBytes;
    private long driverAllocations;

    public CachingAllocator(String device, GpuDriver driver) {
        this.device = device;
        this.driver = driver;
    }

    /** The size class of a request: 512-byte steps up to 1 MiB, 2 MiB steps beyond (never 0). */
    public static long sizeClass(long bytes) {
        long b = Math.max(bytes, 1);
        long step = b <= SMALL ? SMALL_STEP : LARGE_STEP;
        return (b + step - 1) / step * step;
    }

    /** At least bytes of device memory (contents undefined): a cached block if one fits its class. */
    public DeviceMemory take(long bytes) {
        long size = sizeClass(bytes);
        if (size > driver.maxAllocation()) size = Math.max(bytes, 1); // exact, so the driver decides whether it fits
        ArrayDeque<DeviceMemory> list = free.get(size);
        DeviceMemory m = list == null ? null : list.poll();
        if (m != null) {
            cachedBytes -= size;
        } else {
            m = driver.tryAllocate(size);
            if (m == null && cachedBytes > 0) {
                trim();
                m = driver.tryAllocate(size);
            }
            if (m == null) {
                long freeNow = driver.freeBytes();
                throw new DeviceException(device + ": out of device memory: requested " + bytes + " bytes, "
                        + (freeNow < 0 ? "free bytes unknown" : freeNow + " bytes free") + " (" + heldBytes
                        + " bytes held by open buffers and scratch; the allocator's cache was emptied and the "
                        + "request retried): close buffers that are no longer needed or use smaller batches (the device "
                        + "stays usable)");
            }
            driverAllocations++;
        }
        held.add(m);
        heldBytes += m.bytes();
        return m;
    }

    /** Returns memory from {@link #take} to its free list. */
    public void give(DeviceMemory m) {
        if (!held.remove(m)) return; // released already, or by releaseAll
        heldBytes -= m.bytes();
        free.computeIfAbsent(m.bytes(), k -> new ArrayDeque<>()).push(m);
        cachedBytes += m.bytes();
    }

    /** Frees every cached block (not those held); a failing free does not stop the others, and is thrown after. */
    public void trim() {
        RuntimeException first = null;
        for (ArrayDeque<DeviceMemory> list : free.values()) first = freeAll(list, first);
        free.clear();
        cachedBytes = 0;
        if (first != null) throw first;
    }

    /** Frees everything, cached or held; later {@link #give} calls are ignored. */
    public void releaseAll() {
        RuntimeException first = null;
        try {
            trim();
        } catch (RuntimeException e) {
            first = e;
        }
        first = freeAll(held, first);
        held.clear();
        heldBytes = 0;
        if (first != null) throw first;
    }

    private RuntimeException freeAll(Iterable<DeviceMemory> blocks, RuntimeException first) {
        for (DeviceMemory m : blocks) {
            try {
                driver.free(m);
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        return first;
    }

    public long cachedBytes() {
        return cachedBytes;
    }

    public long heldBytes() {
        return heldBytes;
    }

    /** Blocks taken from the driver since this allocator was made. */
    public long driverAllocations() {
        return driverAllocations;
    }
}
