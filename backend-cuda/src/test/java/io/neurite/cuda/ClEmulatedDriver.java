package io.neurite.cuda;

import io.neurite.device.DeviceException;
import io.neurite.kernels.gpu.GpuDriver;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * A {@link GpuDriver} on an OpenCL device, for tests on machines without a GPU: it builds the CUDA
 * program's own source (neurite/cuda/neurite.cu with its includes inlined, so exactly the kernels
 * of the PTX, through prelude_cuda.h's OpenCL branch) and runs each launch as an NDRange of
 * grid x block work items in work-groups of block. Everything above GpuDriver (allocator,
 * buffers, launch shapes, argument lists, GEMM and convolution planning) is then the CUDA
 * backend's real code. What this cannot check: JCuda itself, nvcc's compilation, pinned memory.
 */
final class ClEmulatedDriver implements GpuDriver {
    private static final Pattern INCLUDE = Pattern.compile("(?m)^#include \"([^\"]+)\"\\s*$");

    private final cl_device_id device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final cl_program program;
    private final Map<String, GpuFunction> functions = new HashMap<>();
    private final int units;
    private List<Runnable> captured;
    private int graphs;

    ClEmulatedDriver(cl_device_id device, cl_context_properties platform) {
        CL.setExceptionsEnabled(true);
        this.device = device;
        context = CL.clCreateContext(platform, 1, new cl_device_id[] {device}, null, null, null);
        @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties needs OpenCL 2.0
        cl_command_queue q = CL.clCreateCommandQueue(context, device, 0, null);
        queue = q;
        program = CL.clCreateProgramWithSource(context, 1, new String[] {source()}, null, null);
        try {
            CL.clBuildProgram(program, 0, null, "", null, null);
        } catch (CLException e) {
            long[] size = new long[1];
            CL.clGetProgramBuildInfo(program, device, CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) size[0]];
            CL.clGetProgramBuildInfo(program, device, CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            throw new DeviceException("the CUDA sources do not build as OpenCL: " + new String(log, StandardCharsets.UTF_8), e);
        }
        int[] cu = new int[1];
        CL.clGetDeviceInfo(device, CL.CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint, Pointer.to(cu), null);
        units = cu[0];
    }

    /**
     * neurite/cuda/neurite.cu with every #include "..." replaced by the file, resolved as nvcc
     * resolves it, followed by the TF32 program's kernel (neurite_tf32.cu less the prelude both share).
     */
    static String source() {
        return inline("neurite/cuda/neurite.cu") + "\n" + inline("neurite/cuda/gemm_tf32.h");
    }

    private static String inline(String resource) {
        String text = read(resource);
        String dir = resource.substring(0, resource.lastIndexOf('/') + 1);
        Matcher m = INCLUDE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(inline(normalise(dir + m.group(1)))));
        m.appendTail(out);
        return out.toString();
    }

    private static String normalise(String path) {
        String p = path;
        while (p.contains("/../")) p = p.replaceFirst("[^/]+/\\.\\./", "");
        return p;
    }

    static String read(String resource) {
        try (InputStream in = ClEmulatedDriver.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public DeviceMemory tryAllocate(long bytes) {
        try {
            return new Block<>(CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE, bytes, null, null), bytes);
        } catch (CLException e) {
            if (e.getStatus() == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE || e.getStatus() == CL.CL_OUT_OF_RESOURCES) return null;
            throw e;
        }
    }

    @Override
    public void free(DeviceMemory memory) {
        CL.clReleaseMemObject(mem(memory));
    }

    @Override
    public void upload(MemorySegment src, DeviceMemory dst, long byteOffset) {
        notCapturing("cuMemcpyHtoDAsync");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment copy = arena.allocate(src.byteSize(), 64);
            copy.copyFrom(src);
            CL.clEnqueueWriteBuffer(queue, mem(dst), CL.CL_TRUE, byteOffset, src.byteSize(),
                    Pointer.to(copy.asByteBuffer()), 0, null, null);
        }
    }

    @Override
    public void download(DeviceMemory src, long byteOffset, MemorySegment dst) {
        notCapturing("cuMemcpyDtoHAsync");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment into = arena.allocate(dst.byteSize(), 64);
            CL.clEnqueueReadBuffer(queue, mem(src), CL.CL_TRUE, byteOffset, dst.byteSize(),
                    Pointer.to(into.asByteBuffer()), 0, null, null);
            dst.copyFrom(into);
        }
    }

    @Override
    public void fill32(DeviceMemory memory, long byteOffset, int pattern, long count) {
        if (count == 0) return;
        if (captured != null) {
            captured.add(() -> fill32(memory, byteOffset, pattern, count));
            return;
        }
        CL.clEnqueueFillBuffer(queue, mem(memory), Pointer.to(new int[] {pattern}), Sizeof.cl_int, byteOffset,
                count * 4, 0, null, null);
    }

    @Override
    public GpuFunction function(String name) {
        return functions.computeIfAbsent(name, n -> {
            cl_kernel k = CL.clCreateKernel(program, n, null);
            long[] max = new long[1];
            CL.clGetKernelWorkGroupInfo(k, device, CL.CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(max), null);
            return new GpuFunction(n, (int) Math.min(1024, max[0]), 32, k); // CUDA's per-block limit and warp
        });
    }

    @Override
    public void launch(GpuFunction f, int[] grid, int[] block, Object[] args) {
        if (captured != null) {
            Object[] values = args.clone();
            captured.add(() -> enqueue(f, grid.clone(), block.clone(), values));
        } else {
            enqueue(f, grid, block, args);
        }
    }

    private void enqueue(GpuFunction f, int[] grid, int[] block, Object[] args) {
        cl_kernel k = (cl_kernel) f.handle();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case Integer v -> CL.clSetKernelArg(k, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
                case Float v -> CL.clSetKernelArg(k, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
                case Boolean v -> CL.clSetKernelArg(k, i, Sizeof.cl_int, Pointer.to(new int[] {v ? 1 : 0}));
                case DeviceMemory m -> CL.clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(mem(m)));
                default -> throw new IllegalArgumentException(f.name() + " argument " + i + ": " + args[i]);
            }
        }
        long[] global = new long[3], local = new long[3];
        for (int d = 0; d < 3; d++) {
            global[d] = (long) grid[d] * block[d];
            local[d] = block[d];
        }
        CL.clEnqueueNDRangeKernel(queue, k, 3, null, global, local, 0, null, null);
    }

    @Override
    public void synchronize() {
        notCapturing("cuStreamSynchronize");
        CL.clFinish(queue);
    }

    /**
     * CUDA graphs as the real driver makes them, in miniature: between beginCapture and endCapture
     * each launch and fill is recorded (the kernel, its grid and its argument values, memory by
     * handle) instead of queued, and the graph queues the recording again on each launch. A copy
     * or wait while capturing fails as CUDA's stream capture refuses it.
     */
    @Override
    public boolean canCapture() {
        return true;
    }

    @Override
    public void beginCapture() {
        notCapturing("cuStreamBeginCapture");
        captured = new ArrayList<>();
    }

    @Override
    public Graph endCapture() {
        if (captured == null) throw new DeviceException("cuStreamEndCapture: the stream is not capturing");
        List<Runnable> graph = List.copyOf(captured);
        captured = null;
        graphs++;
        return new Graph() {
            @Override
            public void launch() {
                notCapturing("cuGraphLaunch");
                graph.forEach(Runnable::run);
            }

            @Override
            public void close() {
            }
        };
    }

    /** Graphs instantiated so far. */
    int graphs() {
        return graphs;
    }

    private void notCapturing(String call) {
        if (captured != null) throw new DeviceException(call + ": operation not permitted when stream is capturing");
    }

    @Override
    public int multiprocessors() {
        return units;
    }

    @Override
    public void close() {
        CL.clFinish(queue);
        for (GpuFunction f : functions.values()) CL.clReleaseKernel((cl_kernel) f.handle());
        functions.clear();
        CL.clReleaseProgram(program);
        CL.clReleaseCommandQueue(queue);
        CL.clReleaseContext(context);
    }

    private static cl_mem mem(DeviceMemory m) {
        return (cl_mem) ((Block<?>) m).handle();
    }
}
