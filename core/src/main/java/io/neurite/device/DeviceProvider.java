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

    /**
     * How strongly {@link Devices#best()} prefers one of this provider's devices: the highest
     * priority wins, ties go by backend name, then by the provider's own order. The scale:
     * <ul>
     *   <li>300: a CUDA GPU;</li>
     *   <li>200: an OpenCL GPU, and by default any provider's GPU;</li>
     *   <li>100: the CPU backend (the reference, with Vector API kernels);</li>
     *   <li>50: OpenCL on a CPU or an accelerator (slower here than the CPU backend);</li>
     *   <li>25: by default, any provider's CPU or accelerator, below every built-in backend;</li>
     *   <li>0 or below: test and emulated backends, after every real device.</li>
     * </ul>
     * The property {@code neurite.device} (or {@code NEURITE_DEVICE}) overrides any priority.
     *
     * @param device one of the devices {@link #probe()} listed
     */
    default int priority(DeviceInfo device) {
        return device.kind() == DeviceInfo.Kind.GPU ? 200 : 25;
    }
}
