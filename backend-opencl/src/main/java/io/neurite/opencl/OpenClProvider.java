package io.neurite.opencl;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;

import io.neurite.device.Availability;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.DeviceInfo;
import io.neurite.device.DeviceProvider;
import io.neurite.kernels.gpu.GpuDevice;
import io.neurite.kernels.gpu.LaunchLimits;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * The OpenCL backend: every device of every platform, as {@code opencl:0}, {@code opencl:1}, ...
 * with GPUs first, then accelerators, then CPUs, each group in platform and driver order (a stable
 * order: the same machine always gives the same ids). Without an ICD loader, a platform or a
 * device, {@link #probe()} says which and why; it never throws.
 */
public final class OpenClProvider implements DeviceProvider {
    private Availability verdict;
    private List<Found> found = List.of();

    /** A device the probe found, with what opening it needs. */
    private record Found(DeviceInfo info, cl_platform_id platform, cl_device_id device) {
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public synchronized Availability probe() {
        // loading the OpenCL implementation may replace the JVM's signal handlers (see SignalHandlers)
        if (verdict == null) verdict = SignalHandlers.preserving(this::discover);
        return verdict;
    }

    private Availability discover() {
        List<Found> all = new ArrayList<>();
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            CL.clGetPlatformIDs(0, null, count);
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            CL.clGetPlatformIDs(platforms.length, platforms, null);
            for (cl_platform_id p : platforms) {
                int[] n = new int[1];
                try {
                    CL.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
                } catch (CLException e) {
                    if (e.getStatus() == CL.CL_DEVICE_NOT_FOUND) continue; // a platform with no device
                    throw e;
                }
                cl_device_id[] devices = new cl_device_id[n[0]];
                CL.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, devices.length, devices, null);
                for (cl_device_id d : devices) all.add(new Found(describe(p, d), p, d));
            }
        } catch (CLException e) {
            return Availability.unavailable(e.getStatus() == CL.CL_PLATFORM_NOT_FOUND_KHR
                    ? "no OpenCL platform found (no ICD installed: apt-get install pocl-opencl-icd, or a GPU driver)"
                    : "OpenCL discovery failed: " + ClErrors.name(e.getStatus()));
        } catch (LinkageError e) {
            return Availability.unavailable("the OpenCL library could not be loaded (libOpenCL.so.1 / OpenCL.dll): " + e);
        } catch (RuntimeException e) {
            return Availability.unavailable("OpenCL discovery failed: " + e);
        }
        if (all.isEmpty()) return Availability.unavailable("OpenCL platforms found, but no device on any of them");
        all.sort(Comparator.comparingInt(f -> rank(f.info.kind()))); // stable: keeps platform and driver order
        List<Found> numbered = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Found f = all.get(i);
            numbered.add(new Found(new DeviceInfo("opencl:" + i, f.info.kind(), f.info.description()), f.platform, f.device));
        }
        found = List.copyOf(numbered);
        return Availability.of(numbered.stream().map(Found::info).toList());
    }

    /** A device's kind and description; its id is assigned after sorting. */
    private static DeviceInfo describe(cl_platform_id p, cl_device_id d) {
        long type = ClInfo.number(d, CL_DEVICE_TYPE);
        DeviceInfo.Kind kind = (type & CL_DEVICE_TYPE_GPU) != 0 ? DeviceInfo.Kind.GPU
                : (type & CL_DEVICE_TYPE_CPU) != 0 ? DeviceInfo.Kind.CPU : DeviceInfo.Kind.ACCELERATOR;
        String description = ClInfo.string(d, CL_DEVICE_NAME) + " (" + kind + ") on " + ClInfo.platform(p, CL_PLATFORM_NAME)
                + ", " + ClInfo.number(d, CL_DEVICE_MAX_COMPUTE_UNITS) + " compute units, "
                + (ClInfo.number(d, CL_DEVICE_GLOBAL_MEM_SIZE) >> 20) + " MiB, " + ClInfo.string(d, CL_DEVICE_VERSION);
        return new DeviceInfo("opencl:?", kind, description);
    }

    private static int rank(DeviceInfo.Kind kind) {
        return switch (kind) {
            case GPU -> 0;
            case ACCELERATOR -> 1;
            case CPU -> 2;
        };
    }

    /**
     * 200 for a GPU; 50 for a CPU or an accelerator, below the CPU backend, the reference, which
     * runs on the same cores without a driver in between (see {@link DeviceProvider#priority}).
     */
    @Override
    public int priority(DeviceInfo device) {
        return device.kind() == DeviceInfo.Kind.GPU ? 200 : 50;
    }

    @Override
    public Device open(int ordinal) {
        return open(ordinal, null);
    }

    /** Opens a device with the given tuning, or the device's own when tuning is null (tests use both). */
    Device open(int ordinal, ClTuning tuning) {
        ClContext ctx = context(ordinal);
        ClTuning t = tuning != null ? tuning : ClTuning.of(ctx);
        // OpenCL bounds a launch only by size_t, so the grid limits are the launcher's int range
        LaunchLimits limits = new LaunchLimits(ctx.reduceGroup, t.rowRun(), Integer.MAX_VALUE, Integer.MAX_VALUE);
        return new GpuDevice(found(ordinal).info, new ClDriver(ctx.id, ctx), limits, new ClGemm(ctx, t.gemm()), t.describe(ctx));
    }

    /** The context (limits, program) of device ordinal, created and built on first use. */
    ClContext context(int ordinal) {
        Found f = found(ordinal);
        return ClContext.of(f.info.id(), f.info.kind(), f.platform, f.device);
    }

    private Found found(int ordinal) {
        Availability a = probe();
        if (!a.available()) throw new DeviceException("opencl:" + ordinal + " cannot be opened: " + a.reason());
        synchronized (this) {
            if (ordinal < 0 || ordinal >= found.size()) {
                throw new DeviceException("opencl:" + ordinal + " does not exist; this machine has opencl:0 to opencl:"
                        + (found.size() - 1));
            }
            return found.get(ordinal);
        }
    }
}
