package io.neurite.onnx;

import io.neurite.device.Window2d;
import io.neurite.onnx.Values.Refused;
import java.util.Arrays;

/**
 * ONNX's windows (kernel_shape, strides, pads, auto_pad, ceil_mode, dilations) as Keras' padding:
 * the import takes the one of valid, same and full that gives the same first padding and output
 * size, which is the same computation (end padding beyond the last window is never read).
 */
final class Windows {
    private Windows() {
    }

    /** The Keras padding for this node's window over a [C, H, W] input, or Refused naming pads and input. */
    static String padding(Step s, int[] in, long kh, long kw, boolean pooling) {
        long[] strides = s.attrs.ints("strides", new long[] {1, 1});
        long[] dil = s.attrs.ints("dilations", new long[] {1, 1});
        s.require(strides.length == 2 && dil.length == 2, "strides and dilations must have 2 entries (2-d only)");
        s.require(dil[0] == 1 && dil[1] == 1, "dilations " + Arrays.toString(dil) + " are not supported (only 1)");
        String auto = s.attrs.s("auto_pad", "NOTSET");
        long[] pads = s.attrs.ints("pads", new long[] {0, 0, 0, 0});
        s.require(pads.length == 4, "pads " + Arrays.toString(pads) + " must have 4 entries (2-d only)");
        boolean ceil = pooling && s.attrs.i("ceil_mode", 0) == 1;
        int sh = size(strides[0], "stride"), sw = size(strides[1], "stride"), h = in[1], w = in[2];
        int khi = size(kh, "kernel"), kwi = size(kw, "kernel");
        long outH, outW;
        long top = pads[0], left = pads[1];
        switch (auto) {
            case "NOTSET" -> {
                outH = out(h, pads[0] + pads[2], khi, sh, ceil, pads[0]);
                outW = out(w, pads[1] + pads[3], kwi, sw, ceil, pads[1]);
            }
            case "VALID" -> {
                outH = out(h, 0, khi, sh, false, 0);
                outW = out(w, 0, kwi, sw, false, 0);
                top = left = 0;
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                outH = (h + sh - 1) / sh;
                outW = (w + sw - 1) / sw;
                long th = Math.max(0, (outH - 1) * sh + khi - h), tw = Math.max(0, (outW - 1) * sw + kwi - w);
                top = auto.equals("SAME_UPPER") ? th / 2 : th - th / 2;
                left = auto.equals("SAME_UPPER") ? tw / 2 : tw - tw / 2;
            }
            default -> throw new Refused("auto_pad '" + auto + "' is not an ONNX value");
        }
        for (String p : new String[] {"valid", "same", "full"}) {
            Window2d k;
            try {
                k = Window2d.keras(p, h, w, khi, kwi, sh, sw);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (k.padTop() == top && k.padLeft() == left && k.outH() == outH && k.outW() == outW) return p;
        }
        throw new Refused("pads " + Arrays.toString(pads) + (auto.equals("NOTSET") ? "" : " (auto_pad " + auto + ")") + " with kernel "
                + kh + "x" + kw + " and strides " + sh + "x" + sw + " on input " + Arrays.toString(in)
                + " are none of Keras' valid, same or full paddings, which Neurite's layers have");
    }

    private static long out(long in, long pad, long k, long s, boolean ceil, long start) {
        long span = in + pad - k;
        if (span < 0) throw new Refused("a " + k + " window does not fit an input of " + in + " with padding " + pad);
        long o = (ceil ? Math.ceilDiv(span, s) : span / s) + 1;
        // As PyTorch and ONNX Runtime: in ceil mode the last window must start inside the input or its first padding.
        if (ceil && (o - 1) * s >= in + start) o--;
        return o;
    }

    static int size(long v, String what) {
        if (v < 1 || v > 1 << 24) throw new Refused(what + " " + v + " is outside 1 to " + (1 << 24));
        return (int) v;
    }

    /** The output shape of a window over [C, H, W] with this Keras padding. */
    static int[] shape(int channels, int[] in, String padding, int kh, int kw, int sh, int sw) {
        Window2d w = Window2d.keras(padding, in[1], in[2], kh, kw, sh, sw);
        return new int[] {channels, w.outH(), w.outW()};
    }
}
