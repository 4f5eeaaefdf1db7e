package io.neurite.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.AttributeProto.AttributeType;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * A node's attributes, read by name with ONNX's defaults. It remembers what its converter read, so
 * that an attribute the converter does not know of is refused rather than silently ignored.
 */
final class Attributes {
    private final Map<String, AttributeProto> all = new LinkedHashMap<>();
    private final Set<String> read = new TreeSet<>();
    private final List<String> wrongType = new ArrayList<>();

    Attributes(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) all.put(a.getName(), a);
    }

    boolean has(String name) {
        read.add(name);
        return all.containsKey(name);
    }

    private AttributeProto get(String name, AttributeType type) {
        read.add(name);
        AttributeProto a = all.get(name);
        if (a == null) return null;
        // Writers before IR 3 leave the type out; the field present then tells.
        if (a.hasType() && a.getType() != type) {
            wrongType.add(name + " is " + a.getType() + ", not " + type);
            return null;
        }
        return a;
    }

    long i(String name, long def) {
        AttributeProto a = get(name, AttributeType.INT);
        return a == null ? def : a.getI();
    }

    float f(String name, float def) {
        AttributeProto a = get(name, AttributeType.FLOAT);
        return a == null ? def : a.getF();
    }

    String s(String name, String def) {
        AttributeProto a = get(name, AttributeType.STRING);
        return a == null ? def : a.getS().toStringUtf8();
    }

    long[] ints(String name, long[] def) {
        AttributeProto a = get(name, AttributeType.INTS);
        return a == null ? def : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    float[] floats(String name) {
        AttributeProto a = get(name, AttributeType.FLOATS);
        if (a == null) return null;
        float[] v = new float[a.getFloatsCount()];
        for (int i = 0; i < v.length; i++) v[i] = a.getFloats(i);
        return v;
    }

    List<String> strings(String name) {
        AttributeProto a = get(name, AttributeType.STRINGS);
        return a == null ? null : a.getStringsList().stream().map(com.google.protobuf.ByteString::toStringUtf8).toList();
    }

    TensorProto tensor(String name) {
        AttributeProto a = get(name, AttributeType.TENSOR);
        return a == null ? null : a.getT();
    }

    /** The attributes present that no one read, or read with the wrong type. */
    List<String> unsupported() {
        List<String> out = new ArrayList<>(wrongType);
        for (String k : all.keySet()) if (!read.contains(k)) out.add("attribute '" + k + "' is not supported");
        return out;
    }
}
