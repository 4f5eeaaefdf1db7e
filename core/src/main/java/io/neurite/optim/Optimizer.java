package io.neurite.optim;

import io.neurite.device.DType;
import io.neurite.device.OptimizerStep;
import io.neurite.nn.Parameter;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies gradients to parameters with one fused in-place update per parameter on its device
 * ({@link io.neurite.device.Kernels#optimizerStep}); the exact formulas of each rule are in
 * {@link OptimizerStep}. Each parameter's L1/L2 penalties enter the same update.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(1e-3f).schedule(LearningRateSchedule.exponentialDecay(1000, 0.96f, false));
 * opt.step(model.parameters());   // after loss.backward(); clears the gradients
 * }</pre>
 */
public abstract class Optimizer implements AutoCloseable {
    private final float learningRate;
    private LearningRateSchedule schedule = (step, base) -> base;
    private final Map<Parameter, Tensor[]> states = new IdentityHashMap<>();
    private long iterations;
    private Float override;

    protected Optimizer(float learningRate) {
        this.learningRate = checkRate(learningRate);
    }

    /** A learning-rate schedule over steps. */
    public Optimizer schedule(LearningRateSchedule s) {
        schedule = s;
        return this;
    }

    /** Sets the base rate from now on (what Keras' LearningRateScheduler callback does). */
    public void setLearningRate(float lr) {
        override = checkRate(lr);
    }

    private static float checkRate(float lr) {
        if (!(lr > 0 && lr < Float.POSITIVE_INFINITY)) throw new IllegalArgumentException("learning rate must be positive and finite, got " + lr);
        return lr;
    }

    /** The rate the next step will use. */
    public float learningRate() {
        return schedule.at(iterations + 1, override != null ? override : learningRate);
    }

    /** Steps taken so far. */
    public long iterations() {
        return iterations;
    }

    /** Sets the step count, restoring a checkpoint (Adam's bias correction and schedules depend on it). */
    public void iterations(long n) {
        if (n < 0) throw new IllegalArgumentException("iterations must be non-negative, got " + n);
        iterations = n;
    }

    /** The base rate the schedule applies to: the constructor's, or the last {@link #setLearningRate}. */
    public float baseLearningRate() {
        return override != null ? override : learningRate;
    }

    /**
     * The update this optimiser applies at step t (from 1), without a parameter's penalties:
     * for a training loop that applies it to parts of parameters elsewhere (the Spark trainer's
     * slices). The rate is the schedule's at t from {@link #baseLearningRate()}.
     */
    public OptimizerStep stepAt(long t) {
        if (t < 1) throw new IllegalArgumentException("steps count from 1, got " + t);
        return rule(schedule.at(t, baseLearningRate()), t);
    }

    /** How many state tensors (each of the parameter's shape) this rule keeps per parameter. */
    public int stateCount() {
        return rule(baseLearningRate(), 1).rule().states();
    }

    /** The update of this rule at step t (from 1) with rate lr. */
    protected abstract OptimizerStep rule(float lr, long t);

    /** The value state buffers start at (Keras' Adagrad starts its accumulator at 0.1). */
    protected float initialState() {
        return 0;
    }

    /** The value the first state buffer of a parameter starts at, the others starting at 0 (for state kept elsewhere). */
    public final float firstStateStart() {
        return initialState();
    }

    /** Updates every trainable parameter that has a gradient, then clears the gradients. */
    public void step(List<Parameter> parameters) {
        float lr = learningRate();
        iterations++;
        for (Parameter p : parameters) {
            Tensor w = p.value(), g = w.grad();
            if (!p.trainable() || g == null) continue;
            OptimizerStep s = rule(lr, iterations).withPenalties(p.l1(), p.l2());
            Tensor[] st = states.computeIfAbsent(p, k -> newState(w, s.rule().states()));
            w.device().ops().optimizerStep(s, Math.toIntExact(w.size()), w.buffer(), g.buffer(),
                    st.length > 0 ? st[0].buffer() : null, st.length > 1 ? st[1].buffer() : null);
            w.zeroGrad();
        }
    }

    private Tensor[] newState(Tensor w, int count) {
        return Scope.untracked(() -> {
            Tensor[] st = new Tensor[count];
            for (int i = 0; i < count; i++) {
                st[i] = i == 0 && initialState() != 0 ? Tensor.full(w.device(), initialState(), w.shape())
                        : Tensor.zeros(w.device(), DType.FLOAT32, w.shape());
            }
            return st;
        });
    }

    /** The state tensors of a parameter (velocity, moments), for checkpoints; empty before its first step. */
    public Tensor[] state(Parameter p) {
        Tensor[] st = states.get(p);
        return st == null ? new Tensor[0] : st.clone();
    }

    /**
     * Replaces a parameter's state tensors with copies of values (restoring a checkpoint):
     * {@link #stateCount()} arrays of the parameter's size.
     */
    public void restoreState(Parameter p, float[][] values) {
        Tensor w = p.value();
        if (values.length != stateCount()) {
            throw new IllegalArgumentException(p.name() + ": " + getClass().getSimpleName() + " keeps " + stateCount()
                    + " state tensors, got " + values.length);
        }
        for (float[] v : values) {
            if (v.length != w.size()) throw new IllegalArgumentException(p.name() + ": state of " + v.length + " values, the weight has " + w.size());
        }
        Tensor[] st = states.computeIfAbsent(p, k -> newState(w, values.length));
        for (int i = 0; i < st.length; i++) st[i].buffer().copyFrom(values[i], 0, 0, values[i].length);
    }

    /** Frees the state buffers. */
    @Override
    public void close() {
        states.values().forEach(st -> {
            for (Tensor t : st) t.close();
        });
        states.clear();
    }
}
