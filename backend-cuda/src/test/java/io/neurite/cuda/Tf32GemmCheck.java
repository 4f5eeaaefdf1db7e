package io.neurite.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.neurite.conformance.Inputs;
import io.neurite.conformance.Scratch;
import io.neurite.device.Buffer;
import io.neurite.device.Device;
import java.util.List;

/**
 * gemm_tf32 against the product of its inputs rounded as the tensor cores round them (cvt.rna:
 * to nearest, ties away from zero), computed in double. Products of two TF32 values are exact in
 * FP32, so only the FP32 accumulation order separates the two, and the kit's FP32 GEMM tolerance
 * applies: a fragment or tile indexing error misses by whole products. Each shape is also held
 * against the unrounded inputs' product, which the largest one must miss by more than that
 * tolerance somewhere: the inputs really were rounded to TF32, not multiplied in FP32. Run on
 * {@code cudaemu:3} (mma.sync emulated) and, where a GPU is lent, {@code cuda:0}.
 */
final class Tf32GemmCheck {
    /** transA, transB, batch, m, n, k, strides (0: packed) of A, B, C. */
    private static final List<int[]> SHAPES = List.of(
            new int[] {0, 0, 1, 300, 257, 513, 0, 0, 0}, new int[] {1, 0, 1, 129, 130, 17, 0, 0, 0},
            new int[] {0, 1, 1, 131, 129, 40, 0, 0, 0}, new int[] {1, 1, 1, 128, 128, 8, 0, 0, 0},
            new int[] {0, 0, 1, 1, 1, 1, 0, 0, 0}, new int[] {0, 0, 1, 7, 300, 3, 0, 0, 0},
            new int[] {0, 0, 3, 130, 129, 33, 0, 130 * 33 + 7, 0}, new int[] {1, 0, 2, 129, 200, 65, 0, 0, 0},
            new int[] {0, 0, 1, 129, 129, 0, 0, 0, 0});
    private static final float ALPHA = 1.5f, BETA = 0.5f;

    private Tf32GemmCheck() {
    }

    static void check(Device d) {
        boolean differs = false;
        long seed = 700;
        for (int[] s : SHAPES) {
            boolean ta = s[0] == 1, tb = s[1] == 1;
            int batch = s[2], m = s[3], n = s[4], k = s[5];
            int sa = s[6] > 0 ? s[6] : m * k, sb = s[7] > 0 ? s[7] : k * n, sc = s[8] > 0 ? s[8] : m * n;
            float[] a = Inputs.uniform(seed++, (batch - 1) * sa + m * k, -1, 1);
            float[] b = Inputs.uniform(seed++, (batch - 1) * sb + k * n, -1, 1);
            float[] c = Inputs.uniform(seed++, (batch - 1) * sc + m * n, -1, 1);
            float[] got;
            try (Scratch x = new Scratch(d)) {
                Buffer cb = x.upload(c);
                d.ops().gemmBatched(ta, tb, batch, m, n, k, ALPHA, x.upload(a), sa, x.upload(b), sb, BETA, cb, sc);
                got = x.read(cb);
            }
            String what = d.id() + " " + (ta ? "T" : "N") + (tb ? "T" : "N") + " batch " + batch + " " + m + "x" + n + "x" + k;
            double atol = k <= 256 ? 1e-4 : 1e-4 * k / 256;
            for (int q = 0; q < batch; q++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double rounded = BETA * c[q * sc + i * n + j], plain = rounded;
                        for (int p = 0; p < k; p++) {
                            float av = a[q * sa + (ta ? p * m + i : i * k + p)], bv = b[q * sb + (tb ? j * k + p : p * n + j)];
                            rounded += ALPHA * ((double) rna(av) * rna(bv));
                            plain += ALPHA * ((double) av * bv);
                        }
                        float v = got[q * sc + i * n + j];
                        if (!(Math.abs(v - rounded) <= atol + 1e-4 * Math.abs(rounded))) {
                            fail(what + ": C[" + q + "][" + i + "][" + j + "] = " + v + ", the TF32 product is " + rounded
                                    + " (FP32: " + plain + ")");
                        }
                        differs |= Math.abs(v - plain) > atol + 1e-4 * Math.abs(plain);
                    }
                }
            }
        }
        assertTrue(differs, d.id() + ": every output is the FP32 product within its tolerance: the inputs were not rounded to TF32");
    }

    /** x rounded to TF32 as cvt.rna.tf32.f32 does: to nearest, ties away from zero (finite x). */
    static float rna(float x) {
        return Float.intBitsToFloat((Float.floatToRawIntBits(x) + 0x1000) & 0xffffe000);
    }
}
