package io.neurite.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.neurite.conformance.BackendConformance;
import io.neurite.conformance.GradCase;
import io.neurite.conformance.Inputs;
import io.neurite.conformance.OpCase;
import io.neurite.conformance.OpCatalog;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The kernels' other form on this machine's device: the kit runs {@code opencl:0} with its own
 * {@link ClTuning} (on PoCL the CPU form: packed GEMM, rows in runs), so this runs every case again
 * with the other one (on PoCL the GPU form: tiled GEMM, one element per item) against the kit's
 * double-precision references, and every backward against the CPU backend's. That way the GPU code
 * paths are checked in every CI run, on a machine without a GPU.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenClOtherTuningTest {
    private Device device;
    private Device cpu;

    @BeforeAll
    void open() {
        BackendConformance.openOrSkip("opencl:0").close();
        OpenClProvider opencl = (OpenClProvider) Devices.providers().get("opencl");
        ClTuning other = ClTuning.of(opencl.context(0)).gemm() == GemmVariant.PACKED ? ClTuning.GPU : ClTuning.CPU;
        device = opencl.open(0, other);
        cpu = Devices.get("cpu:0");
    }

    @AfterAll
    void close() {
        if (device == null) return;
        long live = device.liveBuffers();
        device.close();
        cpu.close();
        assertEquals(0, live, "buffers left open on " + device);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesItsReference() {
        return OpCatalog.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            Assumptions.assumeTrue(device.supports(c.op()), c.op() + " is not supported");
            compare(c.toString(), c.tolerance().atol(), c.tolerance().rtol(), c.run().on(device), c.reference().compute());
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyBackwardMatchesTheCpuBackend() {
        return OpCatalog.gradients().stream().map(g -> DynamicTest.dynamicTest(g.toString(), () -> {
            Assumptions.assumeTrue(device.supports(g.op()), g.op() + " is not supported");
            float[] x = Inputs.toFloat(g.x()), dy = Inputs.toFloat(g.dy());
            compare(g.toString(), g.tolerance(), g.tolerance(), new float[][] {g.backward().on(device, x, dy)},
                    new double[][] {Inputs.toDouble(g.backward().on(cpu, x, dy))});
        }));
    }

    private void compare(String what, double atol, double rtol, float[][] got, double[][] want) {
        assertEquals(want.length, got.length, what + ": outputs");
        for (int o = 0; o < want.length; o++) {
            assertEquals(want[o].length, got[o].length, what + ": length of output " + o);
            for (int i = 0; i < want[o].length; i++) {
                double e = want[o][i];
                boolean ok = Double.isNaN(e) ? Double.isNaN(got[o][i])
                        : Double.isInfinite(e) ? got[o][i] == e : Math.abs(got[o][i] - e) <= atol + rtol * Math.abs(e);
                if (!ok) fail(what + " on " + device + ": output " + o + " index " + i + ": got " + got[o][i] + ", want " + e);
            }
        }
    }
}
