package io.neurite.tensor;

import io.neurite.device.Broadcast;
import io.neurite.device.Kernels;
import io.neurite.device.Op;
import io.neurite.device.PreparedGemmB;
import java.util.Arrays;

/**
 * Recurrent layers over whole sequences, each one autograd node whose backward is
 * backpropagation through time on device buffers: LSTM, GRU and the simple RNN. Weights use
 * Keras' layout: kernel W [features, G], recurrent kernel U [units, G] and bias, G = 4 units
 * (gates i, f, g, o) for the LSTM, 3 units (z, r, n) for the GRU, units for the simple RNN.
 *
 * <p>Layout. Inside, every sequence is time-major, [steps, batch, width]: step t is one
 * contiguous block, so the per-step recurrent product {@code h_{t-1} U} is a plain GEMM on
 * whole buffers, and the hidden states of all steps form one [steps + 1, batch, units] buffer
 * whose first steps blocks are exactly the {@code h_{t-1}} of every step. That makes the costly
 * products one GEMM each over all batch x steps rows: the input projection {@code x W}, and in
 * the backward {@code dW = x^T dA}, {@code dU = H_prev^T dA} and {@code dx = dA W^T}. Only the
 * recurrence itself (one GEMM and one fused cell per step, {@link Kernels#lstmCellForward} and
 * {@link Kernels#gruCellForward}) walks the steps. The input [batch, steps, features] is
 * transposed once by a strided COPY (its cost is a small fraction of the projection's), and
 * so is a sequence output back to [batch, steps, units].
 *
 * <p>The forward keeps what the backward needs (the activated gates, the states of every step,
 * the transposed input); nothing is allocated per step.
 */
public final class RecurrentOps {
    private RecurrentOps() {
    }

    /**
     * An LSTM over x [batch, steps, features]: kernel [features, 4H], recurrent [H, 4H], bias
     * [4H]; h0 and c0 [batch, H] are the initial states, or null for zeros. Returns every h_t
     * [batch, steps, H] or only the last [batch, H].
     */
    public static Tensor lstm(Tensor x, Tensor kernel, Tensor recurrent, Tensor bias, Tensor h0, Tensor c0, boolean returnSequences) {
        Sequence s = new Sequence("LSTM", x, kernel, recurrent, 4, h0, returnSequences);
        s.check("bias", bias, s.g);
        s.check("initial cell state", c0, s.b, s.h);
        Kernels k = s.k;
        Tensor cs = Tensor.uninitialized(x.device(), s.t + 1, s.b, s.h);
        s.initialBlock(c0, cs);
        Tensor rec = Tensor.zeros(x.device(), s.b, s.g);
        try (PreparedGemmB u = s.prepared(recurrent)) {
            for (int t = 0; t < s.t; t++) {
                if (t > 0 || h0 != null) s.recurrentProduct(u, rec);
                k.lstmCellForward(s.b, s.h, t, s.gates.buffer(), rec.buffer(), bias.buffer(), cs.buffer(), s.hs.buffer(), s.hNext.buffer());
            }
        }
        rec.close();
        Tensor out = s.output();
        return s.record(out, "lstm", new Tensor[] {x, kernel, recurrent, bias, h0, c0}, g -> {
            Tensor dOut = s.outputGradient(g);
            Tensor dh = Tensor.zeros(x.device(), s.b, s.h), dc = Tensor.zeros(x.device(), s.b, s.h);
            // each step's cell writes its block of dz and all of dzNext
            Tensor dz = Tensor.uninitialized(x.device(), s.t, s.b, s.g), dzNext = Tensor.uninitialized(x.device(), s.b, s.g);
            try (Tensor ut = s.transposedRecurrent(); PreparedGemmB u = s.prepared(ut)) {
                for (int t = s.t - 1; t >= 0; t--) {
                    k.lstmCellBackward(s.b, s.h, t, s.gates.buffer(), cs.buffer(), dOut.buffer(), dh.buffer(), dc.buffer(),
                            dz.buffer(), dzNext.buffer());
                    if (t > 0 || needs(h0)) s.backThroughRecurrence(dzNext, u, 0, dh);
                }
            }
            Tensor db = needs(bias) ? s.biasGradient(dz) : null;
            Tensor[] dWdU = s.weightGradients(dz, dz);
            return new Tensor[] {s.inputGradient(dz), dWdU[0], dWdU[1], db, needs(h0) ? dh : null, needs(c0) ? dc : null};
        }, cs);
    }

    /**
     * A GRU (Keras' reset_after=True, PyTorch's form) over x [batch, steps, features]: kernel
     * [features, 3H], recurrent [H, 3H], bias [2, 3H] (input bias, then recurrent bias); h0
     * [batch, H] or null for zeros. Returns every h_t [batch, steps, H] or only the last [batch, H].
     */
    public static Tensor gru(Tensor x, Tensor kernel, Tensor recurrent, Tensor bias, Tensor h0, boolean returnSequences) {
        Sequence s = new Sequence("GRU", x, kernel, recurrent, 3, h0, returnSequences);
        s.check("bias", bias, 2, s.g);
        Kernels k = s.k;
        Tensor cand = Tensor.uninitialized(x.device(), s.t, s.b, s.h); // each step's cell writes its block
        Tensor rec = Tensor.zeros(x.device(), s.b, s.g);
        try (PreparedGemmB u = s.prepared(recurrent)) {
            for (int t = 0; t < s.t; t++) {
                if (t > 0 || h0 != null) s.recurrentProduct(u, rec);
                k.gruCellForward(s.b, s.h, t, s.gates.buffer(), rec.buffer(), bias.buffer(), cand.buffer(), s.hs.buffer(), s.hNext.buffer());
            }
        }
        rec.close();
        Tensor out = s.output();
        return s.record(out, "gru", new Tensor[] {x, kernel, recurrent, bias, h0}, g -> {
            Tensor dOut = s.outputGradient(g);
            Tensor dh = Tensor.zeros(x.device(), s.b, s.h);
            // each step's cell writes its blocks of dx and dRec and all of dRecNext
            Tensor dx = Tensor.uninitialized(x.device(), s.t, s.b, s.g), dRec = Tensor.uninitialized(x.device(), s.t, s.b, s.g);
            Tensor dRecNext = Tensor.uninitialized(x.device(), s.b, s.g);
            try (Tensor ut = s.transposedRecurrent(); PreparedGemmB u = s.prepared(ut)) {
                for (int t = s.t - 1; t >= 0; t--) {
                    k.gruCellBackward(s.b, s.h, t, s.gates.buffer(), cand.buffer(), s.hs.buffer(), dOut.buffer(), dh.buffer(),
                            dx.buffer(), dRec.buffer(), dRecNext.buffer());
                    if (t > 0 || needs(h0)) s.backThroughRecurrence(dRecNext, u, 1, dh);
                }
            }
            Tensor db = null;
            if (needs(bias)) {
                db = Tensor.zeros(x.device(), 2, s.g);
                for (Tensor part : new Tensor[] {dx, dRec}) {
                    Tensor sum = s.biasGradient(part);
                    k.copy(new int[] {s.g}, sum.buffer(), 0, new int[] {1}, db.buffer(), part == dx ? 0 : s.g, new int[] {1});
                }
            }
            Tensor[] dWdU = s.weightGradients(dx, dRec);
            return new Tensor[] {s.inputGradient(dx), dWdU[0], dWdU[1], db, needs(h0) ? dh : null};
        }, cand);
    }

    /**
     * A fully connected RNN, {@code h_t = f(x_t W + h_{t-1} U + b)}, over x [batch, steps,
     * features]: kernel [features, H], recurrent [H, H], bias [H]; h0 [batch, H] or null. The
     * activation is {@link Op#TANH}, {@link Op#SIGMOID}, {@link Op#RELU}, {@link Op#LEAKY_RELU}
     * (slope alpha, at least 0) or null for linear. Composed of existing ops (no fused cell):
     * per step a COPY, a GEMM accumulating into the step's projection and the activation.
     */
    public static Tensor simpleRnn(Tensor x, Tensor kernel, Tensor recurrent, Tensor bias, Tensor h0, Op activation, float alpha,
                                   boolean returnSequences) {
        if (activation != null && activation != Op.TANH && activation != Op.SIGMOID && activation != Op.RELU
                && activation != Op.LEAKY_RELU) {
            throw new IllegalArgumentException("SimpleRNN activation must be tanh, sigmoid, relu, leaky relu or linear, got " + activation);
        }
        if (activation == Op.LEAKY_RELU && !(alpha >= 0)) throw new IllegalArgumentException("leaky relu slope must be >= 0, got " + alpha);
        Sequence s = new Sequence("SimpleRNN", x, kernel, recurrent, 1, h0, returnSequences);
        s.check("bias", bias, s.h);
        Kernels k = s.k;
        int n = s.b * s.h;
        // The bias joins every step's projection at once; then each step adds h_{t-1} U and activates.
        k.binary(Op.ADD, s.gates.buffer(), bias.buffer(), s.gates.buffer(), Broadcast.of(s.gates.shape(), bias.shape()));
        Tensor pre = Tensor.zeros(x.device(), s.b, s.h);
        try (PreparedGemmB u = s.prepared(recurrent)) {
            for (int t = 0; t < s.t; t++) {
                s.block(s.gates, t, pre, 0);
                if (t > 0 || h0 != null) k.gemm(false, s.b, 1, s.hNext.buffer(), u, 1, pre.buffer());
                if (activation == null) s.block(pre, 0, s.hNext, 0);
                else k.activation(activation, alpha, n, pre.buffer(), s.hNext.buffer());
                s.block(s.hNext, 0, s.hs, t + 1);
            }
        }
        pre.close();
        Tensor out = s.output();
        return s.record(out, "simpleRnn", new Tensor[] {x, kernel, recurrent, bias, h0}, g -> {
            Tensor dOut = s.outputGradient(g);
            Tensor dh = Tensor.zeros(x.device(), s.b, s.h), dCur = Tensor.zeros(x.device(), s.b, s.h);
            Tensor y = Tensor.zeros(x.device(), s.b, s.h), da = Tensor.zeros(x.device(), s.b, s.h);
            Tensor dA = Tensor.zeros(x.device(), s.t, s.b, s.h);
            try (Tensor ut = s.transposedRecurrent(); PreparedGemmB u = s.prepared(ut)) {
                for (int t = s.t - 1; t >= 0; t--) {
                    s.block(dOut, t, dCur, 0);
                    k.axpy(n, 1, dh.buffer(), dCur.buffer());
                    if (activation == null) {
                        s.block(dCur, 0, da, 0);
                    } else {
                        // y stands in for x: every allowed activation's derivative is a function of its output too.
                        s.block(s.hs, t + 1, y, 0);
                        k.activationBackward(activation, alpha, n, y.buffer(), y.buffer(), dCur.buffer(), da.buffer());
                    }
                    s.block(da, 0, dA, t);
                    if (t > 0 || needs(h0)) s.backThroughRecurrence(da, u, 0, dh);
                }
            }
            Tensor db = needs(bias) ? s.biasGradient(dA) : null;
            Tensor[] dWdU = s.weightGradients(dA, dA);
            return new Tensor[] {s.inputGradient(dA), dWdU[0], dWdU[1], db, needs(h0) ? dh : null};
        });
    }

    private static boolean needs(Tensor t) {
        return t != null && t.isRequiringGrad();
    }

    /**
     * The plumbing every recurrent layer shares: shapes, the transposed input and its projection,
     * the hidden states of all steps, the output and its gradient, and the weight gradients.
     */
    private static final class Sequence {
        final Kernels k;
        final String layer;
        final Tensor x, kernel, recurrent;
        final int b, t, f, h, g;
        final boolean returnSequences;
        /** x as [steps, batch, features]. */
        final Tensor xt;
        /** [steps, batch, G]: the input projections, which the cells replace with what their backward needs. */
        final Tensor gates;
        /** [steps + 1, batch, H]: block 0 the initial state, block t + 1 the output of step t. */
        final Tensor hs;
        /** [batch, H]: the latest h, contiguous, which the next step's GEMM reads. */
        final Tensor hNext;

        Sequence(String layer, Tensor x, Tensor kernel, Tensor recurrent, int gateCount, Tensor h0, boolean returnSequences) {
            this.layer = layer;
            this.x = x;
            this.kernel = kernel;
            this.recurrent = recurrent;
            this.returnSequences = returnSequences;
            this.k = x.ops();
            if (x.rank() != 3 || x.dim(1) < 1) {
                throw new IllegalArgumentException(layer + " expects input [samples, steps, features] with at least one step, got "
                        + Arrays.toString(x.shape()));
            }
            b = x.dim(0);
            t = x.dim(1);
            f = x.dim(2);
            h = recurrent.dim(0);
            g = gateCount * h;
            check("kernel", kernel, f, g);
            check("recurrent kernel", recurrent, h, g);
            check("initial state", h0, b, h);
            // Uninitialized where the next op writes all of it: at batch 256 zeroing these (23 MB a
            // row-LSTM forward, the projections most of it) was 7% of the LSTM's inference time.
            xt = Tensor.uninitialized(x.device(), t, b, f);
            k.copy(new int[] {t, b, f}, x.buffer(), 0, new int[] {f, t * f, 1}, xt.buffer(), 0, new int[] {b * f, f, 1});
            gates = Tensor.uninitialized(x.device(), t, b, g);
            k.gemm(false, false, t * b, g, f, 1, xt.buffer(), kernel.buffer(), 0, gates.buffer());
            hs = Tensor.uninitialized(x.device(), t + 1, b, h);
            hNext = Tensor.uninitialized(x.device(), b, h); // read only after a step (or h0) has written it
            initialBlock(h0, hs);
            if (h0 != null) copyBlock(h0, hNext, 0);
        }

        /** Checks an operand's shape (a null optional operand passes). */
        void check(String what, Tensor v, int... shape) {
            if (v == null) return;
            TensorMath.sameDevice(x, v);
            if (!Arrays.equals(v.shape(), shape)) {
                throw new IllegalArgumentException(layer + " " + what + " must be " + Arrays.toString(shape) + " for input "
                        + Arrays.toString(x.shape()) + " and " + h + " units, got " + Arrays.toString(v.shape()));
            }
        }

        /** {@code rec = h_{t-1} U}, U prepared once for all the steps. */
        void recurrentProduct(PreparedGemmB u, Tensor rec) {
            k.gemm(false, b, 1, hNext.buffer(), u, 0, rec.buffer());
        }

        /**
         * U^T [G, H], made once per backward so that each step's {@code dh += dA_t U^T} is a GEMM
         * without a transposed operand: the CPU's packs a transposed B with strided reads, which
         * made it twice as slow as the plain product for the row-LSTM's shapes. The steps multiply
         * by it prepared ({@link Kernels#prepareGemmB}), which the copy must outlive.
         */
        Tensor transposedRecurrent() {
            Tensor ut = Tensor.uninitialized(x.device(), g, h);
            k.copy(new int[] {h, g}, recurrent.buffer(), 0, new int[] {g, 1}, ut.buffer(), 0, new int[] {1, h});
            return ut;
        }

        /** {@code dh = dA_t U^T + beta dh}: the gradient that step t sends back to h_{t-1} through U (ut prepared). */
        void backThroughRecurrence(Tensor dAt, PreparedGemmB ut, float beta, Tensor dh) {
            k.gemm(false, b, 1, dAt.buffer(), ut, beta, dh.buffer());
        }

        /** Copies the [batch, width] block `from` of src into block `to` of dst (width from dst's last axis). */
        void block(Tensor src, int from, Tensor dst, int to) {
            int n = b * dst.dim(-1);
            k.copy(new int[] {n}, src.buffer(), (long) from * n, new int[] {1}, dst.buffer(), (long) to * n, new int[] {1});
        }

        void copyBlock(Tensor state, Tensor dst, int to) {
            block(state, 0, dst, to);
        }

        /** Block 0 of a per-step state tensor: the initial state, or zeros when there is none. */
        void initialBlock(Tensor state, Tensor dst) {
            if (state != null) {
                copyBlock(state, dst, 0);
                return;
            }
            try (Tensor zero = Tensor.zeros(x.device(), b, dst.dim(-1))) {
                copyBlock(zero, dst, 0);
            }
        }

        /** Every h_t as [batch, steps, H], or the last one. */
        Tensor output() {
            if (!returnSequences) return hNext;
            Tensor out = Tensor.uninitialized(x.device(), b, t, h);
            k.copy(new int[] {b, t, h}, hs.buffer(), (long) b * h, new int[] {h, b * h, 1}, out.buffer(), 0, new int[] {t * h, h, 1});
            return out;
        }

        /** The output's gradient as time-major [steps, batch, H]: zeros but the last block when only that is returned. */
        Tensor outputGradient(Tensor grad) {
            Tensor d = returnSequences ? Tensor.uninitialized(x.device(), t, b, h) : Tensor.zeros(x.device(), t, b, h);
            if (returnSequences) {
                k.copy(new int[] {t, b, h}, grad.buffer(), 0, new int[] {h, t * h, 1}, d.buffer(), 0, new int[] {b * h, h, 1});
            } else {
                copyBlock(grad, d, t - 1);
            }
            return d;
        }

        /** dx [batch, steps, features] = dA W^T, transposed back; null if x needs none. */
        Tensor inputGradient(Tensor dA) {
            if (!needs(x)) return null;
            Tensor dxt = Tensor.uninitialized(x.device(), t, b, f), dx = Tensor.uninitialized(x.device(), b, t, f);
            k.gemm(false, true, t * b, f, g, 1, dA.buffer(), kernel.buffer(), 0, dxt.buffer());
            k.copy(new int[] {t, b, f}, dxt.buffer(), 0, new int[] {b * f, f, 1}, dx.buffer(), 0, new int[] {f, t * f, 1});
            dxt.close();
            return dx;
        }

        /**
         * m [..., width] prepared as the B of many products ({@link Kernels#prepareGemmB}): its
         * rows are all axes but the last.
         */
        PreparedGemmB prepared(Tensor m) {
            int width = m.dim(-1);
            return k.prepareGemmB(false, (int) (m.size() / width), width, m.buffer());
        }

        /**
         * {dW, dU}: dW = x^T dA over all steps and sequences at once, dU = H_prev^T dAu (H_prev
         * the first steps blocks of hs), null where not needed. The LSTM and SimpleRNN pass one
         * tensor for both, which is then prepared once for the two products (the CPU packs it
         * once instead of twice).
         */
        Tensor[] weightGradients(Tensor dA, Tensor dAu) {
            Tensor dw = needs(kernel) ? Tensor.uninitialized(x.device(), f, g) : null;
            Tensor du = needs(recurrent) ? Tensor.uninitialized(x.device(), h, g) : null;
            if (dA == dAu && dw != null && du != null) {
                try (PreparedGemmB p = prepared(dA)) {
                    k.gemm(true, f, 1, xt.buffer(), p, 0, dw.buffer());
                    k.gemm(true, h, 1, hs.buffer(), p, 0, du.buffer());
                }
                return new Tensor[] {dw, du};
            }
            if (dw != null) k.gemm(true, false, f, g, t * b, 1, xt.buffer(), dA.buffer(), 0, dw.buffer());
            if (du != null) k.gemm(true, false, h, g, t * b, 1, hs.buffer(), dAu.buffer(), 0, du.buffer());
            return new Tensor[] {dw, du};
        }

        /** The sum of dA's rows, [G]. */
        Tensor biasGradient(Tensor dA) {
            Tensor db = Tensor.zeros(x.device(), g);
            k.biasGradient(t * b, g, 1, dA.buffer(), db.buffer());
            return db;
        }

        /**
         * Records the backward when training; at inference frees what only a backward would read:
         * the shared buffers and the cell's own saved ones.
         */
        Tensor record(Tensor out, String name, Tensor[] inputs, GradFn.Backward backward, Tensor... saved) {
            Tensor r = Autograd.record(out, name, backward, inputs);
            if (r.gradFn == null) {
                for (Tensor v : saved) v.close();
                xt.close();
                gates.close();
                hs.close();
                if (hNext != out) hNext.close();
            }
            return r;
        }
    }
}
