package io.neurite.cuda;

import io.neurite.device.Availability;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.DeviceProvider;
import jcuda.driver.CUdevice;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA backend's discovery through the driver API. Without libcuda the first touch of
 * {@link JCudaDriver} throws {@link UnsatisfiedLinkError} and every later one
 * {@link NoClassDefFoundError}: both are {@link LinkageError}s, caught once here and cached, so a
 * machine without a GPU gets a reason in words and an intact JVM. The backend reports itself
 * unavailable until its kernels exist.
 */
public final class CudaProvider implements DeviceProvider {
    private Availability verdict;

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public synchronized Availability probe() {
        if (verdict == null) verdict = discover();
        return verdict;
    }

    private static Availability discover() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
            int[] count = new int[1];
            JCudaDriver.cuDeviceGetCount(count);
            if (count[0] == 0) return Availability.unavailable("no CUDA device");
            StringBuilder found = new StringBuilder();
            for (int i = 0; i < count[0]; i++) {
                CUdevice d = new CUdevice();
                JCudaDriver.cuDeviceGet(d, i);
                byte[] name = new byte[256];
                JCudaDriver.cuDeviceGetName(name, name.length, d);
                found.append(i > 0 ? "; " : "").append(new String(name).trim().replace("\0", ""));
            }
            return Availability.unavailable("the CUDA kernels are not implemented yet; found " + found);
        } catch (LinkageError e) {
            String msg = String.valueOf(e.getMessage());
            return Availability.unavailable(msg.contains("libcuda.so.1") || e instanceof UnsatisfiedLinkError
                    ? "libcuda.so.1 not found (no NVIDIA driver)" : "JCuda could not load: " + msg);
        } catch (RuntimeException e) {
            return Availability.unavailable("CUDA driver error: " + e.getMessage());
        }
    }

    @Override
    public Device open(int ordinal) {
        throw new DeviceException("cuda:" + ordinal + " cannot be opened: " + probe().reason());
    }
}
