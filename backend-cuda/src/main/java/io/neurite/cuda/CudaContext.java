package io.neurite.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuFuncGetAttribute;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import io.neurite.device.DeviceException;
import io.neurite.kernels.KernelEntry;
import io.neurite.kernels.gpu.GpuDriver;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;

/**
 * One GPU through the JCuda driver API: the device's primary context (shared with any other CUDA
 * library in the process), one non-blocking stream, the PTX program loaded with
 * {@code cuModuleLoadData} (JIT-compiled by the driver for this GPU) and pinned staging memory
 * ({@link CudaStaging}). Every call's {@code CUresult} is checked ({@link CudaErrors}).
 *
 * <p>A CUDA context is current per thread, so each entry point makes this one current first; a
 * thread-local remembers which context a thread has, so that costs one JNI call per thread switch,
 * not per op.
 */
final class CudaContext implements GpuDriver {
    private static final ThreadLocal<CUcontext> CURRENT = new ThreadLocal<>();
    /**
     * JCuda keeps a handle's address private; cuBLAS, bound through the FFM API, needs the raw
     * device pointers and stream, so they are read through the getter JCuda's own code uses.
     */
    private static final MethodHandle NATIVE_POINTER;

    static {
        try {
            Method m = NativePointerObject.class.getDeclaredMethod("getNativePointer");
            m.setAccessible(true);
            NATIVE_POINTER = MethodHandles.lookup().unreflect(m);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** Threads of a warp on every NVIDIA GPU so far: blocks come in multiples of it. */
    private static final int WARP = 32;

    private final String id;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final CUmodule module = new CUmodule();
    /** neurite_tf32.ptx, loaded by {@link #loadTf32()} where the TF32 GEMM may run. */
    private final CUmodule tf32Module = new CUmodule();
    private final Map<String, GpuFunction> functions = new HashMap<>();
    private boolean retained;
    private boolean streamMade;
    private boolean moduleLoaded;
    private boolean tf32Loaded;
    private int capability;
    private CudaStaging staging;
    private int multiprocessors;

    /** Opens device ordinal (cuInit has run) and loads the program; on failure releases what it took and throws. */
    CudaContext(String id, int ordinal, PtxModule ptx) {
        this.id = id;
        try {
            check(cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
            check(cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain");
            retained = true;
            makeCurrent();
            check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            streamMade = true;
            check(cuModuleLoadData(module, ptx.image()), "cuModuleLoadData(" + PtxModule.RESOURCE + ", PTX ISA " + ptx.isa() + ")");
            moduleLoaded = true;
            int[] v = new int[1];
            check(cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device),
                    "cuDeviceGetAttribute(MULTIPROCESSOR_COUNT)");
            multiprocessors = v[0];
            check(cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device),
                    "cuDeviceGetAttribute(COMPUTE_CAPABILITY_MAJOR)");
            capability = 10 * v[0];
            check(cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device),
                    "cuDeviceGetAttribute(COMPUTE_CAPABILITY_MINOR)");
            capability += v[0];
            staging = new CudaStaging(id, stream);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void check(int result, String call) {
        CudaErrors.check(id, result, call);
    }

    /** The raw address of a JCuda handle (a device pointer, a stream). */
    static long address(NativePointerObject handle) {
        try {
            return (long) NATIVE_POINTER.invokeExact(handle);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot read a JCuda handle's address", t);
        }
    }

    /** The device address of memory from this driver. */
    long address(DeviceMemory m) {
        return address(ptr(m));
    }

    /** The stream's handle as cuBLAS takes it (a cudaStream_t is a CUstream). */
    long streamAddress() {
        return address(stream);
    }

    /** Makes this context current on the calling thread (cuBLAS calls need it, as every driver call does). */
    void makeCurrent() {
        if (CURRENT.get() != context) {
            check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
            CURRENT.set(context);
        }
    }

    /** Whether host copies go through page-locked memory. */
    boolean pinnedStaging() {
        return staging != null && staging.pinned();
    }

    @Override
    public DeviceMemory tryAllocate(long bytes) {
        makeCurrent();
        CUdeviceptr p = new CUdeviceptr();
        int r = cuMemAlloc(p, bytes);
        if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) return null;
        check(r, "cuMemAlloc(" + bytes + " bytes)");
        return new Block<>(p, bytes);
    }

    @Override
    public long freeBytes() {
        try {
            makeCurrent();
            long[] free = new long[1], total = new long[1];
            return jcuda.driver.JCudaDriver.cuMemGetInfo(free, total) == CUresult.CUDA_SUCCESS ? free[0] : -1;
        } catch (RuntimeException e) {
            return -1; // only a message's detail: never mask the out-of-memory error being reported
        }
    }

    @Override
    public void free(DeviceMemory memory) {
        makeCurrent();
        check(cuMemFree(ptr(memory)), "cuMemFree(" + memory.bytes() + " bytes)");
    }

    @Override
    public void upload(MemorySegment src, DeviceMemory dst, long byteOffset) {
        makeCurrent();
        staging.upload(src, ptr(dst), byteOffset);
    }

    @Override
    public void download(DeviceMemory src, long byteOffset, MemorySegment dst) {
        makeCurrent();
        staging.download(ptr(src), byteOffset, dst);
    }

    @Override
    public void fill32(DeviceMemory memory, long byteOffset, int pattern, long count) {
        if (count == 0) return;
        makeCurrent();
        check(cuMemsetD32Async(ptr(memory).withByteOffset(byteOffset), pattern, count, stream),
                "cuMemsetD32Async(" + count + " words)");
    }

    /** The compute capability as major * 10 + minor: 90 for Hopper (H100, H200). */
    int capability() {
        return capability;
    }

    /**
     * Loads neurite_tf32.ptx (compute capability 8.0 or newer), whose kernels {@link #function}
     * then finds. Done when the device is opened, not at a first launch, which may come inside a
     * stream capture.
     */
    void loadTf32() {
        if (tf32Loaded) return;
        makeCurrent();
        PtxModule tf32 = PtxModule.load(PtxModule.TF32_RESOURCE);
        check(cuModuleLoadData(tf32Module, tf32.image()), "cuModuleLoadData(" + tf32.resource() + ", PTX ISA " + tf32.isa() + ")");
        tf32Loaded = true;
    }

    @Override
    public GpuFunction function(String name) {
        GpuFunction f = functions.get(name);
        if (f != null) return f;
        makeCurrent();
        CUfunction h = new CUfunction();
        boolean tf32 = tf32Loaded && Arrays.stream(KernelEntry.values()).anyMatch(e -> e.inCudaTf32() && e.entry().equals(name));
        int r = cuModuleGetFunction(h, tf32 ? tf32Module : module, name);
        if (r == CUresult.CUDA_ERROR_NOT_FOUND) {
            throw new DeviceException(id + ": kernel " + name + " is not in " + (tf32 ? PtxModule.TF32_RESOURCE : PtxModule.RESOURCE)
                    + " (regenerate it with kernels/generate-ptx.sh)");
        }
        check(r, "cuModuleGetFunction(" + name + ")");
        int[] max = new int[1];
        check(cuFuncGetAttribute(max, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, h),
                "cuFuncGetAttribute(" + name + ", MAX_THREADS_PER_BLOCK)");
        f = new GpuFunction(name, max[0], WARP, h);
        functions.put(name, f);
        return f;
    }

    @Override
    public void launch(GpuFunction f, int[] grid, int[] block, Object[] args) {
        makeCurrent();
        NativePointerObject[] params = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = switch (args[i]) {
                case Integer v -> Pointer.to(new int[] {v});
                case Float v -> Pointer.to(new float[] {v});
                case Boolean v -> Pointer.to(new int[] {v ? 1 : 0});
                case DeviceMemory m -> Pointer.to(ptr(m));
                case null, default -> throw new DeviceException(id + ": kernel " + f.name() + " argument " + i
                        + " has unsupported type " + (args[i] == null ? "null" : args[i].getClass().getName()));
            };
        }
        check(cuLaunchKernel((CUfunction) f.handle(), grid[0], grid[1], grid[2], block[0], block[1], block[2], 0, stream,
                        Pointer.to(params), null),
                "cuLaunchKernel(" + f.name() + ", grid " + Arrays.toString(grid) + ", block " + Arrays.toString(block) + ")");
    }

    @Override
    public void synchronize() {
        makeCurrent();
        check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public boolean canCapture() {
        return true;
    }

    /** Thread-local mode: only this thread's unsafe calls (a cuMemAlloc, a synchronous copy) break the capture. */
    @Override
    public void beginCapture() {
        makeCurrent();
        check(cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL), "cuStreamBeginCapture");
    }

    @Override
    public Graph endCapture() {
        makeCurrent();
        CUgraph graph = new CUgraph();
        check(cuStreamEndCapture(stream, graph), "cuStreamEndCapture");
        CUgraphExec exec = new CUgraphExec();
        int r = cuGraphInstantiate(exec, graph, 0);
        if (r != CUresult.CUDA_SUCCESS) cuGraphDestroy(graph);
        check(r, "cuGraphInstantiate");
        return new Graph() {
            @Override
            public void launch() {
                makeCurrent();
                check(cuGraphLaunch(exec, stream), "cuGraphLaunch");
            }

            @Override
            public void close() {
                makeCurrent();
                cuGraphExecDestroy(exec); // errors ignored: dropping it either way
                cuGraphDestroy(graph);
            }
        };
    }

    @Override
    public void close() {
        if (!retained) return;
        cuCtxSetCurrent(context); // errors here and below are ignored: closing regardless, maybe after a failure
        CURRENT.set(context);
        if (streamMade) cuStreamSynchronize(stream);
        if (staging != null) staging.release();
        if (tf32Loaded) cuModuleUnload(tf32Module);
        if (moduleLoaded) cuModuleUnload(module);
        if (streamMade) cuStreamDestroy(stream);
        functions.clear();
        cuDevicePrimaryCtxRelease(device);
        CURRENT.remove();
        retained = streamMade = moduleLoaded = tf32Loaded = false;
        staging = null;
    }

    private CUdeviceptr ptr(DeviceMemory m) {
        if (m instanceof Block<?> b && b.handle() instanceof CUdeviceptr p) return p;
        throw new DeviceException(id + ": memory of another driver: " + m);
    }
}
