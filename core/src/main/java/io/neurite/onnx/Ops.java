package io.neurite.onnx;

import io.neurite.onnx.Values.Const;
import io.neurite.onnx.Values.Rnn;
import java.util.Map;
import java.util.TreeMap;

/** The ONNX op types the import converts, each to its converter. */
final class Ops {
    private static final Map<String, Converter> TABLE = new TreeMap<>();

    static {
        TABLE.put("Conv", LayerOps::conv);
        TABLE.put("MaxPool", LayerOps::pool);
        TABLE.put("AveragePool", LayerOps::pool);
        TABLE.put("GlobalAveragePool", LayerOps::globalAveragePool);
        TABLE.put("Gemm", LayerOps::gemm);
        TABLE.put("MatMul", LayerOps::matMul);
        for (String a : LayerOps.ACTIVATIONS) TABLE.put(a, LayerOps::activationLayer);
        TABLE.put("PRelu", BlockOps::prelu);
        TABLE.put("BatchNormalization", BlockOps::batchNormalization);
        TABLE.put("Dropout", BlockOps::dropout);
        TABLE.put("Gather", s -> {
            if (s.in(0) instanceof Rnn) RnnOps.gather(s);
            else if (s.in(1) instanceof Const) ShapeOps.gather(s);
            else BlockOps.embedding(s);
        });
        TABLE.put("Add", s -> {
            if (BlockOps.allConstant(s)) ShapeOps.arithmetic(s);
            else BlockOps.add(s);
        });
        for (String a : new String[] {"Sub", "Mul", "Div"}) TABLE.put(a, ShapeOps::arithmetic);
        TABLE.put("Concat", s -> {
            if (BlockOps.allConstant(s)) ShapeOps.concat(s);
            else BlockOps.concat(s);
        });
        TABLE.put("Constant", ShapeOps::constant);
        TABLE.put("Identity", ShapeOps::identity);
        TABLE.put("Pad", ShapeOps::pad);
        TABLE.put("Cast", ShapeOps::cast);
        TABLE.put("Shape", ShapeOps::shape);
        TABLE.put("ConstantOfShape", ShapeOps::constantOfShape);
        TABLE.put("Reshape", ShapeOps::reshape);
        TABLE.put("Flatten", ShapeOps::flatten);
        TABLE.put("Squeeze", s -> {
            if (s.in(0) instanceof Rnn) RnnOps.squeeze(s);
            else ShapeOps.squeeze(s);
        });
        TABLE.put("Unsqueeze", ShapeOps::unsqueeze);
        TABLE.put("Transpose", s -> {
            if (s.in(0) instanceof Rnn) RnnOps.transpose(s);
            else ShapeOps.transpose(s);
        });
        for (String a : new String[] {"LSTM", "GRU", "RNN"}) TABLE.put(a, RnnOps::recurrent);
    }

    private Ops() {
    }

    static Converter find(String op) {
        return TABLE.get(op);
    }

    /** The supported op types, sorted. */
    static java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(TABLE.keySet());
    }
}
