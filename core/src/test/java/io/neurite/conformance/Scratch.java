package io.neurite.conformance;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import java.util.ArrayList;
import java.util.List;

/**
 * The buffers of one case run, closed together so a case cannot leak.
 *
 * <pre>{@code
 * try (Scratch s = new Scratch(device)) {
 *     Buffer x = s.upload(xs), y = s.floats(xs.length);
 *     device.ops().activation(Op.RELU, 0, xs.length, x, y);
 *     return new float[][] {s.read(y)};
 * }
 * }</pre>
 */
public final class Scratch implements AutoCloseable {
    private final Device device;
    private final List<Buffer> buffers = new ArrayList<>();

    public Scratch(Device device) {
        this.device = device;
    }

    public Buffer upload(float[] data) {
        return keep(device.upload(data));
    }

    public Buffer upload(int[] data) {
        return keep(device.upload(data));
    }

    /** A zeroed float32 buffer. */
    public Buffer floats(long n) {
        return keep(device.allocate(DType.FLOAT32, n));
    }

    /** A zeroed int32 buffer. */
    public Buffer ints(long n) {
        return keep(device.allocate(DType.INT32, n));
    }

    /** Synchronises and copies a buffer (float32 or int32) to the host as floats. */
    public float[] read(Buffer b) {
        device.synchronize();
        return b.dtype() == DType.FLOAT32 ? b.toFloatArray() : Inputs.toFloat(b.toIntArray());
    }

    private Buffer keep(Buffer b) {
        buffers.add(b);
        return b;
    }

    @Override
    public void close() {
        buffers.forEach(Buffer::close);
    }
}
