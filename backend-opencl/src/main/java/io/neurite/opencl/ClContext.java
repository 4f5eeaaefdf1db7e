package io.neurite.opencl;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_ITEM_SIZES;
import static org.jocl.CL.CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;

import io.neurite.device.DeviceInfo;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/**
 * One physical OpenCL device as this process uses it: its context, its limits, and the program
 * holding every Neurite kernel, built once and kept for the life of the process. Each
 * device opened on it has a queue of its own ({@link ClDriver}), so opening and closing devices (as the
 * tests do) costs a queue, not a compile; the driver's own binary cache (PoCL's
 * {@code POCL_CACHE_DIR}, NVIDIA's compute cache) makes the build fast in later processes.
 */
final class ClContext {
    private static final Map<String, ClContext> OPEN = new ConcurrentHashMap<>();

    final String id;
    final DeviceInfo.Kind kind;
    final cl_device_id device;
    final cl_context context;
    final long maxWorkGroup, maxAlloc, globalMemory;
    /** Bytes of device memory this process's buffers hold, against globalMemory. */
    final AtomicLong inUse = new AtomicLong();
    final long[] maxItems;
    /** Work-group size of the tree reductions: a power of two within the device's limit. */
    final int reduceGroup;
    /** Items per side of the tiled GEMM's square work-group. */
    final int gemmThreads;
    /** Rows and columns of the packed GEMM's register block. */
    final int gemmMr, gemmNr;
    final String buildOptions;
    final cl_program program;
    /** Whether this device runs gemm_tiled's square work-group (the kernel's own limit can be below the device's). */
    final boolean tiledGemmFits;

    private ClContext(String id, DeviceInfo.Kind kind, cl_platform_id platform, cl_device_id device) {
        this.id = id;
        this.kind = kind;
        this.device = device;
        maxWorkGroup = ClInfo.number(device, CL_DEVICE_MAX_WORK_GROUP_SIZE);
        maxAlloc = ClInfo.number(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
        globalMemory = ClInfo.number(device, CL_DEVICE_GLOBAL_MEM_SIZE);
        maxItems = ClInfo.sizes(device, CL_DEVICE_MAX_WORK_ITEM_SIZES);
        long limit = Math.min(maxWorkGroup, maxItems[0]);
        long width = ClInfo.number(device, CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT);
        // A GPU reduces with 256 items (eight warps) per group. A CPU driver runs a group as a loop
        // on one core, vectorised across items, and each tree level is another pass over all of
        // them: one vector's width of items is enough there (a row softmax ran 14x faster than with 256).
        long group = kind == DeviceInfo.Kind.CPU ? Math.max(4, width) : 256;
        reduceGroup = (int) Long.highestOneBit(Math.min(group, limit));
        gemmThreads = Math.min(maxWorkGroup, Math.min(maxItems[0], maxItems[1])) >= 256 ? 16 : 8;
        gemmNr = width >= 16 ? 16 : 8;
        gemmMr = 8;
        buildOptions = "-DREDUCE_WG=" + reduceGroup + " -DGEMM_THREADS=" + gemmThreads + " -DGEMM_MR=" + gemmMr
                + " -DGEMM_NR=" + gemmNr;
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL.CL_CONTEXT_PLATFORM, platform);
        context = ClErrors.check(id, "clCreateContext",
                () -> CL.clCreateContext(props, 1, new cl_device_id[] {device}, null, null, null));
        program = build(id, context, device, "neurite kernels (" + KernelSources.MANIFEST + ")", KernelSources.program(),
                buildOptions);
        cl_kernel tiled = ClErrors.check(id, "clCreateKernel(gemm_tiled)", () -> CL.clCreateKernel(program, "gemm_tiled", null));
        tiledGemmFits = ClInfo.kernel(tiled, device, CL.CL_KERNEL_WORK_GROUP_SIZE) >= (long) gemmThreads * gemmThreads;
        CL.clReleaseKernel(tiled);
    }

    /** The context of a device the provider found, created and built on first use. */
    static ClContext of(String id, DeviceInfo.Kind kind, cl_platform_id platform, cl_device_id device) {
        return OPEN.computeIfAbsent(id, k -> SignalHandlers.preserving(() -> new ClContext(id, kind, platform, device)));
    }

    /**
     * Compiles source for one device. A compiler error becomes a {@link ClBuildException} with
     * the build log; the failed program is released.
     */
    static cl_program build(String deviceId, cl_context context, cl_device_id device, String name, String source,
                            String options) {
        // the compiler (LLVM, in PoCL) may replace the JVM's signal handlers (see SignalHandlers)
        return SignalHandlers.preserving(() -> compile(deviceId, context, device, name, source, options));
    }

    private static cl_program compile(String deviceId, cl_context context, cl_device_id device, String name, String source,
                                      String options) {
        cl_program p = ClErrors.check(deviceId, "clCreateProgramWithSource(" + name + ")",
                () -> CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, null));
        try {
            CL.clBuildProgram(p, 1, new cl_device_id[] {device}, options, null, null);
            return p;
        } catch (CLException e) {
            String log = buildLog(p, device);
            CL.clReleaseProgram(p);
            throw new ClBuildException(deviceId, name, ClErrors.name(e.getStatus()), log);
        }
    }

    private static String buildLog(cl_program p, cl_device_id device) {
        try {
            long[] size = new long[1];
            CL.clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] b = new byte[(int) size[0]];
            CL.clGetProgramBuildInfo(p, device, CL_PROGRAM_BUILD_LOG, b.length, Pointer.to(b), null);
            int n = b.length;
            while (n > 0 && b[n - 1] == 0) n--;
            return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (CLException e) {
            return "(the build log could not be read: " + ClErrors.name(e.getStatus()) + ")";
        }
    }

    boolean isCpu() {
        return kind == DeviceInfo.Kind.CPU;
    }
}
