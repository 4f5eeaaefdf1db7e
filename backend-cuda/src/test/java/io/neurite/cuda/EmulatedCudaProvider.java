package io.neurite.cuda;

import io.neurite.device.Availability;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.DeviceInfo;
import io.neurite.device.DeviceProvider;
import java.util.List;
import org.jocl.CL;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * The test-only backend {@code cudaemu}: the CUDA backend's device ({@link CudaProvider#device}) over
 * {@link ClEmulatedDriver} on the first OpenCL CPU device (PoCL in CI). Three devices differ only
 * in the GEMM policy, so the conformance kit checks every GEMM kernel: {@code cudaemu:0} decides as
 * on a GPU without TF32 ({@link GemmPolicy#AUTO}), {@code cudaemu:1} always takes gemm_large,
 * {@code cudaemu:2} always gemm_tiled and {@code cudaemu:3} always gemm_tf32 (its mma.sync
 * emulated in local memory: see gemm_tf32.h). Registered in the test class path's service file.
 */
public final class EmulatedCudaProvider implements DeviceProvider {
    private static final GemmPolicy[] POLICIES = {GemmPolicy.AUTO, GemmPolicy.LARGE, GemmPolicy.TILED, GemmPolicy.TF32};
    private Availability verdict;
    private cl_platform_id platform;
    private cl_device_id device;

    @Override
    public String name() {
        return "cudaemu";
    }

    @Override
    public synchronized Availability probe() {
        if (verdict == null) verdict = discover();
        return verdict;
    }

    private Availability discover() {
        try {
            CL.setExceptionsEnabled(true);
            int[] n = new int[1];
            CL.clGetPlatformIDs(0, null, n);
            cl_platform_id[] platforms = new cl_platform_id[n[0]];
            CL.clGetPlatformIDs(platforms.length, platforms, null);
            for (cl_platform_id p : platforms) {
                int[] count = new int[1];
                try {
                    CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_CPU, 0, null, count);
                } catch (RuntimeException e) {
                    continue; // no CPU device on this platform
                }
                cl_device_id[] ds = new cl_device_id[count[0]];
                CL.clGetDeviceIDs(p, CL.CL_DEVICE_TYPE_CPU, ds.length, ds, null);
                platform = p;
                device = ds[0];
                return Availability.of(List.of(info(0), info(1), info(2), info(3)));
            }
            return Availability.unavailable("no OpenCL CPU device to emulate CUDA on");
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("no OpenCL to emulate CUDA on: " + e);
        }
    }

    /** 0: an emulation for tests, slower than every real device, so never the best one. */
    @Override
    public int priority(DeviceInfo device) {
        return 0;
    }

    private static DeviceInfo info(int i) {
        return new DeviceInfo("cudaemu:" + i, DeviceInfo.Kind.CPU, "CUDA backend host code on an OpenCL CPU device, GEMM "
                + POLICIES[i].name().toLowerCase());
    }

    @Override
    public Device open(int ordinal) {
        Availability a = probe();
        if (!a.available()) throw new DeviceException("cudaemu cannot be opened: " + a.reason());
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL.CL_CONTEXT_PLATFORM, platform);
        // cuBLAS needs device addresses, which OpenCL memory has not; gemm_tf32 runs with mma.sync emulated
        CudaGemm own = new CudaGemm(POLICIES[ordinal], POLICIES[ordinal] == GemmPolicy.TF32);
        return CudaProvider.device(a.devices().get(ordinal), new ClEmulatedDriver(device, props),
                new GemmChoice(own, own.describe()), "emulated on OpenCL");
    }
}
