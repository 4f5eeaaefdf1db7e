package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.onnx.OnnxExport;
import io.neurite.onnx.OnnxImport;
import io.neurite.optim.Adam;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import io.neurite.onnx.OnnxException;
import java.nio.file.Files;
import java.nio.file.Path;
import onnx.Onnx.ModelProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX import: Neurite to ONNX to Neurite is exact for every model OnnxExportTest exports (the
 * same layers, names, summary and weights bit for bit, and bit-equal outputs at two batch
 * sizes), and an imported model trains.
 */
class OnnxImportTest {
    @TempDir
    Path dir;

    @Test
    void roundTripIsExact() throws Exception {
        try (Device d = Devices.get("cpu:0")) {
            for (String name : OnnxExportTest.MODELS) {
                try (Model m = OnnxExportTest.model(name).build(d, 21)) {
                    OnnxExportTest.warm(m, d);
                    Path f = dir.resolve(name + ".onnx");
                    OnnxExport.write(m, f);
                    try (Model back = OnnxImport.read(f, d)) {
                        assertEquals(m.summary(), back.summary(), name + ": summaries differ");
                        List<Parameter> a = m.parameters(), b = back.parameters();
                        assertEquals(a.size(), b.size(), name);
                        for (int i = 0; i < a.size(); i++) {
                            assertEquals(a.get(i).name(), b.get(i).name(), name);
                            assertArrayEquals(a.get(i).value().shape(), b.get(i).value().shape(), a.get(i).name());
                            assertArrayEquals(a.get(i).value().toFloatArray(), b.get(i).value().toFloatArray(), a.get(i).name());
                            assertEquals(a.get(i).trainable(), b.get(i).trainable(), a.get(i).name());
                        }
                        for (int n : new int[] {3, 1}) {
                            float[] x = OnnxExportTest.input(m, n, 7 + n);
                            assertArrayEquals(TorchStateDictTest.predict(m, d, x, n), TorchStateDictTest.predict(back, d, x, n), name + ": outputs differ");
                        }
                    }
                    System.out.printf("onnx import %-9s exact%n", name);
                }
            }
        }
    }

    /** The import builds on any device: every device here runs the imported LeNet-5 and GRU model as cpu:0 does, to 1e-5. */
    @Test
    void importsOnEveryDevice() throws Exception {
        List<String> ids = Devices.list().stream().map(io.neurite.device.DeviceInfo::id).toList();
        try (Device cpu = Devices.get("cpu:0")) {
            for (String name : List.of("lenet", "gru")) {
                Path f = dir.resolve(name + "-any.onnx");
                float[] x, want;
                try (Model m = OnnxExportTest.model(name).build(cpu, 8)) {
                    OnnxExport.write(m, f);
                    x = OnnxExportTest.input(m, 4, 2);
                    want = TorchStateDictTest.predict(m, cpu, x, 4);
                }
                for (String id : ids) {
                    try (Device d = Devices.get(id); Model back = OnnxImport.read(f, d)) {
                        double diff = TorchStateDictTest.maxAbs(want, TorchStateDictTest.predict(back, d, x, 4));
                        System.out.printf("onnx import %-6s on %-9s max |cpu:0 - device| %.3g%n", name, id, diff);
                        assertTrue(diff <= OnnxExportTest.TOLERANCE, name + " on " + id + ": " + diff);
                    }
                }
            }
        }
    }

    /** Every initialiser moved to weights/lenet.bin beside the model, as onnx.save_model(..., save_as_external_data=True) does. */
    @Test
    void externalDataIsReadRelativeToTheModel() throws Exception {
        try (Device d = Devices.get("cpu:0"); Model m = OnnxExportTest.model("lenet").build(d, 4)) {
            ModelProto p = OnnxExport.toModelProto(m);
            Files.createDirectories(dir.resolve("weights"));
            ModelProto.Builder b = p.toBuilder();
            java.io.ByteArrayOutputStream bin = new java.io.ByteArrayOutputStream();
            for (TensorProto.Builder t : b.getGraphBuilder().getInitializerBuilderList()) {
                byte[] raw = t.getRawData().toByteArray();
                t.clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(entry("location", "weights/lenet.bin")).addExternalData(entry("offset", Long.toString(bin.size())))
                        .addExternalData(entry("length", Long.toString(raw.length)));
                bin.write(raw);
            }
            Files.write(dir.resolve("weights/lenet.bin"), bin.toByteArray());
            Path f = dir.resolve("lenet.onnx");
            Files.write(f, b.build().toByteArray());
            assertTrue(Files.size(f) < 10_000, "the weights are outside the model file");
            try (Model back = OnnxImport.read(f, d)) {
                float[] x = OnnxExportTest.input(m, 2, 9);
                assertArrayEquals(TorchStateDictTest.predict(m, d, x, 2), TorchStateDictTest.predict(back, d, x, 2));
            }
            // Refused files allocate nothing on the device.
            Files.write(dir.resolve("weights/lenet.bin"), java.util.Arrays.copyOf(bin.toByteArray(), 100));
            long live = d.liveBuffers();
            OnnxException e = assertThrows(OnnxException.class, () -> OnnxImport.read(f, d));
            assertTrue(e.getMessage().contains("too few for"), e.getMessage());
            assertEquals(live, d.liveBuffers());
        }
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    @Test
    void anImportedModelTrains() throws Exception {
        try (Device d = Devices.get("cpu:0"); Model m = OnnxExportTest.model("lenet").build(d, 3)) {
            Path f = dir.resolve("lenet.onnx");
            OnnxExport.write(m, f);
            try (Model back = OnnxImport.read(f, d); Scope s = Scope.open()) {
                float[] x = OnnxExportTest.input(back, 16, 5);
                int[] y = new int[16];
                for (int i = 0; i < y.length; i++) y[i] = i % 10;
                Trainer t = new Trainer(back, new Adam(1e-3f), Loss.sparseCategoricalCrossentropy().fromLogits());
                Tensor xs = Tensor.of(d, x, 16, 1, 28, 28), ys = Tensor.of(d, y, 16);
                float first = t.trainOnBatch(xs, ys), last = first;
                for (int i = 0; i < 30; i++) last = t.trainOnBatch(xs, ys);
                assertTrue(last < first * 0.5, "loss " + first + " -> " + last);
            }
        }
    }
}
