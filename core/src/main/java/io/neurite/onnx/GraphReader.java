package io.neurite.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.neurite.nn.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * Reads an ONNX file into an unbuilt model: the protobuf (bounded by its 2 GiB limit, a corrupt
 * or truncated one refused naming the file), the opset (1 to {@value #MAX_OPSET}), every
 * initialiser checked without decoding it, the one input, then the graph's conversion.
 */
final class GraphReader {
    // Opsets before 7 are read too: where an op's form differs its attributes differ, and an attribute the import does not know is refused.
    static final int MIN_OPSET = 1, MAX_OPSET = 17;

    /** An unbuilt model and what loads its weights once it is built. */
    record Read(Model model, GraphImport graph) {
    }

    private GraphReader() {
    }

    static ModelProto parse(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new OnnxException(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
        long size = Files.size(file);
        if (size >= Integer.MAX_VALUE) {
            throw new OnnxException(file + ": " + size + " bytes is beyond protobuf's 2 GiB limit (large models keep their weights as external data)");
        }
        return parse(Files.readAllBytes(file), file.toString());
    }

    static ModelProto parse(byte[] bytes, String name) throws OnnxException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(Integer.MAX_VALUE);
            ModelProto m = ModelProto.parseFrom(in);
            if (!m.hasGraph()) throw new OnnxException(name + ": not an ONNX model (no graph in " + bytes.length + " bytes)");
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxException(name + ": not an ONNX model (truncated or corrupt protobuf: " + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new OnnxException(name + ": not an ONNX model (" + e.getMessage() + ")", e);
        }
    }

    /** The model's graph as an unbuilt Neurite model; folder holds its external data (null: none allowed). */
    static Read read(ModelProto m, String name, Path folder) throws OnnxException {
        List<Problem> problems = new ArrayList<>();
        int opset = -1;
        for (OperatorSetIdProto o : m.getOpsetImportList()) if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) opset = (int) o.getVersion();
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            problems.add(new Problem(null, null, opset < 0 ? "no opset of ONNX's own operators is imported"
                    : "opset " + opset + " is not supported (" + MIN_OPSET + " to " + MAX_OPSET + ")"));
        }
        GraphProto g = m.getGraph();
        Map<String, TensorData> inits = new LinkedHashMap<>();
        List<String> broken = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            TensorData d = new TensorData(t, folder);
            if (d.problem != null) problems.add(new Problem(null, null, d.problem));
            if (d.problem != null) broken.add(t.getName());
            else inits.put(t.getName(), d);
        }
        if (g.getSparseInitializerCount() > 0) problems.add(new Problem(null, null, "sparse initialisers are not supported"));
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) if (!inits.containsKey(v.getName()) && !broken.contains(v.getName())) inputs.add(v);
        int[] shape = null;
        long batch = -1;
        if (inputs.size() != 1) {
            problems.add(new Problem(null, null, "the graph has " + inputs.size() + " inputs besides its initialisers " + inputs.stream()
                    .map(ValueInfoProto::getName).toList() + "; a Neurite model has one"));
        } else {
            String bad = null;
            TypeProto t = inputs.getFirst().getType();
            int elem = t.getTensorType().getElemType();
            if (!t.hasTensorType() || !t.getTensorType().hasShape()) bad = "has no tensor shape";
            else if (elem != TensorProto.DataType.FLOAT_VALUE && elem != TensorProto.DataType.INT64_VALUE && elem != TensorProto.DataType.INT32_VALUE) {
                bad = "is " + TensorData.typeName(elem) + " (float, int64 and int32 inputs are supported)";
            } else {
                List<TensorShapeProto.Dimension> dims = t.getTensorType().getShape().getDimList();
                if (dims.size() < 2) bad = "has rank " + dims.size() + "; Neurite's input is [batch, ...] with at least one axis per sample";
                shape = new int[Math.max(0, dims.size() - 1)];
                if (!dims.isEmpty() && dims.getFirst().hasDimValue()) batch = dims.getFirst().getDimValue();
                for (int i = 1; i < dims.size() && bad == null; i++) {
                    long d = dims.get(i).hasDimValue() ? dims.get(i).getDimValue() : -1;
                    if (d < 1 || d > 1 << 24) bad = "has axis " + i + " of size " + (d < 0 ? "'" + dims.get(i).getDimParam() + "'" : d)
                            + "; every axis but the batch must have a fixed size from 1 to " + (1 << 24);
                    else shape[i - 1] = (int) d;
                }
            }
            if (bad != null) {
                problems.add(new Problem(null, null, "input '" + inputs.getFirst().getName() + "' " + bad));
                shape = null;
            }
        }
        GraphImport gi = new GraphImport(name, g, inits, opset);
        gi.staticBatch = batch;
        for (String b : broken) gi.define(b, new Values.Broken());
        if (!problems.isEmpty() && shape == null) throw new OnnxException(name, problems);
        gi.problems.addAll(problems);
        try {
            return new Read(gi.convert(inputs.getFirst().getName(), shape), gi);
        } catch (OnnxException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            gi.problems.add(new Problem(null, null, "input '" + inputs.getFirst().getName() + "': " + e.getMessage()));
            throw new OnnxException(name, gi.problems);
        }
    }
}
