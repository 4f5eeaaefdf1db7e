package io.neurite.checkpoint;

import io.neurite.io.CheckpointException;
import io.neurite.io.SafeTensors;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.optim.Optimizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimiser's saved state, read and checked in full against a model and an optimiser before
 * {@link #applyTo} changes anything: the class must match, every tensor must be
 * {@code PARAM/stateI} for a trainable weight and a slot the rule has, with the weight's shape,
 * and a weight with state must have all its slots.
 */
record OptimizerState(long iterations, float baseRate, Map<Parameter, float[][]> slots) {

    static OptimizerState read(SafeTensors.Reader r, Model model, Optimizer optimizer) throws IOException {
        Map<String, String> meta = r.metadata();
        String cls = optimizer.getClass().getSimpleName();
        if (!cls.equals(meta.get("optimizer"))) {
            throw new CheckpointException(r.file() + ": optimiser state of " + meta.get("optimizer") + "; the optimiser given is " + cls);
        }
        long iterations = (long) number(r, "iterations");
        float base = (float) number(r, "base_learning_rate");
        int count = optimizer.stateCount();
        if (number(r, "state_count") != count) {
            throw new CheckpointException(r.file() + ": " + meta.get("state_count") + " state tensors per weight, " + cls + " keeps " + count);
        }
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) if (p.trainable()) params.put(p.name(), p);
        Map<Parameter, float[][]> slots = new LinkedHashMap<>();
        for (SafeTensors.Entry e : r.entries().values()) {
            int cut = e.name().lastIndexOf("/state");
            Parameter p = cut < 0 ? null : params.get(e.name().substring(0, cut));
            int slot = p == null ? -1 : slotIndex(e.name().substring(cut + "/state".length()));
            if (p == null || slot < 0 || slot >= count) {
                throw new CheckpointException(r.file() + ": unknown tensor '" + e.name() + "' (expected TRAINABLE_WEIGHT/state0.."
                        + (count - 1) + ")");
            }
            if (!Arrays.equals(e.shape(), p.value().shape()) || !e.dtype().equals("F32")) {
                throw new CheckpointException(r.file() + ": tensor '" + e.name() + "' is " + e.dtype() + " " + Arrays.toString(e.shape())
                        + ", the weight is F32 " + Arrays.toString(p.value().shape()));
            }
            slots.computeIfAbsent(p, k -> new float[count][])[slot] = r.floats(e.name());
        }
        for (Map.Entry<Parameter, float[][]> s : slots.entrySet()) {
            for (int i = 0; i < count; i++) {
                if (s.getValue()[i] == null) throw new CheckpointException(r.file() + ": no tensor '" + s.getKey().name() + "/state" + i + "'");
            }
        }
        return new OptimizerState(iterations, base, slots);
    }

    private static int slotIndex(String digits) {
        return digits.matches("[0-9]{1,3}") ? Integer.parseInt(digits) : -1;
    }

    private static double number(SafeTensors.Reader r, String key) throws CheckpointException {
        String v = r.metadata().get(key);
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d) && d >= 0) return d;
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw new CheckpointException(r.file() + ": metadata \"" + key + "\" must be a non-negative number, found " + v);
    }

    /** Restores the optimiser: step count, base rate and every slot. */
    void applyTo(Optimizer optimizer) {
        optimizer.iterations(iterations);
        if (baseRate != optimizer.baseLearningRate()) optimizer.setLearningRate(baseRate);
        slots.forEach(optimizer::restoreState);
    }
}
