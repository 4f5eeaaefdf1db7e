package io.neurite.conformance;

import io.neurite.device.Buffer;
import io.neurite.device.OptimizerStep;
import io.neurite.device.OptimizerStep.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cases for the optimiser steps. Each case runs {@value #STEPS} consecutive steps with fresh
 * gradients on the same weight and state buffers, and checks the weights and every state after
 * each step, so a rule that drops or mis-carries its state fails on the second step even where
 * the first looks right. Every rule runs with and without L1/L2 penalties; a fifth of the
 * weights start at exactly 0, where L1's sign term must vanish.
 *
 * <p>Optimisers have no gradient checks: they are updates, not functions training differentiates.
 */
final class OptimizerCases {
    /** Steps per case. */
    private static final int STEPS = 3;
    /** An update is a few float roundings per element; the states and weights stay O(1). */
    private static final Tolerance UPDATE = Tolerance.ELEMENTWISE;
    /** {l1, l2} pairs: none, both, and each alone. */
    private static final float[][] PENALTIES = {{0, 0}, {0.01f, 0.02f}, {0.03f, 0}, {0, 0.05f}};

    private OptimizerCases() {
    }

    static List<OpCase> cases() {
        List<OpCase> all = new ArrayList<>();
        OptimizerStep[] rules = {
                OptimizerStep.sgd(0.1f),
                OptimizerStep.momentum(0.05f, 0.9f, false),
                OptimizerStep.momentum(0.05f, 0.9f, true),
                OptimizerStep.adagrad(0.1f, 1e-7f),
                OptimizerStep.adadelta(1f, 0.95f, 1e-6f),
                OptimizerStep.rmsprop(0.01f, 0.9f, 1e-7f),
                OptimizerStep.adam(0.01f, 0.9f, 0.999f, 1e-7f, 1),
                OptimizerStep.adam(0.002f, 0.9f, 0.999f, 1e-7f, 10),
        };
        int[] sizes = Inputs.AWKWARD;
        long seed = 500;
        int k = 0;
        for (OptimizerStep rule : rules) {
            for (float[] p : PENALTIES) {
                all.add(steps(rule.withPenalties(p[0], p[1]), sizes[k++ % sizes.length], seed));
                seed += 10;
            }
        }
        // Large enough to be split across threads.
        all.add(steps(OptimizerStep.adam(0.01f, 0.9f, 0.99f, 1e-7f, 1).withPenalties(0.01f, 0.02f), 100_003, seed));
        all.add(steps(OptimizerStep.momentum(0.01f, 0.8f, true).withPenalties(0, 0.01f), 100_003, seed + 10));
        all.add(steps(OptimizerStep.rmsprop(0.01f, 0.9f, 1e-7f), 100_003, seed + 20));
        return all;
    }

    static List<GradCase> gradients() {
        return List.of();
    }

    /** The same step at Adam step count t (the other rules ignore it). */
    private static OptimizerStep at(OptimizerStep s, long t) {
        return new OptimizerStep(s.rule(), s.learningRate(), s.momentum(), s.nesterov(), s.beta1(), s.beta2(), s.rho(),
                s.epsilon(), s.l1(), s.l2(), t);
    }

    /** {@value #STEPS} steps of s on n weights; outputs the weights and the states after each step. */
    private static OpCase steps(OptimizerStep s, int n, long seed) {
        Rule rule = s.rule();
        float[] w0 = Inputs.uniform(seed, n, -1, 1);
        for (int i = 0; i < n; i += 5) w0[i] = 0;
        float[][] states0 = initialStates(s, n, seed + 1);
        float[][] grads = new float[STEPS][];
        for (int t = 0; t < STEPS; t++) grads[t] = Inputs.uniform(seed + 2 + t, n, -1, 1);
        String name = (s.nesterov() ? "nesterov " : "") + "n=" + n + " l1=" + s.l1() + " l2=" + s.l2()
                + (rule == Rule.ADAM ? " steps " + s.step() + ".." + (s.step() + STEPS - 1) : "");
        return new OpCase(rule.op(), name, UPDATE, device -> {
            try (Scratch sc = new Scratch(device)) {
                Buffer w = sc.upload(w0);
                Buffer s1 = rule.states() >= 1 ? sc.upload(states0[0]) : null;
                Buffer s2 = rule.states() >= 2 ? sc.upload(states0[1]) : null;
                List<float[]> out = new ArrayList<>();
                for (int t = 0; t < STEPS; t++) {
                    device.ops().optimizerStep(at(s, s.step() + t), n, w, sc.upload(grads[t]), s1, s2);
                    out.add(sc.read(w));
                    if (s1 != null) out.add(sc.read(s1));
                    if (s2 != null) out.add(sc.read(s2));
                }
                return out.toArray(new float[0][]);
            }
        }, () -> {
            double[] w = Inputs.toDouble(w0);
            double[] s1 = Inputs.toDouble(states0[0]), s2 = Inputs.toDouble(states0[1]);
            List<double[]> out = new ArrayList<>();
            for (int t = 0; t < STEPS; t++) {
                for (int i = 0; i < n; i++) reference(at(s, s.step() + t), i, w, grads[t][i], s1, s2);
                out.add(w.clone());
                if (rule.states() >= 1) out.add(s1.clone());
                if (rule.states() >= 2) out.add(s2.clone());
            }
            return out.toArray(new double[0][]);
        });
    }

    /**
     * Where each rule starts: Keras' 0.1 for the Adagrad accumulator, zeros elsewhere, except a
     * later Adam step, which resumes from states an earlier run could have left.
     */
    private static float[][] initialStates(OptimizerStep s, int n, long seed) {
        float[] s1 = new float[n], s2 = new float[n];
        if (s.rule() == Rule.ADAGRAD) Arrays.fill(s1, 0.1f);
        if (s.rule() == Rule.ADAM && s.step() > 1) {
            s1 = Inputs.uniform(seed, n, -0.1, 0.1);
            s2 = Inputs.uniform(seed + 1, n, 0, 0.01);
        }
        return new float[][] {s1, s2};
    }

    /** OptimizerStep's formulas for element i, naively in double. */
    private static void reference(OptimizerStep s, int i, double[] w, double grad, double[] s1, double[] s2) {
        double lr = s.learningRate(), eps = s.epsilon(), rho = s.rho();
        double g = grad + s.l1() * Math.signum(w[i]) + 2.0 * s.l2() * w[i];
        switch (s.rule()) {
            case SGD -> w[i] -= lr * g;
            case SGD_MOMENTUM -> {
                s1[i] = s.momentum() * s1[i] - lr * g;
                w[i] += s.nesterov() ? s.momentum() * s1[i] - lr * g : s1[i];
            }
            case ADAGRAD -> {
                s1[i] += g * g;
                w[i] -= lr * g / (Math.sqrt(s1[i]) + eps);
            }
            case ADADELTA -> {
                s1[i] = rho * s1[i] + (1 - rho) * g * g;
                double u = Math.sqrt(s2[i] + eps) / Math.sqrt(s1[i] + eps) * g;
                s2[i] = rho * s2[i] + (1 - rho) * u * u;
                w[i] -= lr * u;
            }
            case RMSPROP -> {
                s1[i] = rho * s1[i] + (1 - rho) * g * g;
                w[i] -= lr * g / (Math.sqrt(s1[i]) + eps);
            }
            case ADAM -> {
                double b1 = s.beta1(), b2 = s.beta2();
                s1[i] = b1 * s1[i] + (1 - b1) * g;
                s2[i] = b2 * s2[i] + (1 - b2) * g * g;
                double mHat = s1[i] / (1 - Math.pow(b1, s.step())), vHat = s2[i] / (1 - Math.pow(b2, s.step()));
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
    }
}
