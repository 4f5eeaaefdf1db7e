package io.neurite.train;

import java.util.Map;

/**
 * Hooks into {@link Trainer#fit}, as Keras' callbacks. logs hold {@code loss}, {@code accuracy}
 * and, after validation, {@code val_loss}, {@code val_accuracy}, plus {@code lr}.
 */
public interface Callback {
    default void onTrainBegin(Trainer trainer) {
    }

    default void onEpochBegin(Trainer trainer, int epoch) {
    }

    default void onBatchEnd(Trainer trainer, int batch, Map<String, Double> logs) {
    }

    default void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
    }

    default void onTrainEnd(Trainer trainer) {
    }

    /** Keras' {@code LearningRateScheduler}: sets the rate at each epoch's start from (epoch, current rate). */
    static Callback learningRateScheduler(java.util.function.BiFunction<Integer, Float, Float> schedule) {
        return new Callback() {
            @Override
            public void onEpochBegin(Trainer t, int epoch) {
                t.optimizer().setLearningRate(schedule.apply(epoch, t.optimizer().learningRate()));
            }
        };
    }
}
