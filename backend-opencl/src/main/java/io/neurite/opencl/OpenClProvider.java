package io.neurite.opencl;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;

import io.neurite.device.Availability;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.DeviceInfo;
import io.neurite.device.DeviceProvider;
import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * The OpenCL backend's discovery. It finds every platform and device (GPUs first) so that
 * {@code bench devices} says what is there, but reports the backend unavailable until its
 * kernels exist: a device that cannot run the op set must not be chosen.
 */
public final class OpenClProvider implements DeviceProvider {
    private Availability verdict;

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public synchronized Availability probe() {
        if (verdict == null) verdict = discover();
        return verdict;
    }

    private static Availability discover() {
        List<String> found = new ArrayList<>();
        try {
            CL.setExceptionsEnabled(true);
            int[] count = new int[1];
            CL.clGetPlatformIDs(0, null, count);
            cl_platform_id[] platforms = new cl_platform_id[count[0]];
            CL.clGetPlatformIDs(platforms.length, platforms, null);
            for (cl_platform_id p : platforms) {
                int[] n = new int[1];
                CL.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, null, n);
                cl_device_id[] devices = new cl_device_id[n[0]];
                CL.clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, devices.length, devices, null);
                for (cl_device_id d : devices) {
                    long type = longInfo(d, CL_DEVICE_TYPE);
                    found.add(((type & CL_DEVICE_TYPE_GPU) != 0 ? "GPU " : "CPU ") + stringInfo(d, CL_DEVICE_NAME)
                            + " on " + platformName(p) + ", " + longInfo(d, CL_DEVICE_MAX_COMPUTE_UNITS) + " CUs, "
                            + (longInfo(d, CL_DEVICE_GLOBAL_MEM_SIZE) >> 20) + " MiB, " + stringInfo(d, CL_DEVICE_VERSION));
                }
            }
        } catch (CLException e) {
            return Availability.unavailable(e.getStatus() == -1001
                    ? "no OpenCL platform found (no ICD installed: apt-get install pocl-opencl-icd, or a GPU driver)"
                    : "OpenCL discovery failed: " + CL.stringFor_errorCode(e.getStatus()));
        } catch (LinkageError e) {
            return Availability.unavailable("libOpenCL.so.1 not found (" + e.getMessage() + ")");
        }
        if (found.isEmpty()) return Availability.unavailable("no OpenCL device found");
        return Availability.unavailable("the OpenCL kernels are not implemented yet; found " + String.join("; ", found));
    }

    private static String platformName(cl_platform_id p) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, CL_PLATFORM_NAME, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, CL_PLATFORM_NAME, b.length, Pointer.to(b), null);
        return new String(b, 0, Math.max(0, b.length - 1)).trim();
    }

    private static String stringInfo(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
        return new String(b, 0, Math.max(0, b.length - 1)).trim();
    }

    private static long longInfo(cl_device_id d, int param) {
        long[] v = new long[1];
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_long, Pointer.to(v), size);
        return size[0] == 4 ? (int) v[0] : v[0];
    }

    @Override
    public Device open(int ordinal) {
        throw new DeviceException("opencl:" + ordinal + " cannot be opened: " + probe().reason());
    }
}
