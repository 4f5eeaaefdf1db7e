package io.neurite.train;

import java.util.Map;

/**
 * Stops training when a monitored value has not improved by minDelta for patience epochs
 * (Keras' {@code EarlyStopping}; values containing "acc" improve upwards, others downwards).
 */
public final class EarlyStopping implements Callback {
    private final String monitor;
    private final int patience;
    private final double minDelta;
    private double best;
    private int wait;
    private int stoppedEpoch = -1;

    public EarlyStopping(String monitor, int patience, double minDelta) {
        this.monitor = monitor;
        this.patience = patience;
        this.minDelta = minDelta;
    }

    private boolean upwards() {
        return monitor.contains("acc");
    }

    @Override
    public void onTrainBegin(Trainer trainer) {
        best = upwards() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        wait = 0;
        stoppedEpoch = -1;
    }

    @Override
    public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
        Double v = logs.get(monitor);
        if (v == null) throw new IllegalArgumentException("EarlyStopping monitors '" + monitor + "', which is not in " + logs.keySet());
        boolean better = upwards() ? v > best + minDelta : v < best - minDelta;
        if (better) {
            best = v;
            wait = 0;
        } else if (++wait >= patience) {
            stoppedEpoch = epoch;
            trainer.stopTraining();
        }
    }

    /** The epoch training stopped after, or -1. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }
}
