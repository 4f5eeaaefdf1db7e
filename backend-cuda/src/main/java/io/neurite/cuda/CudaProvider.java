package io.neurite.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import io.neurite.device.Availability;
import io.neurite.device.Device;
import io.neurite.device.DeviceException;
import io.neurite.device.DeviceInfo;
import io.neurite.device.DeviceProvider;
import io.neurite.kernels.gpu.GpuDevice;
import io.neurite.kernels.gpu.GpuDriver;
import io.neurite.kernels.gpu.LaunchLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;

/**
 * The CUDA backend's discovery through the driver API: {@code cuda:0}, {@code cuda:1}, ... in the
 * driver's order. The probe never throws and says in words why CUDA is missing:
 * <ul>
 *   <li>no libcuda: the first touch of {@code JCudaDriver} throws a {@link LinkageError}, caught once
 *       by {@link CudaNatives} and cached ("libcuda.so.1 not found");</li>
 *   <li>{@code cuInit} fails (no device, a driver/library mismatch): its error, named;</li>
 *   <li>a driver older than the committed PTX needs: the minimum driver, named;</li>
 *   <li>GPUs older than compute capability 7.5 (the PTX's target) are left out, with the reason when none is left.</li>
 * </ul>
 * The verdict is cached, so later calls cost nothing and touch no native code.
 */
public final class CudaProvider implements DeviceProvider {
    /** The oldest GPU the PTX (compute_75) can be JIT-compiled for: Turing. */
    static final int MIN_CAPABILITY = 75;
    /** REDUCE_WG of neurite.cu: the size of the reductions' shared buffer; a test checks it against the PTX. */
    static final int REDUCE_THREADS = 256;
    /**
     * How launches are sized on every CUDA GPU: reductions of REDUCE_WG threads, one element per
     * thread of a row walk (neighbouring threads touch neighbouring addresses), and CUDA's grid
     * limits (2^31 - 1 blocks along x, 65535 along y and z).
     */
    static final LaunchLimits LIMITS = new LaunchLimits(REDUCE_THREADS, 1, Integer.MAX_VALUE, 65535);

    private Availability verdict;
    private List<Integer> ordinals = List.of();
    private String driverText = "";

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public synchronized Availability probe() {
        if (verdict == null) {
            try {
                verdict = discover();
            } catch (LinkageError e) {
                verdict = Availability.unavailable(CudaNatives.reason(e));
            } catch (RuntimeException e) {
                verdict = Availability.unavailable("CUDA discovery failed: " + e.getMessage());
            }
        }
        return verdict;
    }

    private Availability discover() {
        LinkageError missing = CudaNatives.loadDriver();
        if (missing != null) return Availability.unavailable(CudaNatives.reason(missing));
        int r = cuInit(0);
        if (r == CUresult.CUDA_ERROR_NO_DEVICE) return Availability.unavailable("no CUDA device (cuInit: CUDA_ERROR_NO_DEVICE)");
        if (r != CUresult.CUDA_SUCCESS) {
            return Availability.unavailable("the NVIDIA driver did not initialise: cuInit failed with " + CudaErrors.name(r)
                    + (CudaErrors.hint(r).isEmpty() ? "" : " (" + CudaErrors.hint(r) + ")"));
        }
        int[] v = new int[1];
        CudaErrors.check("cuda", cuDriverGetVersion(v), "cuDriverGetVersion");
        PtxModule ptx = PtxModule.load();
        String old = tooOldDriver(v[0], ptx);
        if (old != null) return Availability.unavailable(old);
        int[] count = new int[1];
        CudaErrors.check("cuda", cuDeviceGetCount(count), "cuDeviceGetCount");
        if (count[0] == 0) return Availability.unavailable("no CUDA device (the driver reports none)");
        driverText = "driver CUDA " + PtxModule.cudaVersion(v[0]);
        String gemmPreview = GemmChoice.preview();
        List<DeviceInfo> infos = new ArrayList<>();
        List<Integer> usable = new ArrayList<>();
        List<String> tooOld = new ArrayList<>();
        for (int i = 0; i < count[0]; i++) {
            CUdevice dev = new CUdevice();
            CudaErrors.check("cuda:" + i, cuDeviceGet(dev, i), "cuDeviceGet(" + i + ")");
            int major = attribute(dev, i, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
            int minor = attribute(dev, i, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
            String name = name(dev, i);
            if (major * 10 + minor < MIN_CAPABILITY) {
                tooOld.add(name + " (compute " + major + "." + minor + ")");
                continue;
            }
            long[] mem = new long[1];
            CudaErrors.check("cuda:" + i, cuDeviceTotalMem(mem, dev), "cuDeviceTotalMem");
            int sms = attribute(dev, i, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
            String description = String.format(Locale.ROOT, "%s, compute %d.%d, %d SMs, %.1f GiB, %s; PTX ISA %s; %s", name, major,
                    minor, sms, mem[0] / (double) (1L << 30), driverText, ptx.isa(), gemmPreview);
            infos.add(new DeviceInfo("cuda:" + usable.size(), DeviceInfo.Kind.GPU, description));
            usable.add(i);
        }
        if (infos.isEmpty()) {
            return Availability.unavailable("no usable CUDA device: " + String.join(", ", tooOld)
                    + "; Neurite's kernels need compute capability 7.5 (Turing) or newer");
        }
        ordinals = List.copyOf(usable);
        return Availability.of(infos);
    }

    /** Why a driver supporting CUDA version driver cannot load ptx, or null when it can. */
    static String tooOldDriver(int driver, PtxModule ptx) {
        if (driver >= ptx.requiredDriver()) return null;
        return "the NVIDIA driver is too old: it supports CUDA " + PtxModule.cudaVersion(driver) + ", and Neurite's kernels (PTX ISA "
                + ptx.isa() + ") need a " + ptx.requiredDriverText();
    }

    private static int attribute(CUdevice dev, int ordinal, int attribute) {
        int[] v = new int[1];
        CudaErrors.check("cuda:" + ordinal, cuDeviceGetAttribute(v, attribute, dev), "cuDeviceGetAttribute(" + attribute + ")");
        return v[0];
    }

    private static String name(CUdevice dev, int ordinal) {
        byte[] name = new byte[256];
        CudaErrors.check("cuda:" + ordinal, cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
        int end = 0;
        while (end < name.length && name[end] != 0) end++;
        return new String(name, 0, end, StandardCharsets.UTF_8).strip();
    }

    /** 300: a CUDA GPU is preferred to every other device (see {@link DeviceProvider#priority}). */
    @Override
    public int priority(DeviceInfo device) {
        return 300;
    }

    @Override
    public Device open(int ordinal) {
        Availability a = probe();
        if (!a.available()) throw new DeviceException("cuda:" + ordinal + " cannot be opened: " + a.reason());
        int driverOrdinal;
        synchronized (this) {
            if (ordinal < 0 || ordinal >= ordinals.size()) {
                throw new DeviceException("cuda:" + ordinal + " does not exist; this machine has cuda:0 to cuda:" + (ordinals.size() - 1));
            }
            driverOrdinal = ordinals.get(ordinal);
        }
        DeviceInfo info = a.devices().get(ordinal);
        GemmPolicy policy = GemmPolicy.fromProperty();
        CudaContext ctx = new CudaContext(info.id(), driverOrdinal, PtxModule.load());
        try {
            GemmChoice gemm = GemmChoice.open(info.id(), ctx, policy);
            return device(info, ctx, gemm, ctx.pinnedStaging() ? "copies through pinned staging memory"
                    : "copies through pageable memory (pinned memory was refused)");
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    /** A CUDA device on a driver: the real one above, or the tests' emulation on OpenCL. */
    static GpuDevice device(DeviceInfo info, GpuDriver driver, GemmChoice gemm, String transfers) {
        return new GpuDevice(info, driver, LIMITS, gemm.gemm(), "GEMM: " + gemm.description() + "; " + transfers, graphsOff(gemm));
    }

    /**
     * Why training steps are not recorded as CUDA graphs on this device, or null when they are:
     * {@code -Dneurite.cuda.graphs=false}, or cuBLAS, whose calls reach the stream past the
     * recording and so could not be compared with it.
     */
    static String graphsOff(GemmChoice gemm) {
        if (!Boolean.parseBoolean(System.getProperty(GRAPHS, "true"))) return "-D" + GRAPHS + "=false";
        if (gemm.gemm() instanceof CublasGemm) return "cuBLAS calls bypass the step recording; -Dneurite.cuda.blas=own records every kernel";
        return null;
    }

    /** The switch for CUDA graphs (on by default). */
    static final String GRAPHS = "neurite.cuda.graphs";
}
