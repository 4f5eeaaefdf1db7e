package io.neurite.onnx;

import io.neurite.device.Device;
import io.neurite.nn.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import onnx.Onnx.ModelProto;

/**
 * Reads an ONNX model (opset 1 to 17) into a Neurite functional model built on any device, for
 * inference and for further training: each ONNX op becomes the Neurite layer that computes the
 * same, with the weights copied bit for bit (transposed or with gates reordered where Neurite's
 * layout is Keras'), and layers named after the ONNX nodes (PyTorch's {@code /conv1/Conv} is
 * {@code conv1}; a model Neurite exported comes back with its own names).
 *
 * <p>What converts: Conv (2-d, Keras' valid, same or full padding, no groups or dilations),
 * MaxPool, AveragePool, GlobalAveragePool, Gemm, MatMul by a constant (with an Add of a constant
 * after it as the bias), Relu, LeakyRelu, Sigmoid, Tanh, Softmax and LogSoftmax (last axis), PRelu,
 * BatchNormalization (inference), Dropout, Flatten and Reshape (keeping the batch), Add and Concat
 * (channels) of computed values, Gather of a constant table (Embedding), LSTM, GRU
 * (linear_before_reset=1) and RNN, forward, batch-first through Transposes, with zero or computed
 * initial states. Constant, Identity, Cast, Shape, Gather, Unsqueeze, Squeeze, Concat,
 * ConstantOfShape and integer arithmetic on constants are folded at import, which covers the shape
 * subgraphs PyTorch's exporter writes; an activation after a Conv, Gemm or MatMul is fused into
 * its layer.
 *
 * <p>Anything else is refused before any weight is read or allocated, in one
 * {@link OnnxException} listing each node (name, op type, what is missing). Initialisers may be
 * stored as external data, in files inside the model's folder; every tensor's size is checked
 * from its dimensions first, so a file declaring a 1 TB tensor is refused without allocating it.
 *
 * <pre>{@code
 * try (Model m = OnnxImport.read(Path.of("lenet.onnx"), Devices.best())) {
 *     System.out.print(m.summary());
 *     Tensor y = m.predict(x);                       // x: [n, 1, 28, 28]
 * }
 * List<Problem> missing = OnnxImport.problems(Path.of("other.onnx"));   // empty: it imports
 * }</pre>
 */
public final class OnnxImport {
    private OnnxImport() {
    }

    /** The model in the file, built on the device with the file's weights. */
    public static Model read(Path file, Device device) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        return build(GraphReader.read(GraphReader.parse(file), file.toString(), folder), device, file.toString());
    }

    /** The model from an in-memory ONNX model (which may not use external data), built on the device. */
    public static Model read(ModelProto model, Device device) throws IOException {
        return build(GraphReader.read(model, "ONNX model " + model.getGraph().getName(), null), device, "ONNX model");
    }

    /**
     * What keeps the file from importing, every node's reason; empty when it imports. A file that
     * is not readable ONNX at all is an {@link OnnxException}.
     */
    public static List<Problem> problems(Path file) throws IOException {
        try {
            GraphReader.read(GraphReader.parse(file), file.toString(), file.toAbsolutePath().getParent()).model().close();
            return List.of();
        } catch (OnnxException e) {
            if (e.problems().isEmpty()) throw e;
            return e.problems();
        }
    }

    /** The ONNX op types the import knows (each still has its conditions: see the class comment). */
    public static Set<String> supportedOps() {
        return Ops.names();
    }

    private static Model build(GraphReader.Read r, Device device, String name) throws IOException {
        Model m;
        try {
            m = r.model().build(device, 0);
        } catch (IllegalArgumentException e) {
            throw new OnnxException(e.getMessage().startsWith(name) ? e.getMessage() : name + ": " + e.getMessage(), e);
        }
        try {
            r.graph().load();
            return m;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }
}
