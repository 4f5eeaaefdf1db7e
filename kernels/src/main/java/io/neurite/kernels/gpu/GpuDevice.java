package io.neurite.kernels.gpu;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.DeviceInfo;
import io.neurite.device.Kernels;
import io.neurite.device.Op;
import io.neurite.kernels.CommonKernels;
import io.neurite.kernels.gpu.GpuDriver.DeviceMemory;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Set;

/**
 * A GPU device of any backend: one {@link GpuDriver} (a context, one in-order stream or queue and
 * the loaded program), a {@link CachingAllocator} for all its memory, a {@link GpuLauncher} and the
 * shared op set of {@link CommonKernels}, with the backend's {@link GpuGemm}. A backend is then
 * its driver, its provider and what is truly its own (PTX loading, OpenCL build logs and tuning).
 *
 * <p>A backend's provider opens one like this (CUDA's limits: 256-thread reductions, one element
 * per thread of a row walk, 2^31 - 1 by 65535 by 65535 blocks):
 *
 * <pre>{@code
 * static Device open(DeviceInfo info, GpuDriver driver, GpuGemm gemm) {
 *     return new GpuDevice(info, driver, new LaunchLimits(256, 1, Integer.MAX_VALUE, 65535), gemm, "GEMM: " + gemm.describe());
 * }
 * }</pre>
 *
 * Kernels and uploads are queued and return at once; downloads and {@link #synchronize()} wait.
 * Every method that touches the stream holds this device's lock, so ops from several threads
 * queue whole.
 */
public final class GpuDevice extends Device {
    private final StepGraphs driver;
    private final CachingAllocator allocator;
    private final GpuLauncher launcher;
    private final GpuKernels kernels;
    private final GpuGemm gemm;
    private final String details;
    private DeviceMemory placeholder;

    /**
     * @param info    the device's id, kind and description
     * @param driver  the device's driver; the device owns it and closes it last
     * @param limits  how launches are sized on it
     * @param gemm    the backend's GEMM
     * @param details appended to the description: the GEMM, transfers, tuning
     */
    public GpuDevice(DeviceInfo info, GpuDriver driver, LaunchLimits limits, GpuGemm gemm, String details) {
        this(info, driver, limits, gemm, details, "not asked for");
    }

    /**
     * As above, with training steps recorded as graphs and replayed ({@link StepGraphs}) where the
     * driver can capture them, unless graphsOff names why not (null: on).
     */
    public GpuDevice(DeviceInfo info, GpuDriver driver, LaunchLimits limits, GpuGemm gemm, String details, String graphsOff) {
        super(info);
        this.driver = new StepGraphs(info.id(), driver, graphsOff);
        this.gemm = gemm;
        this.details = details;
        allocator = new CachingAllocator(info.id(), this.driver);
        launcher = new GpuLauncher(info.id(), this.driver, limits, this::isClosed, this::launched, this::placeholder);
        kernels = new GpuKernels(this);
    }

    @Override
    public String description() {
        String off = driver.off();
        return super.description() + "; " + details + (off == null ? "; CUDA graphs: on" : off.equals("not asked for") ? ""
                : "; CUDA graphs: off (" + off + ")");
    }

    @Override
    public synchronized void beginStep() {
        requireOpenDevice();
        driver.beginStep();
    }

    @Override
    public synchronized void endStep() {
        requireOpenDevice();
        driver.endStep();
    }

    /** Step graphs captured, graph launches, and why the last recording ended early or was dropped (null if none). */
    public synchronized String graphStatus() {
        return driver.captures() + " captured, " + driver.replays() + " launched, " + driver.fallbacks() + " fallbacks"
                + (driver.lastReason() == null ? ""
                : "; last fallback: " + driver.lastReason());
    }

    /** Graph launches so far: every replayed training step. */
    public synchronized long graphLaunches() {
        return driver.replays();
    }

    @Override
    public Set<Op> supportedOps() {
        return EnumSet.copyOf(CommonKernels.SUPPORTED);
    }

    @Override
    public boolean supports(Op op) {
        return CommonKernels.SUPPORTED.contains(op); // asked on every op: no copy
    }

    /** The launcher, for a backend's GEMM. */
    public GpuLauncher launcher() {
        return launcher;
    }

    /** Streaming multiprocessors (compute units), for sizing grids. */
    public int multiprocessors() {
        return driver.multiprocessors();
    }

    /**
     * How many blocks the allocator has taken from the driver so far: once a training loop's first
     * step has run this stops growing (the tests check it), since every later request is served
     * from the cache.
     */
    public synchronized long driverAllocations() {
        return allocator.driverAllocations();
    }

    GpuGemm gemm() {
        return gemm;
    }

    @Override
    protected Kernels kernels() {
        return kernels;
    }

    @Override
    protected Buffer allocateBuffer(DType dtype, long length) {
        return new GpuBuffer(this, dtype, length, true);
    }

    @Override
    protected Buffer allocateBufferToOverwrite(DType dtype, long length) {
        return new GpuBuffer(this, dtype, length, false);
    }

    void requireOpenDevice() {
        if (isClosed()) throw new DeviceException("device " + id() + " is closed");
    }

    /** Memory for a new buffer of bytes bytes, zeroed on the stream when asked. */
    synchronized DeviceMemory allocate(long bytes, boolean zeroed) {
        requireOpenDevice();
        DeviceMemory m = allocator.take(bytes);
        if (zeroed) driver.fill32(m, 0, 0, (bytes + 3) / 4);
        return m;
    }

    /** Scratch memory of at least floats floats (contents undefined) for the steps of one op; {@link #recycle} it after. */
    public synchronized DeviceMemory scratch(long floats) {
        requireOpenDevice();
        return allocator.take(Math.max(1, floats) * 4);
    }

    /** Gives memory back to the allocator (a no-op once the device is closed: everything was freed then). */
    public synchronized void recycle(DeviceMemory m) {
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
        if (words > 0) driver.fill32(m, 0, pattern, words);
    }

    @Override
    protected synchronized void synchronizeDevice() {
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
            gemm.close();
            allocator.releaseAll();
        } finally {
            placeholder = null;
            driver.close();
        }
    }
}
