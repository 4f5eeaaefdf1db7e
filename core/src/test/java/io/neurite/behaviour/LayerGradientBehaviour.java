package io.neurite.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.nn.Activation;
import io.neurite.nn.Add;
import io.neurite.nn.AveragePooling2d;
import io.neurite.nn.BatchNormalization;
import io.neurite.nn.Concatenate;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.GlobalAveragePooling2d;
import io.neurite.nn.Input;
import io.neurite.nn.Layer;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.Mode;
import io.neurite.nn.Model;
import io.neurite.nn.Node;
import io.neurite.nn.PRelu;
import io.neurite.nn.Parameter;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Finite-difference checks of every layer's gradient, through the tape: L = sum(r * layer(x)) for
 * a fixed random r, differentiated numerically (central differences in float32 with a step of
 * 1e-2, so the tolerance is loose: 2e-2 relative) with respect to the input and each parameter.
 * The kit checks each op tightly in double; this checks that layers wire the ops together right.
 */
public abstract class LayerGradientBehaviour extends DeviceSuite {

    private record Case(String name, int[] input, Supplier<Layer> layer) {
    }

    @TestFactory
    Stream<DynamicTest> everyLayerMatchesFiniteDifferences() {
        List<Case> cases = List.of(
                new Case("Dense(relu)", new int[] {5}, () -> new Dense(4).activation("tanh")),
                new Case("Dense on a sequence", new int[] {3, 5}, () -> new Dense(2)),
                new Case("Conv2d same", new int[] {2, 5, 5}, () -> new Conv2d(3, 3).padding("same").activation("sigmoid")),
                new Case("Conv2d strided 2x3", new int[] {2, 6, 7}, () -> new Conv2d(2, 2, 3).strides(2, 1)),
                new Case("MaxPooling2d", new int[] {2, 4, 4}, () -> new MaxPooling2d(2)),
                new Case("AveragePooling2d same", new int[] {2, 5, 5}, () -> new AveragePooling2d(3).strides(2, 2).padding("same")),
                new Case("GlobalAveragePooling2d", new int[] {3, 3, 4}, GlobalAveragePooling2d::new),
                new Case("BatchNormalization", new int[] {3, 2, 2}, BatchNormalization::new),
                new Case("PRelu", new int[] {3, 4}, PRelu::new),
                new Case("Activation softmax", new int[] {6}, () -> new Activation("softmax")),
                new Case("Activation log_softmax", new int[] {6}, () -> new Activation("log_softmax")),
                new Case("Dense(log_softmax)", new int[] {5}, () -> new Dense(4).activation("log_softmax")),
                new Case("Activation leaky_relu", new int[] {6}, () -> new Activation("leaky_relu")),
                new Case("Flatten", new int[] {2, 3, 2}, Flatten::new));
        return Stream.concat(cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c.input(), in -> c.layer().get().call(in)))),
                Stream.of(DynamicTest.dynamicTest("Add and Concatenate", () -> check(new int[] {2, 3, 3}, in -> new Add().call(
                        new Conv2d(4, 1).call(in), new Concatenate().call(new Conv2d(1, 3).padding("same").call(in), new Conv2d(3, 1).call(in)))))));
    }

    private void check(int[] sampleShape, java.util.function.Function<Node, Node> graph) {
        Node in = Input.of(sampleShape);
        int batch = 3;
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = batch;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[(int) Tensor.size(shape)];
        // Distinct, well-separated values keep max pooling and ReLU-like kinks away from the probe.
        for (int i = 0; i < x.length; i++) x[i] = (float) ((i * 0.6180339887 % 1) * 2 - 1 + 0.01 * r.nextDouble());
        try (Model m = new Model(in, graph.apply(in)).build(device, 17);
             Tensor input = Tensor.of(device, x, shape).requiresGrad()) {
            float[] weights = new float[(int) Tensor.size(withBatch(batch, m.outputShape()))];
            for (int i = 0; i < weights.length; i++) weights[i] = (float) (r.nextDouble() * 2 - 1);
            List<Tensor> wrt = new ArrayList<>();
            wrt.add(input);
            for (Parameter p : m.parameters()) if (p.trainable()) wrt.add(p.value());
            List<float[]> analytic = new ArrayList<>();
            try (Scope s = Scope.open()) {
                loss(m, input, weights).backward();
                for (Tensor t : wrt) analytic.add(t.grad().toFloatArray());
                for (Tensor t : wrt) t.zeroGrad();
            }
            for (int k = 0; k < wrt.size(); k++) {
                Tensor t = wrt.get(k);
                float[] v = t.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    float keep = v[i];
                    v[i] = keep + 1e-2f;
                    t.buffer().copyFrom(v);
                    double up = value(m, input, weights);
                    v[i] = keep - 1e-2f;
                    t.buffer().copyFrom(v);
                    double down = value(m, input, weights);
                    v[i] = keep;
                    t.buffer().copyFrom(v);
                    double numeric = (up - down) / 2e-2;
                    double err = Math.abs(analytic.get(k)[i] - numeric) / Math.max(1, Math.abs(numeric));
                    assertTrue(err < 2e-2, (k == 0 ? "input" : m.parameters().get(k - 1).name()) + "[" + i + "]: tape "
                            + analytic.get(k)[i] + ", finite differences " + numeric);
                }
            }
        }
    }

    private static int[] withBatch(int batch, int[] s) {
        int[] r = new int[s.length + 1];
        r[0] = batch;
        System.arraycopy(s, 0, r, 1, s.length);
        return r;
    }

    private Tensor loss(Model m, Tensor x, float[] weights) {
        Tensor out = m.forward(x, Mode.TRAINING);
        return out.mul(Tensor.of(device, weights, out.shape())).sum();
    }

    private double value(Model m, Tensor x, float[] weights) {
        try (Scope s = Scope.open()) {
            return loss(m, x, weights).item();
        }
    }
}
