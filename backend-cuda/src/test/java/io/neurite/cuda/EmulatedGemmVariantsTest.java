package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.neurite.conformance.BackendConformance;
import io.neurite.conformance.OpCase;
import io.neurite.conformance.OpCatalog;
import io.neurite.device.Device;
import io.neurite.device.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Both GEMM kernels on every GEMM and convolution case of the kit, whatever {@link GemmPolicy#AUTO}
 * would pick: {@code cudaemu:1} forces gemm_large (128 x 128 tiles, so every small case is one
 * partial tile and 300 x 257 x 513 spans several full ones with many k slices), {@code cudaemu:2}
 * forces gemm_tiled. Checked against the kit's double-precision references.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmulatedGemmVariantsTest {
    private static final Set<Op> USING_GEMM = Set.of(Op.GEMM, Op.GEMM_BATCHED, Op.CONV2D);
    private final List<Device> devices = new ArrayList<>();

    @BeforeAll
    void open() {
        devices.add(BackendConformance.openOrSkip("cudaemu:1"));
        devices.add(BackendConformance.openOrSkip("cudaemu:2"));
    }

    @AfterAll
    void close() {
        for (Device d : devices) {
            long live = d.liveBuffers();
            d.close();
            assertEquals(0, live, "buffers left open on " + d.id());
        }
    }

    @TestFactory
    Stream<DynamicTest> gemmAndConvolutionCasesMatchTheReference() {
        List<OpCase> cases = OpCatalog.cases().stream().filter(c -> USING_GEMM.contains(c.op())).toList();
        return devices.stream().flatMap(d -> cases.stream().map(c -> DynamicTest.dynamicTest(d.id() + " " + c, () -> check(d, c))));
    }

    private static void check(Device d, OpCase c) {
        float[][] got = c.run().on(d);
        double[][] want = c.reference().compute();
        assertEquals(want.length, got.length, c + ": outputs");
        for (int o = 0; o < want.length; o++) {
            assertEquals(want[o].length, got[o].length, c + ": length of output " + o);
            for (int i = 0; i < want[o].length; i++) {
                double e = want[o][i];
                boolean ok = Double.isNaN(e) ? Double.isNaN(got[o][i])
                        : Math.abs(got[o][i] - e) <= c.tolerance().atol() + c.tolerance().rtol() * Math.abs(e);
                if (!ok) fail(c + " on " + d.id() + ": output " + o + " index " + i + ": got " + got[o][i] + ", want " + e);
            }
        }
    }
}
