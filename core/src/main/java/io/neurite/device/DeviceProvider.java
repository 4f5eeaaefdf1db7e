package io.neurite.device;

/**
 * A backend, found with {@link java.util.ServiceLoader}. Each backend module registers one in
 * {@code META-INF/services/io.neurite.device.DeviceProvider}.
 *
 * <p>{@link #probe()} must never throw and must not load a native library from a static
 * initialiser: a machine without OpenCL or CUDA still lists every backend, with the reason it is
 * missing.
 */
public interface DeviceProvider {
    /** The backend name: {@code cpu}, {@code opencl} or {@code cuda}. */
    String name();

    /** Looks for devices; never throws. Implementations cache the verdict. */
    Availability probe();

    /**
     * Opens one of the devices {@link #probe()} listed.
     *
     * @throws DeviceException if the ordinal is not one of them or the device cannot be opened
     */
    Device open(int ordinal);
}
