package io.neurite.device;

/** Element types a {@link Buffer} can hold: float32 for data, int32 for labels and indices. */
public enum DType {
    FLOAT32(4),
    INT32(4);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }
}
