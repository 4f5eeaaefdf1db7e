package io.neurite.checkpoint;

import io.neurite.io.CheckpointException;
import io.neurite.io.SafeTensors;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.optim.Optimizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimiser's saved state, read and checked in full against a model and an optimiser before
 * {@link #applyTo} changes anything: the class must match; the step count must be a whole number
 * from 0, the base rate positive and finite, the state count the rule's; every tensor must be
 * {@code PARAM/stateI} for a trainable weight and a slot the rule has, with the weight's shape and
 * finite values; and once a step has been taken, every trainable weight must have all its slots
 * (a file with some or all of them missing would silently restart the moments from zero).
 */
record OptimizerState(long iterations, float baseRate, Map<Parameter, float[][]> slots) {

    static OptimizerState read(SafeTensors.Reader r, Model model, Optimizer optimizer) throws IOException {
        Map<String, String> meta = r.metadata();
        String cls = optimizer.getClass().getSimpleName();
        if (!cls.equals(meta.get("optimizer"))) {
            throw new CheckpointException(r.file() + ": " + (meta.get("optimizer") == null ? "no \"optimizer\" in the metadata"
                    : "optimiser state of " + meta.get("optimizer")) + "; the optimiser given is " + cls);
        }
        long iterations = whole(r, "iterations");
        float base = rate(r);
        int count = optimizer.stateCount();
        if (whole(r, "state_count") != count) {
            throw new CheckpointException(r.file() + ": metadata \"state_count\" is " + meta.get("state_count") + " state tensors per weight, "
                    + cls + " keeps " + count);
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
            slots.computeIfAbsent(p, k -> new float[count][])[slot] = Checkpoint.finite(r, e.name());
        }
        List<String> missing = new ArrayList<>();
        for (Parameter p : params.values()) {
            float[][] s = slots.get(p);
            if (s == null && iterations == 0) continue; // no step yet: no state is the saved state
            for (int i = 0; i < count; i++) if (s == null || s[i] == null) missing.add(p.name() + "/state" + i);
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException(r.file() + ": no tensor '" + missing.getFirst() + "'" + (missing.size() > 1 ? " and " + (missing.size() - 1)
                    + " more" : "") + " (" + cls + " after " + iterations + " steps keeps " + count + " per trainable weight)");
        }
        return new OptimizerState(iterations, base, slots);
    }

    private static int slotIndex(String digits) {
        return digits.matches("[0-9]{1,3}") ? Integer.parseInt(digits) : -1;
    }

    private static long whole(SafeTensors.Reader r, String key) throws CheckpointException {
        String v = r.metadata().get(key);
        try {
            if (v != null && Long.parseLong(v) >= 0) return Long.parseLong(v);
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CheckpointException(r.file() + ": metadata \"" + key + "\" must be a whole number from 0, found " + (v == null ? "none" : "\"" + v + "\""));
    }

    private static float rate(SafeTensors.Reader r) throws CheckpointException {
        String v = r.metadata().get("base_learning_rate");
        try {
            float f = Float.parseFloat(v);
            if (f > 0 && f < Float.POSITIVE_INFINITY) return f;
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw new CheckpointException(r.file() + ": metadata \"base_learning_rate\" must be a positive finite number, found "
                + (v == null ? "none" : "\"" + v + "\""));
    }

    /** Restores the optimiser: step count, base rate and every slot. */
    void applyTo(Optimizer optimizer) {
        optimizer.iterations(iterations);
        if (baseRate != optimizer.baseLearningRate()) optimizer.setLearningRate(baseRate);
        slots.forEach(optimizer::restoreState);
    }
}
