package io.neurite.train;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.device.Device;
import io.neurite.device.Kernels;
import io.neurite.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running loss sum, correct count and first non-finite batch of one epoch or evaluation, kept
 * on the model's device ({@link Kernels#trainingTotals}): adding a batch queues two small kernels
 * and waits for nothing, and {@link #read} (one download) happens only when the progress bar
 * redraws, a callback asks for batch logs, or the epoch ends. A custom batch step reports host
 * figures instead ({@link #add(double, int, int)}); both kinds add up.
 */
final class EpochTotals implements AutoCloseable {
    private final Device device;
    private final Buffer totals, count;
    private final float[] zeros = new float[Kernels.TOTALS];
    private long samples, readSamples;
    private int batches;
    private boolean accuracy = true;
    private double hostLoss;
    private long hostCorrect;
    private int hostFirstBad;
    private float hostBadLoss;
    private double lossSum, correct;
    private int firstBad;
    private float badLoss;

    EpochTotals(Device device) {
        this.device = device;
        totals = device.allocate(DType.FLOAT32, Kernels.TOTALS);
        Buffer c = null;
        try {
            c = device.allocate(DType.INT32, 1);
        } finally {
            if (c == null) totals.close();
        }
        count = c;
    }

    /** Starts over (an upload, no wait). */
    void reset() {
        totals.copyFrom(zeros);
        samples = readSamples = batches = 0;
        accuracy = true;
        hostLoss = hostCorrect = hostFirstBad = 0;
        lossSum = correct = firstBad = 0;
    }

    /** Adds a batch of n samples from its output, targets and mean loss, all on the device. */
    void add(Tensor output, Tensor target, Tensor loss, int n) {
        batches++;
        samples += n;
        boolean counted = accuracy && Batches.countCorrect(output, target, count);
        if (!counted) accuracy = false;
        device.ops().trainingTotals(n, batches, loss.buffer(), counted ? count : null, totals);
    }

    /** Adds a batch of n samples a batch step scored on the host (correct -1: no accuracy). */
    void add(double loss, int n, int right) {
        batches++;
        samples += n;
        hostLoss += loss * n;
        if (right < 0) accuracy = false;
        else hostCorrect += right;
        if (hostFirstBad == 0 && !Double.isFinite(loss)) {
            hostFirstBad = batches;
            hostBadLoss = (float) loss;
        }
    }

    /** Brings the totals to the host: the one wait, after every batch queued so far. */
    void read() {
        float[] t = totals.toFloatArray();
        readSamples = samples;
        lossSum = hostLoss + (Float.isFinite(t[1]) ? (double) t[0] - t[1] : t[0]);
        correct = hostCorrect + ((double) t[2] - t[3]);
        boolean onDevice = t[4] > 0 && (hostFirstBad == 0 || t[4] < hostFirstBad);
        firstBad = onDevice ? (int) t[4] : hostFirstBad;
        badLoss = onDevice ? t[5] : hostBadLoss;
    }

    /** The first batch (from 1) whose loss was not finite as of the last {@link #read}, 0 if none. */
    int firstNonFinite() {
        return firstBad;
    }

    /** That batch's loss. */
    float nonFiniteLoss() {
        return badLoss;
    }

    /** Batches added since the last reset. */
    int batches() {
        return batches;
    }

    /** Mean loss and accuracy as of the last {@link #read}. */
    Map<String, Double> logs(String prefix) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(prefix + "loss", lossSum / Math.max(1, readSamples));
        if (accuracy) m.put(prefix + "accuracy", correct / Math.max(1, readSamples));
        return m;
    }

    @Override
    public void close() {
        try {
            totals.close();
        } finally {
            count.close();
        }
    }
}
