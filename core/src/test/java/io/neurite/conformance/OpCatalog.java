package io.neurite.conformance;

import io.neurite.device.Op;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Every case of the kit, gathered from one catalog per concept. */
public final class OpCatalog {
    /** Ops with a backward that training uses; each needs a {@link GradCase}. */
    public static final Set<Op> DIFFERENTIABLE = EnumSet.of(Op.BIAS_GRADIENT, Op.CONV2D, Op.MAX_POOL2D, Op.AVG_POOL2D,
            Op.RELU, Op.LEAKY_RELU, Op.SIGMOID, Op.TANH, Op.PRELU, Op.SOFTMAX, Op.LOG_SOFTMAX,
            Op.SOFTMAX_CROSS_ENTROPY, Op.SOFTMAX_CROSS_ENTROPY_ONE_HOT, Op.MSE, Op.BATCH_NORM, Op.EMBEDDING,
            Op.LSTM_CELL, Op.GRU_CELL);

    private OpCatalog() {
    }

    public static List<OpCase> cases() {
        List<OpCase> all = new ArrayList<>();
        all.addAll(GemmCases.cases());
        all.addAll(ElementwiseCases.cases());
        all.addAll(ConvCases.cases());
        all.addAll(PoolCases.cases());
        all.addAll(ActivationCases.cases());
        all.addAll(LossCases.cases());
        all.addAll(TotalsCases.cases());
        all.addAll(OptimizerCases.cases());
        all.addAll(NormCases.cases());
        all.addAll(RecurrentCases.cases());
        return all;
    }

    public static List<GradCase> gradients() {
        List<GradCase> all = new ArrayList<>();
        all.addAll(ElementwiseCases.gradients());
        all.addAll(ConvCases.gradients());
        all.addAll(PoolCases.gradients());
        all.addAll(ActivationCases.gradients());
        all.addAll(LossCases.gradients());
        all.addAll(NormCases.gradients());
        all.addAll(RecurrentCases.gradients());
        return all;
    }
}
