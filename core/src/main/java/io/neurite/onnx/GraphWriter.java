package io.neurite.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.AttributeProto.AttributeType;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/** The ONNX graph being written: nodes, initialisers and typed graph inputs and outputs. */
final class GraphWriter {
    final GraphProto.Builder graph = GraphProto.newBuilder();

    GraphWriter(String name) {
        graph.setName(name);
    }

    /** A node; attributes are name-value pairs (Integer, Float, String, long[], float[], String[]). */
    void node(String op, String name, List<String> inputs, List<String> outputs, Object... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addAllOutput(outputs);
        for (int i = 0; i < attributes.length; i += 2) n.addAttribute(attribute((String) attributes[i], attributes[i + 1]));
        graph.addNode(n);
    }

    /** A node of one input and one output. */
    void node(String op, String name, String input, String output, Object... attributes) {
        node(op, name, List.of(input), List.of(output), attributes);
    }

    private static AttributeProto attribute(String name, Object v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        switch (v) {
            case Integer i -> a.setType(AttributeType.INT).setI(i);
            case Long l -> a.setType(AttributeType.INT).setI(l);
            case Float f -> a.setType(AttributeType.FLOAT).setF(f);
            case String s -> a.setType(AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
            case long[] ls -> {
                a.setType(AttributeType.INTS);
                for (long l : ls) a.addInts(l);
            }
            case float[] fs -> {
                a.setType(AttributeType.FLOATS);
                for (float f : fs) a.addFloats(f);
            }
            case String[] ss -> {
                a.setType(AttributeType.STRINGS);
                for (String s : ss) a.addStrings(ByteString.copyFromUtf8(s));
            }
            default -> throw new IllegalArgumentException("attribute " + name + ": " + v.getClass());
        }
        return a.build();
    }

    /** A float initialiser, returning its name. */
    String floats(String name, int[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : dims) t.addDims(d);
        graph.addInitializer(t);
        return name;
    }

    /** An int64 initialiser (shapes, axes), returning its name. */
    String longs(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length).setRawData(ByteString.copyFrom(b.array())));
        return name;
    }

    /** A float tensor [batch, shape...] with a symbolic batch dimension. */
    static ValueInfoProto value(String name, int[] perSample) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int d : perSample) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s);
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    static List<String> list(String... names) {
        return new ArrayList<>(List.of(names));
    }
}
