package io.neurite.cpu;

import io.neurite.device.Buffer;
import io.neurite.device.PreparedGemmB;

/** A prepared B on the CPU: op(B) in the vector engine's panels, or none (the source is used). */
final class CpuPreparedB extends PreparedGemmB {
    private volatile float[] panels;

    CpuPreparedB(boolean transB, int k, int n, Buffer source, float[] panels) {
        super(transB, k, n, source);
        this.panels = panels;
    }

    /** The packed panels ({@link CpuGemm#prepare}), null once closed or where there are none. */
    float[] panels() {
        return panels;
    }

    @Override
    protected void release() {
        panels = null;
    }
}
