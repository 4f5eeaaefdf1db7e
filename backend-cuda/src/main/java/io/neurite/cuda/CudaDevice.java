package io.neurite.cuda;

import io.neurite.cuda.GpuDriver.DeviceMemory;
import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.DeviceInfo;
import io.neurite.device.Kernels;
import io.neurite.device.Op;
import io.neurite.kernels.CommonKernels;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * A CUDA device: one {@link GpuDriver} (a context, a stream and the loaded PTX), a
 * {@link CachingAllocator} for all its memory, and the op set ({@link CudaKernels}). Kernels and
 * uploads are queued and return at once; downloads and {@link #synchronize()} wait. Every method
 * that touches the stream holds this device's lock, so ops from several threads queue whole.
 */
final class CudaDevice extends Device {
    private final GpuDriver driver;
    private final CachingAllocator allocator;
    private final CudaLauncher launcher;
    private final CudaKernels kernels;
    private final GemmPolicy gemm;
    private final String transfers;
    private DeviceMemory placeholder;

    /**
     * @param transfers how host copies go, for the description (pinned staging or not)
     */
    CudaDevice(DeviceInfo info, GpuDriver driver, GemmPolicy gemm, String transfers) {
        super(info);
        this.driver = driver;
        this.gemm = gemm;
        this.transfers = transfers;
        allocator = new CachingAllocator(info.id(), driver);
        launcher = new CudaLauncher(info.id(), driver);
        kernels = new CudaKernels(this);
    }

    @Override
    public String description() {
        return super.description() + "; GEMM: " + gemm.describe() + "; " + transfers;
    }

    @Override
    public Set<Op> supportedOps() {
        return EnumSet.copyOf(CommonKernels.SUPPORTED);
    }

    GemmPolicy gemmPolicy() {
        return gemm;
    }

    int multiprocessors() {
        return driver.multiprocessors();
    }

    CudaLauncher launcher() {
        return launcher;
    }

    @Override
    protected Kernels kernels() {
        return kernels;
    }

    @Override
    protected Buffer allocateBuffer(DType dtype, long length) {
        return new CudaBuffer(this, dtype, length);
    }

    private void requireOpenDevice() {
        if (isClosed()) throw new DeviceException("device " + id() + " is closed");
    }

    /** Memory for a new buffer of bytes bytes, zeroed on the stream. */
    synchronized DeviceMemory allocateZeroed(long bytes) {
        requireOpenDevice();
        DeviceMemory m = allocator.take(bytes);
        driver.fill32(m, 0, 0, (bytes + 3) / 4);
        return m;
    }

    /** Scratch memory of at least floats floats (contents undefined) for the steps of one op; {@link #recycle} it after. */
    synchronized DeviceMemory scratch(long floats) {
        requireOpenDevice();
        return allocator.take(Math.max(1, floats) * 4);
    }

    /** Gives memory back to the allocator (a no-op once the device is closed: everything was freed then). */
    synchronized void recycle(DeviceMemory m) {
        if (m != null && !isClosed()) allocator.give(m);
    }

    /** A one-float block standing in for an absent optional argument, which the kernel does not touch. */
    synchronized DeviceMemory placeholder() {
        if (placeholder == null) placeholder = allocator.take(4);
        return placeholder;
    }

    synchronized void upload(MemorySegment src, DeviceMemory dst, long byteOffset) {
        requireOpenDevice();
        if (src.byteSize() > 0) driver.upload(src, dst, byteOffset);
    }

    synchronized void download(DeviceMemory src, long byteOffset, MemorySegment dst) {
        requireOpenDevice();
        if (dst.byteSize() > 0) driver.download(src, byteOffset, dst);
    }

    /** Queues setting words 32-bit words of m (from its start) to pattern. */
    synchronized void fill(DeviceMemory m, int pattern, long words) {
        requireOpenDevice();
        driver.fill32(m, 0, pattern, words);
    }

    @Override
    public synchronized void synchronize() {
        requireOpenDevice();
        driver.synchronize();
    }

    @Override
    protected synchronized void closeDevice() {
        try {
            driver.synchronize();
        } catch (RuntimeException e) {
            // closing anyway: a failed kernel leaves nothing to wait for
        }
        try {
            allocator.releaseAll();
        } finally {
            placeholder = null;
            driver.close();
        }
    }
}
