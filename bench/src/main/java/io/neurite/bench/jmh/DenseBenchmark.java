package io.neurite.bench.jmh;

import io.neurite.data.Dataset;
import io.neurite.data.Mnist;
import io.neurite.device.Buffer;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The three products of one training step of a dense layer, at the MNIST MLP's first layer by
 * default (batch 32, 784 inputs, 200 units): forward {@code Y = X W} (m x n x k = 32 x 200 x 784),
 * weight gradient {@code dW = X^T dY} (784 x 200 x 32) and input gradient {@code dX = dY W^T}
 * (32 x 784 x 200). These shapes, not large square ones, set the MLP's training speed. Run:
 * {@code java --add-modules jdk.incubator.vector -cp bench/target/neurite-bench.jar org.openjdk.jmh.Main DenseBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DenseBenchmark {
    @Param("cpu:0")
    public String device;
    @Param("32")
    public int batch;
    @Param("784")
    public int inputs;
    @Param("200")
    public int units;
    /**
     * The input batch: {@code random} (dense, uniform in [-1, 1)) or {@code mnist} (the first
     * images of the embedded t10k set, scaled to [0, 1]: 81% zeros, which the direct path skips).
     */
    @Param({"random", "mnist"})
    public String input;

    private Device dev;
    private Buffer x;
    private Buffer w;
    private Buffer y;
    private Buffer dw;
    private Buffer dx;

    @Setup(Level.Trial)
    public void setUp() {
        dev = Devices.get(device);
        x = dev.upload(input.equals("mnist") ? mnistBatch() : BenchData.seeded(1, (long) batch * inputs));
        w = dev.upload(BenchData.seeded(2, (long) inputs * units));
        y = dev.upload(BenchData.seeded(3, (long) batch * units));
        dw = dev.upload(new float[inputs * units]);
        dx = dev.upload(new float[batch * inputs]);
    }

    private float[] mnistBatch() {
        if (inputs != 784) throw new IllegalArgumentException("input=mnist needs inputs=784, not " + inputs);
        try {
            Dataset images = Mnist.load(stem -> DenseBenchmark.class.getResourceAsStream("/mnist/" + stem + ".gz"),
                    "embedded MNIST t10k").train();
            float[] x = new float[batch * inputs];
            int[] order = new int[batch];
            for (int i = 0; i < batch; i++) order[i] = i;
            images.gatherFeatures(order, 0, batch, x);
            return x;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public void forward() {
        dev.ops().gemm(false, false, batch, units, inputs, 1f, x, w, 0f, y);
        dev.synchronize();
    }

    @Benchmark
    public void weightGradient() {
        dev.ops().gemm(true, false, inputs, units, batch, 1f, x, y, 0f, dw);
        dev.synchronize();
    }

    @Benchmark
    public void inputGradient() {
        dev.ops().gemm(false, true, batch, inputs, units, 1f, y, w, 0f, dx);
        dev.synchronize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Buffer b : new Buffer[] {x, w, y, dw, dx}) b.close();
        dev.close();
    }
}
