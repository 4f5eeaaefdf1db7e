package io.neurite.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_platform_id;

/** Typed readers for {@code clGetPlatformInfo}, {@code clGetDeviceInfo} and {@code clGetKernelWorkGroupInfo}. */
final class ClInfo {
    private ClInfo() {
    }

    static String platform(cl_platform_id p, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(p, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetPlatformInfo(p, param, b.length, Pointer.to(b), null);
        return text(b);
    }

    static String string(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        byte[] b = new byte[(int) size[0]];
        CL.clGetDeviceInfo(d, param, b.length, Pointer.to(b), null);
        return text(b);
    }

    /** A cl_uint, cl_ulong, size_t or bitfield parameter, whatever its width. */
    static long number(cl_device_id d, int param) {
        long[] v = new long[1];
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, Sizeof.cl_long, Pointer.to(v), size);
        return size[0] == 4 ? v[0] & 0xFFFF_FFFFL : v[0];
    }

    /** A size_t[] parameter such as CL_DEVICE_MAX_WORK_ITEM_SIZES. */
    static long[] sizes(cl_device_id d, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(d, param, 0, null, size);
        long[] v = new long[(int) (size[0] / Sizeof.size_t)];
        CL.clGetDeviceInfo(d, param, size[0], Pointer.to(v), null);
        return v;
    }

    /** A size_t parameter of a kernel on a device, e.g. CL_KERNEL_WORK_GROUP_SIZE. */
    static long kernel(cl_kernel k, cl_device_id d, int param) {
        long[] v = new long[1];
        CL.clGetKernelWorkGroupInfo(k, d, param, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    private static String text(byte[] b) {
        int n = b.length;
        while (n > 0 && b[n - 1] == 0) n--;
        return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8).trim();
    }
}
