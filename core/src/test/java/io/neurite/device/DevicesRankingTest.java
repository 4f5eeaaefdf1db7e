package io.neurite.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How Devices ranks devices by their providers' priorities, and the table it reports, on providers made up here. */
class DevicesRankingTest {
    /** A provider with fixed devices; a device missing from priorities gets the interface's default. */
    private record Fake(String name, Availability probe, Map<String, Integer> priorities) implements DeviceProvider {
        @Override
        public int priority(DeviceInfo device) {
            Integer p = priorities.get(device.id());
            return p != null ? p : DeviceProvider.super.priority(device);
        }

        @Override
        public Device open(int ordinal) {
            throw new UnsupportedOperationException("not opened in these tests");
        }
    }

    private static DeviceInfo gpu(String id) {
        return new DeviceInfo(id, DeviceInfo.Kind.GPU, id + " GPU");
    }

    private static DeviceInfo cpu(String id) {
        return new DeviceInfo(id, DeviceInfo.Kind.CPU, id + " CPU");
    }

    /** Providers in the name order Devices.providers() gives, each ranking its devices as the built-in backends do. */
    private static final List<DeviceProvider> BUILT_IN = List.of(
            new Fake("cpu", Availability.of(List.of(cpu("cpu:0"))), Map.of("cpu:0", 100)),
            new Fake("cuda", Availability.of(List.of(gpu("cuda:0"))), Map.of("cuda:0", 300)),
            new Fake("cudaemu", Availability.of(List.of(cpu("cudaemu:0"))), Map.of("cudaemu:0", 0)),
            new Fake("opencl", Availability.of(List.of(cpu("opencl:0"), gpu("opencl:1"))), Map.of("opencl:0", 50, "opencl:1", 200)));

    private static List<String> ids(List<DeviceProvider> providers) {
        return Devices.ranked(providers).stream().map(r -> r.info().id()).toList();
    }

    @Test
    void theHighestPriorityComesFirstWhateverTheProviderOrder() {
        assertEquals(List.of("cuda:0", "opencl:1", "cpu:0", "opencl:0", "cudaemu:0"), ids(BUILT_IN));
        assertEquals(List.of("cuda:0", "opencl:1", "cpu:0", "opencl:0", "cudaemu:0"), ids(BUILT_IN.reversed()));
    }

    @Test
    void aProviderWithoutAPriorityRanksByKindBelowTheBuiltInBackendsOfThatKind() {
        DeviceInfo acc = new DeviceInfo("acme:2", DeviceInfo.Kind.ACCELERATOR, "an accelerator");
        Fake acme = new Fake("acme", Availability.of(List.of(cpu("acme:0"), gpu("acme:1"), acc)), Map.of());
        assertEquals(200, acme.priority(gpu("acme:1")));
        assertEquals(25, acme.priority(cpu("acme:0")));
        assertEquals(25, acme.priority(acc));
        // a GPU ties with OpenCL's GPUs and keeps the providers' order; its CPU comes after OpenCL's CPU
        assertEquals(List.of("cuda:0", "acme:1", "opencl:1", "cpu:0", "opencl:0", "acme:0", "acme:2", "cudaemu:0"),
                ids(List.of(acme, BUILT_IN.get(0), BUILT_IN.get(1), BUILT_IN.get(2), BUILT_IN.get(3))));
    }

    @Test
    void unavailableProvidersAddNoDevice() {
        Fake cuda = new Fake("cuda", Availability.unavailable("libcuda.so.1 not found"), Map.of());
        assertEquals(List.of("opencl:1", "cpu:0", "opencl:0"), ids(List.of(BUILT_IN.get(0), cuda, BUILT_IN.get(3))));
    }

    @Test
    void theReportIsOneTableWithPrioritiesTheBestMarkedAndWhyABackendIsMissing() {
        Fake cuda = new Fake("cuda", Availability.unavailable("libcuda.so.1 not found"), Map.of());
        String report = Devices.report(List.of(BUILT_IN.get(0), cuda, BUILT_IN.get(3)), null);
        List<String> lines = report.lines().toList();
        assertEquals(List.of("backend", "device", "priority", "description"), List.of(lines.get(0).trim().split(" +")), report);
        assertTrue(lines.contains("  cuda     unavailable: libcuda.so.1 not found"), report);
        assertTrue(report.contains("opencl:1   200 (best)"), report);
        assertTrue(report.contains("cpu:0      100 "), report);
        assertEquals(1, report.split("\\(best\\)", -1).length - 1, "one best device:\n" + report);
        assertEquals(5, lines.size(), report);
        assertTrue(Devices.report(BUILT_IN, "cpu:0").endsWith("asks for cpu:0: best() opens it instead\n"));
        assertEquals("  no backend on the class path (add neurite-backend-cpu)\n", Devices.report(List.of(), null));
    }

    @Test
    void theChoiceIsLoggedOnOneLine() {
        Fake cuda = new Fake("cuda", Availability.unavailable("libcuda.so.1 not found"), Map.of());
        List<DeviceProvider> providers = List.of(BUILT_IN.get(0), cuda, BUILT_IN.get(3));
        String line = Devices.choice(Devices.ranked(providers), providers);
        assertFalse(line.contains("\n"), line);
        assertEquals("neurite: using opencl:1 (priority 200); also here: cpu:0, opencl:0; unavailable: cuda (Devices.report() says why)", line);
    }
}
