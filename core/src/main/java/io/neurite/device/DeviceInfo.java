package io.neurite.device;

/**
 * A device as a probe describes it, before it is opened.
 *
 * @param id          stable id such as {@code cpu:0}, {@code opencl:1}, {@code cuda:0}
 * @param kind        what kind of processor it is, used by {@link Devices#best()}
 * @param description name, memory, compute units and which kernels or libraries it uses
 */
public record DeviceInfo(String id, Kind kind, String description) {
    /** The processor behind a device. */
    public enum Kind { GPU, CPU, ACCELERATOR }

    /** The backend part of the id: {@code "opencl"} for {@code "opencl:1"}. */
    public String backend() {
        return id.substring(0, id.indexOf(':'));
    }

    /** The ordinal part of the id: {@code 1} for {@code "opencl:1"}. */
    public int ordinal() {
        return Integer.parseInt(id.substring(id.indexOf(':') + 1));
    }
}
