package io.neurite.optim;

/** The learning rate at each step (counted from 1), given the optimiser's base rate. */
@FunctionalInterface
public interface LearningRateSchedule {
    float at(long step, float base);

    /** Keras' {@code ExponentialDecay}: {@code base * rate^(step / decaySteps)}, stepwise when staircase. */
    static LearningRateSchedule exponentialDecay(long decaySteps, float rate, boolean staircase) {
        return (step, base) -> {
            double e = (double) (step - 1) / decaySteps;
            return (float) (base * Math.pow(rate, staircase ? Math.floor(e) : e));
        };
    }

    /** Keras' legacy time-based {@code decay} argument: {@code base / (1 + decay * iterations)}. */
    static LearningRateSchedule timeBased(float decay) {
        return (step, base) -> base / (1 + decay * (step - 1));
    }
}
