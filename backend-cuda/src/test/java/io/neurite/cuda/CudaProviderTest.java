package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Availability;
import io.neurite.device.DeviceException;
import io.neurite.device.DeviceInfo;
import io.neurite.device.Devices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The provider on a machine without an NVIDIA driver (CI, the build machine): the probe reports
 * "libcuda.so.1 not found" in words, every time, from the one cached {@link LinkageError}, and
 * the JVM carries on. Skipped where libcuda is installed (a GPU machine), where the kit runs instead.
 */
class CudaProviderTest {
    static boolean libcudaInstalled() {
        List<String> dirs = new ArrayList<>(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
                "/usr/lib/wsl/lib", "/usr/local/nvidia/lib64", "/usr/local/cuda/compat"));
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) dirs.addAll(List.of(ld.split(":")));
        return dirs.stream().anyMatch(d -> !d.isEmpty() && Files.exists(Path.of(d, "libcuda.so.1")));
    }

    @Test
    void withoutLibcudaTheProbeSaysSoTwiceAndNothingCrashes() {
        Assumptions.assumeFalse(libcudaInstalled(), "libcuda.so.1 is installed here");
        CudaProvider p = new CudaProvider();
        Availability first = p.probe();
        assertFalse(first.available());
        assertEquals("libcuda.so.1 not found (no NVIDIA driver installed)", first.reason());
        assertSame(first, p.probe(), "the verdict is cached");
        // a second provider touches no native code again: the first LinkageError is reused, same words
        Availability again = new CudaProvider().probe();
        assertEquals(first.reason(), again.reason());
        assertTrue(again.devices().isEmpty());
        assertTrue(CudaNatives.loadDriver() instanceof UnsatisfiedLinkError, "the first error, kept");
    }

    @Test
    void askingForTheDeviceIsAClearError() {
        Assumptions.assumeFalse(libcudaInstalled(), "libcuda.so.1 is installed here");
        DeviceException e = assertThrows(DeviceException.class, () -> Devices.get("cuda:0"));
        assertTrue(e.getMessage().contains("libcuda.so.1 not found"), e.getMessage());
        assertThrows(DeviceException.class, () -> Devices.providers().get("cuda").open(0));
        assertTrue(Devices.report().contains("cuda     unavailable: libcuda.so.1 not found"), Devices.report());
    }

    @Test
    void theEmulationRanksAfterEveryRealDeviceAndTheGpuFirst() {
        List<DeviceInfo> all = Devices.list();
        Assumptions.assumeTrue(all.stream().anyMatch(d -> d.backend().equals("cudaemu")), "no OpenCL CPU device to emulate CUDA on");
        int firstEmulated = all.indexOf(all.stream().filter(d -> d.backend().equals("cudaemu")).findFirst().orElseThrow());
        assertTrue(all.subList(firstEmulated, all.size()).stream().allMatch(d -> d.backend().equals("cudaemu")), all.toString());
        assertEquals(libcudaInstalled() && Devices.providers().get("cuda").probe().available() ? "cuda:0" : "cpu:0", all.getFirst().id());
        assertEquals(300, Devices.providers().get("cuda").priority(new DeviceInfo("cuda:0", DeviceInfo.Kind.GPU, "a GPU")));
    }

    @Test
    void jcudaNativesAreExtractedPrivatelyAndRemoved() throws IOException {
        String tmp = System.getProperty("java.io.tmpdir");
        new CudaProvider().probe();
        assertEquals(tmp, System.getProperty("java.io.tmpdir"), "java.io.tmpdir is restored");
        try (Stream<Path> files = Files.list(Path.of(tmp))) {
            List<Path> left = files.filter(f -> f.getFileName().toString().startsWith("libJCudaDriver")
                    || f.getFileName().toString().startsWith("neurite-jcuda-")).toList();
            assertTrue(left.isEmpty(), "JCuda's natives left in the shared temporary directory: " + left);
        }
    }

    @Test
    void aDriverOlderThanThePtxIsNamedWithTheMinimum() {
        PtxModule ptx = PtxModule.load();
        assertNull(CudaProvider.tooOldDriver(ptx.requiredDriver(), ptx));
        assertNull(CudaProvider.tooOldDriver(13000, ptx));
        String why = CudaProvider.tooOldDriver(11080, ptx);
        assertTrue(why.contains("CUDA 11.8") && why.contains("PTX ISA " + ptx.isa()) && why.contains(ptx.requiredDriverText()), why);
    }
}
