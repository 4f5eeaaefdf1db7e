package io.neurite.bench.jmh;

import io.neurite.device.Buffer;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Square SGEMM {@code C = A B} on cpu:0 (time per call; GFLOP/s = 2 n^3 / time). Run from the
 * shaded jar:
 * {@code java --add-modules jdk.incubator.vector -cp bench/target/neurite-bench.jar org.openjdk.jmh.Main GemmBenchmark -p n=512}.
 * The forked JVM gets the Vector API through {@link Fork#jvmArgsAppend}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    @Param({"256", "512", "1024"})
    public int n;

    private Device device;
    private Buffer a;
    private Buffer b;
    private Buffer c;

    @Setup(Level.Trial)
    public void setUp() {
        device = Devices.get("cpu:0");
        a = device.upload(BenchData.seeded(1, (long) n * n));
        b = device.upload(BenchData.seeded(2, (long) n * n));
        c = device.upload(new float[n * n]);
    }

    @Benchmark
    public void gemm() {
        device.ops().gemm(false, false, n, n, n, 1f, a, b, 0f, c);
        device.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
        c.close();
        device.close();
    }
}
