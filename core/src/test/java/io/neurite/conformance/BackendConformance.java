package io.neurite.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.neurite.device.Availability;
import io.neurite.device.Device;
import io.neurite.device.DeviceProvider;
import io.neurite.device.Devices;
import io.neurite.device.LeakTracker;
import io.neurite.device.Op;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance kit. A backend's tests extend it with one method naming its device:
 *
 * <pre>{@code
 * class OpenClConformanceTest extends BackendConformance {
 *     @Override protected String deviceId() { return "opencl:0"; }
 * }
 * }</pre>
 *
 * Every case of {@link OpCatalog} runs on that device and on the CPU oracle ({@code cpu:0}); the
 * results must agree within the case's tolerance, and with the naive double reference where the
 * case has one. Every backward op is also checked against finite differences. An absent backend
 * skips the whole kit with its provider's reason; an op the device does not support is reported
 * as skipped with that fact, never as passed. {@code -Dneurite.conformance.require=BACKEND} turns
 * the skip into a failure (for GPU runners).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformance {
    private Device device;
    private Device oracle;

    /** The id of the device under test, e.g. {@code "opencl:0"}. */
    protected abstract String deviceId();

    @BeforeAll
    void open() {
        device = openOrSkip(deviceId());
        oracle = device.id().equals("cpu:0") ? device : Devices.get("cpu:0");
    }

    @AfterAll
    void close() {
        if (device != null) {
            long live = device.liveBuffers();
            device.close();
            if (oracle != device) oracle.close();
            assertEquals(0, live, "buffers left open on " + deviceId() + " after the kit");
        }
        System.gc();
        assertTrue(LeakTracker.leaks().isEmpty(), () -> "buffers garbage-collected without close(): " + LeakTracker.leaks());
    }

    /** Opens a device, or skips the calling tests with the reason its backend is missing. */
    public static Device openOrSkip(String id) {
        String backend = id.contains(":") ? id.substring(0, id.indexOf(':')) : id;
        DeviceProvider p = Devices.providers().get(backend);
        String required = System.getProperty("neurite.conformance.require", "");
        String why = p == null ? "backend '" + backend + "' is not on the class path" : null;
        if (why == null) {
            Availability a = p.probe();
            if (!a.available()) why = backend + " unavailable: " + a.reason();
        }
        if (why != null) {
            if (required.equals(backend)) fail(why + " (and -Dneurite.conformance.require=" + required + ")");
            Assumptions.abort(why);
        }
        return Devices.get(id);
    }

    @Test
    void everyOpHasCasesAndEveryBackwardAGradientCheck() {
        Set<Op> withCases = EnumSet.noneOf(Op.class);
        OpCatalog.cases().forEach(c -> withCases.add(c.op()));
        Set<Op> missing = EnumSet.complementOf(EnumSet.copyOf(withCases));
        assertTrue(missing.isEmpty(), "ops with no conformance case: " + missing);
        Set<Op> withGrad = EnumSet.noneOf(Op.class);
        OpCatalog.gradients().forEach(g -> withGrad.add(g.op()));
        Set<Op> noGrad = EnumSet.copyOf(OpCatalog.DIFFERENTIABLE);
        noGrad.removeAll(withGrad);
        assertTrue(noGrad.isEmpty(), "backward ops with no gradient check: " + noGrad);
    }

    @TestFactory
    Stream<DynamicTest> opsAgreeWithOracleAndReference() {
        return OpCatalog.cases().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> runCase(c)));
    }

    @TestFactory
    Stream<DynamicTest> backwardOpsMatchFiniteDifferences() {
        return OpCatalog.gradients().stream().map(g -> DynamicTest.dynamicTest(g.toString(), () -> runGradient(g)));
    }

    private void runCase(OpCase c) {
        Assumptions.assumeTrue(device.supports(c.op()), () -> deviceId() + " does not support " + c.op() + ": reported as unsupported");
        long before = device.liveBuffers();
        float[][] got = c.run().on(device);
        assertEquals(before, device.liveBuffers(), c + " left buffers open");
        if (oracle != device) compare(c, "CPU oracle", got, toDouble(c.run().on(oracle)));
        if (c.reference() != null) compare(c, "naive reference", got, c.reference().compute());
    }

    private static double[][] toDouble(float[][] v) {
        double[][] d = new double[v.length][];
        for (int i = 0; i < v.length; i++) d[i] = Inputs.toDouble(v[i]);
        return d;
    }

    private void compare(OpCase c, String against, float[][] got, double[][] want) {
        assertEquals(want.length, got.length, c + ": number of outputs");
        for (int o = 0; o < want.length; o++) {
            assertEquals(want[o].length, got[o].length, c + ": length of output " + o);
            for (int i = 0; i < want[o].length; i++) {
                if (!c.tolerance().accepts(got[o][i], want[o][i])) {
                    fail(String.format("%s on %s, output %d index %d: got %s, %s gives %s (tolerance %s)",
                            c, deviceId(), o, i, got[o][i], against, want[o][i], c.tolerance()));
                }
            }
        }
    }

    private void runGradient(GradCase g) {
        Assumptions.assumeTrue(device.supports(g.op()), () -> deviceId() + " does not support " + g.op());
        float[] analytic = g.backward().on(device, Inputs.toFloat(g.x()), Inputs.toFloat(g.dy()));
        double[] numeric = numericGradient(g);
        assertEquals(numeric.length, analytic.length, g + ": gradient length");
        for (int i = 0; i < numeric.length; i++) {
            double err = Math.abs(analytic[i] - numeric[i]) / Math.max(1, Math.abs(numeric[i]));
            if (!(err <= g.tolerance())) {
                fail(String.format("%s on %s, index %d: backward gives %s, finite differences %s (error %.3g > %.3g)",
                        g, deviceId(), i, analytic[i], numeric[i], err, g.tolerance()));
            }
        }
    }

    /** Central differences of sum(dy * forward(x)) in double. */
    static double[] numericGradient(GradCase g) {
        double[] x = g.x().clone();
        double[] grad = new double[x.length];
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + h;
            double up = dot(g.dy(), g.forward().apply(x));
            x[i] = keep - h;
            double down = dot(g.dy(), g.forward().apply(x));
            x[i] = keep;
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }

    private static double dot(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("dy has " + a.length + " elements, output " + b.length);
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** For subclasses that add backend-specific checks. */
    protected final Device device() {
        return device;
    }

    static List<Op> ops() {
        return List.of(Op.values());
    }
}
