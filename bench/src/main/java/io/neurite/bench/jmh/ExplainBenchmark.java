package io.neurite.bench.jmh;

import io.neurite.data.Mnist;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.explain.GradCam;
import io.neurite.explain.Maps;
import io.neurite.explain.Occlusion;
import io.neurite.explain.Saliency;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Model;
import io.neurite.nn.Sequential;
import java.io.IOException;
import java.util.Arrays;
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
 * The explain methods on one real MNIST image through LeNet-5 (bench mnist's, seeded weights:
 * the time does not depend on them): occlusion with a 4x4 patch at stride 1 (625 occluded copies,
 * 256 a pass), saliency and Grad-CAM (one forward and backward pass each), on any device:
 * {@code java --add-modules jdk.incubator.vector -cp bench/target/neurite-bench.jar org.openjdk.jmh.Main ExplainBenchmark -p device=opencl:0}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ExplainBenchmark {
    @Param({"cpu:0"})
    public String device;

    private Device d;
    private Model model;
    private float[] image;
    private final Occlusion occlusion = new Occlusion(4, 1, 0f);

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        d = Devices.get(device);
        model = new Sequential(Input.of(1, 28, 28), new Conv2d(6, 5).padding("same").activation("relu"), new MaxPooling2d(2),
                new Conv2d(16, 5).activation("relu"), new MaxPooling2d(2), new Flatten(), new Dense(120).activation("relu"),
                new Dense(84).activation("relu"), new Dense(10)).build(d, 42);
        image = Arrays.copyOf(Mnist.load(stem -> ExplainBenchmark.class.getResourceAsStream("/mnist/" + stem + ".gz"), "embedded").test().features(), 784);
    }

    @Benchmark
    public Maps occlusion4x4() {
        return occlusion.map(model, image, -1);
    }

    @Benchmark
    public Maps saliency() {
        return Saliency.vanilla(model, image, null);
    }

    @Benchmark
    public Maps gradCam() {
        return GradCam.map(model, image, null, null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
        d.close();
    }
}
