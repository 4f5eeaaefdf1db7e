package io.neurite.kernels;

import io.neurite.device.Buffer;
import io.neurite.device.OptimizerStep;

/**
 * The update rules of {@link OptimizerStep} (kernels in neurite/common/optimizers.h). The per-step
 * constants are worked out here in double and rounded to float exactly as the CPU backend does, so
 * every device rounds the same float expressions per element.
 */
final class Optimizers {
    private Optimizers() {
    }

    static void step(Launcher run, OptimizerStep s, int n, Buffer w, Buffer g, Buffer s1, Buffer s2) {
        float lr = s.learningRate(), eps = s.epsilon(), l1 = s.l1(), l2 = s.l2();
        float rho = s.rho(), rest = (float) (1.0 - s.rho());
        switch (s.rule()) {
            case SGD -> run.items(KernelEntry.SGD_STEP, n, n, new StepValues(lr), l1, l2, w, g);
            case SGD_MOMENTUM -> run.items(KernelEntry.MOMENTUM_STEP, n, n, new StepValues(lr), s.momentum(), s.nesterov(), l1, l2, w, g, s1);
            case ADAGRAD -> run.items(KernelEntry.ADAGRAD_STEP, n, n, new StepValues(lr), eps, l1, l2, w, g, s1);
            case ADADELTA -> run.items(KernelEntry.ADADELTA_STEP, n, n, new StepValues(lr), eps, rho, rest, l1, l2, w, g, s1, s2);
            case RMSPROP -> run.items(KernelEntry.RMSPROP_STEP, n, n, new StepValues(lr), eps, rho, rest, l1, l2, w, g, s1);
            case ADAM -> {
                float b1 = s.beta1(), b2 = s.beta2();
                float lrOverC1 = (float) (s.learningRate() / (1 - Math.pow(b1, s.step())));
                float invC2 = (float) (1 / (1 - Math.pow(b2, s.step())));
                run.items(KernelEntry.ADAM_STEP, n, n, b1, b2, (float) (1.0 - b1), (float) (1.0 - b2), eps,
                        new StepValues(lrOverC1, invC2), l1, l2, w, g, s1, s2);
            }
        }
    }
}
