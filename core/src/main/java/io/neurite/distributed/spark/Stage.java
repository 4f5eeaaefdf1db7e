package io.neurite.distributed.spark;

import io.neurite.device.OptimizerStep;
import java.io.Serializable;

/** What travels between the driver and the tasks of one barrier stage (a range of steps); all of it immutable once sent. */
final class Stage {
    private Stage() {
    }

    /**
     * Broadcast to every task: the model and its state at the stage's start, and the optimiser's
     * rule for each step of the stage (penalties added per parameter by the task).
     *
     * @param prefix unique to the run and the stage (block names start with it)
     * @param deviceId the executors' device, or null for each executor's best
     * @param firstStep the optimiser's step count before the stage
     * @param sampleShape one sample's shape; targetWidth 0 for integer labels
     */
    record Plan(String prefix, String modelJson, String deviceId, Layout layout, float[] weights, float[][] frozen,
                OptimizerStep[] rules, long firstStep, int[] sampleShape, int targetWidth, SparkTrainer.LossFactory loss) implements Serializable {
    }

    /**
     * One task's partition for the stage: its cut of every global batch of the stage, in step
     * order, and its slice of the optimiser state.
     *
     * @param counts samples of this task in each step
     * @param batch samples of the whole global batch in each step (the loss weight's denominator)
     */
    record Shard(int rank, float[] features, int[] labels, float[] targets, int[] counts, int[] batch, float[][] state) implements Serializable {
    }

    /**
     * One task's result: the executors of the stage's tasks by rank (from allGather), its slice
     * of the weights and of the optimiser state after the stage, each step's weighted loss and
     * correct count on its samples; rank 0 adds its non-trained parameters.
     */
    record Outcome(int rank, String executors, float[] weights, float[][] state, float[][] frozen, double[] loss, int[] correct,
                   long computeNanos, long exchangeNanos, long waitNanos, long bytes) implements Serializable {
    }
}
