package io.neurite.bench.jmh;

import io.neurite.device.Buffer;
import io.neurite.device.Conv2dSpec;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.device.Window2d;
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
 * The convolutions of {@code bench conv} (LeNet-5's two layers at batch 64 and a 64-channel 3x3
 * on 56x56 at batch 8), forward and both backward passes, on any device:
 * {@code java --add-modules jdk.incubator.vector -cp bench/target/neurite-bench.jar org.openjdk.jmh.Main ConvBenchmark -p device=opencl:0}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConvBenchmark {
    @Param({"lenet1", "lenet2", "c64"})
    public String layer;

    @Param({"cpu:0"})
    public String device;

    private Device d;
    private Conv2dSpec spec;
    private Buffer x, w, y;

    @Setup(Level.Trial)
    public void setUp() {
        spec = switch (layer) {
            case "lenet1" -> new Conv2dSpec(64, 1, 28, 28, 6, Window2d.of(28, 28, 5, 5, 1, 1, 2, 2));
            case "lenet2" -> new Conv2dSpec(64, 6, 14, 14, 16, Window2d.of(14, 14, 5, 5, 1, 1, 0, 0));
            default -> new Conv2dSpec(8, 64, 56, 56, 64, Window2d.of(56, 56, 3, 3, 1, 1, 1, 1));
        };
        d = Devices.get(device);
        x = d.upload(BenchData.seeded(1, spec.inputLength()));
        w = d.upload(BenchData.seeded(2, spec.filterLength()));
        y = d.upload(BenchData.seeded(3, spec.outputLength()));
    }

    @Benchmark
    public void forward() {
        d.ops().conv2dForward(spec, x, w, y);
        d.synchronize();
    }

    @Benchmark
    public void backwardData() {
        d.ops().conv2dBackwardData(spec, y, w, x);
        d.synchronize();
    }

    @Benchmark
    public void backwardFilter() {
        d.ops().conv2dBackwardFilter(spec, x, y, w);
        d.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        w.close();
        y.close();
        d.close();
    }
}
