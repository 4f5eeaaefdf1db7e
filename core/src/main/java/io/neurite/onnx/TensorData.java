package io.neurite.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorProto.DataType;

/**
 * An initialiser or a Constant's tensor: checked when made (data type, dimensions, element count,
 * that the data present or in its external file is exactly what the dimensions declare), decoded
 * only when asked. So a file declaring a tensor of 1 TB is refused from its dimensions alone.
 */
final class TensorData {
    /** The most elements a tensor may have: what a Java array holds. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    final String name;
    final int dataType;
    final long[] dims;
    private final TensorProto proto;
    private final long count;
    private Path external;
    private long offset;
    /** Why it cannot be used, or null. */
    final String problem;

    TensorData(TensorProto t, Path folder) {
        name = t.getName();
        proto = t;
        dataType = t.getDataType();
        dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long n = 1;
        String bad = null;
        for (long d : dims) {
            if (d < 0) bad = "dimension " + d + " below 0 in " + Arrays.toString(dims);
            else if (d != 0 && n > MAX_ELEMENTS / d) bad = "dimensions " + Arrays.toString(dims) + " exceed " + MAX_ELEMENTS + " elements";
            if (bad != null) break;
            n *= d;
        }
        count = n;
        if (bad == null) bad = width() == 0 ? "data type " + typeName(dataType) + " is not supported (float, double, int64, int32, int8, uint8, bool are)" : null;
        if (bad == null && t.hasSegment()) bad = "segmented tensors are not supported";
        if (bad == null) bad = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL ? external(folder) : inline();
        problem = bad == null ? null : "tensor '" + name + "': " + bad;
    }

    static String typeName(int t) {
        DataType d = DataType.forNumber(t);
        return d == null ? Integer.toString(t) : d.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Bytes per element in raw data, 0 for an unsupported type. */
    private int width() {
        return switch (dataType) {
            case TensorProto.DataType.FLOAT_VALUE, TensorProto.DataType.INT32_VALUE -> 4;
            case TensorProto.DataType.DOUBLE_VALUE, TensorProto.DataType.INT64_VALUE -> 8;
            case TensorProto.DataType.INT8_VALUE, TensorProto.DataType.UINT8_VALUE, TensorProto.DataType.BOOL_VALUE -> 1;
            default -> 0;
        };
    }

    private long typedCount() {
        return switch (dataType) {
            case TensorProto.DataType.FLOAT_VALUE -> proto.getFloatDataCount();
            case TensorProto.DataType.DOUBLE_VALUE -> proto.getDoubleDataCount();
            case TensorProto.DataType.INT64_VALUE -> proto.getInt64DataCount();
            default -> proto.getInt32DataCount();
        };
    }

    private String inline() {
        long have = proto.hasRawData() ? proto.getRawData().size() : typedCount();
        long want = proto.hasRawData() ? count * width() : count;
        return have == want ? null : "holds " + have + (proto.hasRawData() ? " bytes" : " values") + " where dimensions "
                + Arrays.toString(dims) + " need " + want;
    }

    /** Finds the external file: a relative path inside the model's folder, a regular file long enough. */
    private String external(Path folder) {
        String location = null;
        long length = -1;
        for (StringStringEntryProto e : proto.getExternalDataList()) {
            try {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = Long.parseLong(e.getValue());
                    case "length" -> length = Long.parseLong(e.getValue());
                    case "checksum" -> { } // SHA-1 of the data; sizes are checked instead
                    default -> { return "unknown external_data key '" + e.getKey() + "'"; }
                }
            } catch (NumberFormatException x) {
                return "external_data " + e.getKey() + " '" + e.getValue() + "' is not a number";
            }
        }
        if (location == null || location.isEmpty()) return "external data without a location";
        if (folder == null) return "external data '" + location + "' needs the model's file (it was read from memory)";
        Path p;
        try {
            Path rel = Path.of(location);
            if (rel.isAbsolute()) return "external data location '" + location + "' is absolute; it must be relative to the model's folder";
            p = folder.resolve(rel).normalize();
            if (!p.startsWith(folder.normalize())) return "external data location '" + location + "' is outside the model's folder";
            if (!Files.isRegularFile(p)) return "external data file " + p + " does not exist or is not a regular file";
            if (!p.toRealPath().startsWith(folder.toRealPath())) return "external data file " + p + " links outside the model's folder";
        } catch (IOException | java.nio.file.InvalidPathException x) {
            return "external data location '" + location + "': " + x.getMessage();
        }
        long want = count * width();
        if (length >= 0 && length != want) return "external length " + length + " where dimensions " + Arrays.toString(dims) + " need " + want + " bytes";
        try {
            long size = Files.size(p);
            if (offset < 0 || offset > size || size - offset < want) {
                return "external data " + p + " has " + size + " bytes, too few for " + want + " at offset " + offset;
            }
        } catch (IOException x) {
            return "external data " + p + ": " + x.getMessage();
        }
        external = p;
        return null;
    }

    long count() {
        return count;
    }

    boolean isFloat() {
        return dataType == TensorProto.DataType.FLOAT_VALUE || dataType == TensorProto.DataType.DOUBLE_VALUE;
    }

    /** Little-endian raw bytes: inline raw_data or the external file's slice. */
    private ByteBuffer raw() throws IOException {
        if (external == null) return proto.getRawData().asReadOnlyByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(count * width()));
        try (FileChannel c = FileChannel.open(external, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (b.hasRemaining()) if (c.read(b, offset + b.position()) < 0) throw new IOException(external + ": ended early (changed while read?)");
        }
        return b.flip().order(ByteOrder.LITTLE_ENDIAN);
    }

    private boolean isRaw() {
        return external != null || proto.hasRawData();
    }

    /** The values as floats (every supported type converts). */
    float[] floats() throws IOException {
        int n = (int) count;
        float[] v = new float[n];
        if (!isRaw()) {
            for (int i = 0; i < n; i++) {
                v[i] = switch (dataType) {
                    case TensorProto.DataType.FLOAT_VALUE -> proto.getFloatData(i);
                    case TensorProto.DataType.DOUBLE_VALUE -> (float) proto.getDoubleData(i);
                    case TensorProto.DataType.INT64_VALUE -> proto.getInt64Data(i);
                    default -> proto.getInt32Data(i);
                };
            }
            return v;
        }
        ByteBuffer b = raw();
        if (dataType == TensorProto.DataType.FLOAT_VALUE) {
            b.asFloatBuffer().get(v);
            return v;
        }
        for (int i = 0; i < n; i++) v[i] = (float) rawAt(b, i);
        return v;
    }

    /** The values as longs (floats truncated: for shapes and axes only). */
    long[] longs() throws IOException {
        int n = (int) count;
        long[] v = new long[n];
        if (!isRaw()) {
            for (int i = 0; i < n; i++) {
                v[i] = switch (dataType) {
                    case TensorProto.DataType.FLOAT_VALUE -> (long) proto.getFloatData(i);
                    case TensorProto.DataType.DOUBLE_VALUE -> (long) proto.getDoubleData(i);
                    case TensorProto.DataType.INT64_VALUE -> proto.getInt64Data(i);
                    default -> proto.getInt32Data(i);
                };
            }
            return v;
        }
        ByteBuffer b = raw();
        for (int i = 0; i < n; i++) v[i] = (long) rawAt(b, i);
        return v;
    }

    private double rawAt(ByteBuffer b, int i) {
        return switch (dataType) {
            case TensorProto.DataType.FLOAT_VALUE -> b.getFloat(4 * i);
            case TensorProto.DataType.DOUBLE_VALUE -> b.getDouble(8 * i);
            case TensorProto.DataType.INT64_VALUE -> b.getLong(8 * i);
            case TensorProto.DataType.INT32_VALUE -> b.getInt(4 * i);
            case TensorProto.DataType.UINT8_VALUE -> b.get(i) & 0xff;
            default -> b.get(i);
        };
    }
}
