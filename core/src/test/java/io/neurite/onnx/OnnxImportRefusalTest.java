package io.neurite.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the ONNX import refuses, and how: every offending node in one one-line message, before any
 * device is touched (these tests pass no device at all: the refusal comes first), sizes checked
 * from the dimensions, external data kept inside the model's folder, corrupt files named.
 */
class OnnxImportRefusalTest {
    @TempDir
    Path dir;

    /** A graph from input x [N, 3, 8, 8] written by the test. */
    static GraphWriter graph() {
        GraphWriter g = new GraphWriter("test");
        g.graph.addInput(GraphWriter.value("x", new int[] {3, 8, 8}));
        return g;
    }

    Path write(GraphWriter g, String out, int opset) throws Exception {
        g.graph.addOutput(GraphWriter.value(out, new int[] {1}));
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setGraph(g.graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).build();
        Path f = dir.resolve("m.onnx");
        Files.write(f, m.toByteArray());
        return f;
    }

    static void oneLine(OnnxException e, Path f) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
    }

    @Test
    void everyUnsupportedNodeIsListedInOneMessage() throws Exception {
        GraphWriter g = graph();
        g.node("Conv", "grouped", List.of("x", g.floats("w", new int[] {4, 1, 3, 3}, new float[36])), List.of("c"), "group", 3L);
        g.node("LogSoftmax", "logsm", "x", "l", "axis", 1L);
        g.graph.addNode(onnx.Onnx.NodeProto.newBuilder().setOpType("Bar").setDomain("com.example").setName("custom").addInput("x").addOutput("b"));
        g.node("MaxPool", "dilated", "x", "p", "kernel_shape", new long[] {2, 2}, "dilations", new long[] {2, 2});
        g.node("Relu", "odd", "x", "r", "flavour", 1L);
        g.node("Flatten", "f", "x", "flat");
        g.node("Gemm", "scaled", List.of("flat", g.floats("k", new int[] {192, 2}, new float[384])), List.of("y"), "alpha", 2f);
        g.node("Relu", "after", "c", "after");
        Path f = write(g, "y", 17);
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImport.read(f, null));
        oneLine(e, f);
        List<String> got = e.problems().stream().map(Problem::toString).toList();
        assertEquals(6, got.size(), got.toString());
        assertTrue(got.get(0).startsWith("node 'grouped' (Conv): weight W [4, 1, 3, 3] does not fit input [N, 3, 8, 8]"), got.get(0));
        assertTrue(got.get(1).matches("node 'logsm' \\(LogSoftmax\\): log_softmax over axis 1 of .* is not supported \\(only the last axis\\)"),
                got.get(1));
        assertEquals("node 'custom' (Bar): domain 'com.example' is not supported (only ONNX's own operators)", got.get(2));
        assertEquals("node 'dilated' (MaxPool): dilations [2, 2] are not supported (only 1)", got.get(3));
        assertEquals("node 'odd' (Relu): attribute 'flavour' is not supported", got.get(4));
        assertEquals("node 'scaled' (Gemm): alpha and beta other than 1 are not supported", got.get(5));
        assertEquals(e.problems(), OnnxImport.problems(f));
    }

    @Test
    void opsetsAboveSeventeenAreRefused() throws Exception {
        for (int opset : new int[] {18, 0}) {
            GraphWriter g = graph();
            g.node("Flatten", "f", "x", "y");
            Path f = write(g, "y", opset);
            OnnxException e = assertThrows(OnnxException.class, () -> OnnxImport.read(f, null));
            oneLine(e, f);
            assertTrue(e.getMessage().contains("opset " + opset + " is not supported (1 to 17)"), e.getMessage());
        }
    }

    @Test
    void unsupportedDataTypesAndHugeTensorsAreRefusedFromTheirDimensions() throws Exception {
        GraphWriter g = graph();
        g.graph.addInitializer(TensorProto.newBuilder().setName("half").setDataType(TensorProto.DataType.FLOAT16_VALUE).addDims(2)
                .setRawData(ByteString.copyFrom(new byte[4])));
        // 2^40 floats (4 TB) with no data, and 2^30 (4 GiB) claimed by 16 bytes.
        g.graph.addInitializer(TensorProto.newBuilder().setName("tera").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(1 << 20).addDims(1 << 20));
        g.graph.addInitializer(TensorProto.newBuilder().setName("giga").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(1 << 30)
                .setRawData(ByteString.copyFrom(new byte[16])));
        g.node("Flatten", "f", "x", "y");
        Path f = write(g, "y", 17);
        List<String> got = OnnxImport.problems(f).stream().map(Problem::toString).toList();
        assertEquals(List.of("tensor 'half': data type float16 is not supported (float, double, int64, int32, int8, uint8, bool are)",
                "tensor 'tera': dimensions [1048576, 1048576] exceed 2147483639 elements",
                "tensor 'giga': holds 16 bytes where dimensions [1073741824] need 4294967296"), got);
    }

    private TensorProto external(String location, long length) {
        TensorProto.Builder t = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
        if (length >= 0) t.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)));
        return t.build();
    }

    private String externalProblem(String location, long length) throws Exception {
        GraphWriter g = graph();
        g.graph.addInitializer(external(location, length));
        g.node("Flatten", "f", "x", "y");
        Path f = write(g, "y", 17);
        List<Problem> p = OnnxImport.problems(f);
        assertEquals(1, p.size(), p.toString());
        return p.getFirst().toString();
    }

    @Test
    void externalDataStaysInsideTheModelsFolderAndMatchesItsDimensions() throws Exception {
        Path outside = Files.createTempFile("outside", ".bin");
        try {
            Files.write(outside, new byte[8]);
            assertEquals("tensor 'w': external data location '" + outside + "' is absolute; it must be relative to the model's folder",
                    externalProblem(outside.toString(), -1));
            assertEquals("tensor 'w': external data location '../" + outside.getFileName() + "' is outside the model's folder",
                    externalProblem("../" + outside.getFileName(), -1));
            Files.createSymbolicLink(dir.resolve("link.bin"), outside);
            assertEquals("tensor 'w': external data file " + dir.resolve("link.bin") + " links outside the model's folder", externalProblem("link.bin", -1));
        } finally {
            Files.delete(outside);
        }
        assertEquals("tensor 'w': external data file " + dir.resolve("none.bin") + " does not exist or is not a regular file", externalProblem("none.bin", -1));
        Files.write(dir.resolve("short.bin"), new byte[5]);
        assertEquals("tensor 'w': external data " + dir.resolve("short.bin") + " has 5 bytes, too few for 8 at offset 0", externalProblem("short.bin", -1));
        assertEquals("tensor 'w': external length 1099511627776 where dimensions [2] need 8 bytes", externalProblem("short.bin", 1L << 40));
    }

    @Test
    void truncatedOrCorruptFilesGiveOneLineNamingTheFile() throws Exception {
        GraphWriter g = graph();
        g.node("Flatten", "f", List.of("x"), List.of("y"));
        g.floats("w", new int[] {64}, new float[64]);
        byte[] good = Files.readAllBytes(write(g, "y", 17));
        Path cut = dir.resolve("cut.onnx"), junk = dir.resolve("junk.onnx"), empty = dir.resolve("empty.onnx");
        Files.write(cut, Arrays.copyOf(good, good.length - 40));
        byte[] noise = new byte[300];
        new java.util.Random(3).nextBytes(noise);
        Files.write(junk, noise);
        Files.write(empty, new byte[0]);
        for (Path f : List.of(cut, junk, empty)) {
            OnnxException e = assertThrows(OnnxException.class, () -> OnnxImport.read(f, null));
            oneLine(e, f);
            assertTrue(e.getMessage().contains("not an ONNX model"), e.getMessage());
            assertTrue(e.problems().isEmpty());
        }
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxImport.read(dir.resolve("absent.onnx"), null));
        assertEquals(dir.resolve("absent.onnx") + ": no such file", e.getMessage());
    }
}
