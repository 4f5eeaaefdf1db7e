package io.neurite.bench;

import io.neurite.data.Dataset;
import io.neurite.nn.Model;
import io.neurite.optim.Optimizer;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code bench mnist}'s warm-up: trains and evaluates a throwaway copy of the model (its own
 * weights and optimiser) in rounds, so that the JIT has compiled the training step and the
 * inference pass before they are timed, as JMH warms up before it measures. Without it the JVM
 * is still compiling in the first epochs of MNIST's small default split (the first LeNet-5 epoch
 * ran at 0.3x the later ones), so the figures measured the compiler, not the training.
 *
 * <p>A fixed length ({@code --warmup SECONDS}) either wastes time or stops short: the MLP's
 * rounds reach their steady time 0.8-1.3 s into the warm-up, LeNet-5's 1.5-2.5 s, VGG's later.
 * So by default ({@code --warmup auto}) it stops once the median of the last {@link #WINDOW}
 * rounds is less than {@link #GAIN} faster than the median of the {@link #WINDOW} before them (a
 * median, since single rounds here vary by a fifth; two windows, since the kernels' compiled
 * code arrives one kernel at a time, so the rounds improve for a while in small steps), or after
 * {@link #AUTO_LIMIT_SECONDS}. The first round, the coldest, is left out.
 *
 * <p>A round repeats a pass for at least {@link #ROUND_SECONDS} and counts as its seconds a pass: a
 * pass is {@link #PASS_BATCHES} training batches and one evaluation of their samples at the
 * evaluation batch (256: the first dense layer's split between threads), which takes other
 * products than training.
 */
final class WarmUp {
    /** Rounds in each of the two windows auto compares. */
    static final int WINDOW = 3;
    /** The improvement below which auto stops: the last window's median against the one before. */
    static final double GAIN = 0.1;
    /**
     * Auto's limit, for models whose rounds take seconds (VGG). Not the 2 s fixed length it
     * replaced: on a busy 2-core host LeNet-5's rounds were still improving at 2.2-2.7 s, and with
     * 2 s its first epoch ran at 0.63x the later ones (median of 5 runs) where auto reached 0.85x.
     */
    static final double AUTO_LIMIT_SECONDS = 4;
    /** Training batches a pass. */
    static final int PASS_BATCHES = 10;
    /** A round repeats the pass for at least this long, so that the MLP's rounds (3 ms a pass) are long enough to compare. */
    static final double ROUND_SECONDS = 0.05;

    /** What a warm-up did: its seconds, training batches and rounds (each round's seconds a pass, in order). */
    record Result(double seconds, int batches, List<Double> rounds) {
    }

    /** Builds the throwaway copy. */
    @FunctionalInterface
    interface ModelFactory {
        Model build() throws IOException;
    }

    private WarmUp() {
    }

    /**
     * Warms up for {@code seconds} (0: not at all), or until the rounds are steady when
     * {@code seconds} is NaN ({@code --warmup auto}); prints one line saying what it did.
     */
    static Result run(double seconds, ModelFactory copy, Supplier<Optimizer> optimizer, int batch, Dataset train) throws IOException {
        if (seconds == 0) return new Result(0, 0, List.of());
        boolean auto = Double.isNaN(seconds);
        double limit = auto ? AUTO_LIMIT_SECONDS : seconds;
        long t0 = System.nanoTime();
        Dataset part = train.slice(0, (int) Math.min(train.size(), (long) PASS_BATCHES * batch));
        int perPass = (int) ((part.size() + (long) batch - 1) / batch), batches = 0;
        List<Double> rounds = new ArrayList<>();
        try (Model m = copy.build(); Optimizer o = optimizer.get()) {
            Trainer t = new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits());
            // A throwaway copy: a diverging learning rate is reported by the timed run, with its epoch and batch.
            FitOptions once = new FitOptions().batchSize(batch).epochs(1).verbose(0).stopOnNonFinite(false);
            while (System.nanoTime() - t0 < limit * 1e9 && !(auto && steady(rounds))) {
                long r0 = System.nanoTime(), now;
                int passes = 0;
                do {
                    t.fit(part, once);
                    t.evaluate(part, 256);
                    passes++;
                    batches += perPass;
                    now = System.nanoTime();
                } while (now - r0 < ROUND_SECONDS * 1e9 && now - t0 < limit * 1e9);
                rounds.add((now - r0) / 1e9 / passes);
            }
        }
        double spent = (System.nanoTime() - t0) / 1e9;
        System.out.printf("warm-up: %.1f s, %d batches on a throwaway copy of the model (%s; --warmup 0 skips it)%n", spent, batches,
                auto ? (steady(rounds) ? "stopped when its rounds were steady" : "stopped at its " + AUTO_LIMIT_SECONDS + " s limit")
                        : "--warmup " + seconds + " s");
        return new Result(spent, batches, rounds);
    }

    /** Whether the median of the last {@link #WINDOW} rounds is less than {@link #GAIN} below the median of the window before. */
    static boolean steady(List<Double> rounds) {
        int n = rounds.size();
        if (n < 2 * WINDOW + 1) return false; // the first round is the cold one
        return Stats.median(rounds.subList(n - WINDOW, n)) > (1 - GAIN) * Stats.median(rounds.subList(n - 2 * WINDOW, n - WINDOW));
    }
}
