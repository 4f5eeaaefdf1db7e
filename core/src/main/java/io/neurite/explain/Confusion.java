package io.neurite.explain;

import io.neurite.data.Dataset;
import io.neurite.nn.Model;
import io.neurite.tensor.GradMode;
import io.neurite.tensor.Scope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A model's predictions on an evaluation set: the confusion matrix, {@code matrix[label][predicted]}
 * counts, and every misclassified sample with the probability the model gave its wrong class.
 *
 * <pre>{@code
 * Confusion c = Confusion.of(model, test, 256);
 * int[][] m = c.matrix();                          // [classes][classes]
 * double accuracy = c.accuracy();                  // c.correct() / c.total()
 * List<Confusion.Mistake> worst = c.mistakes(16);  // the most confident first
 * }</pre>
 */
public record Confusion(int[][] matrix, int total, int correct, List<Mistake> allMistakes) {
    /** Sample index in the data set, its label, the predicted class and its probability. */
    public record Mistake(int index, int label, int predicted, float confidence) {
    }

    /** Evaluates data (labels, or one-hot targets) in batches of batch samples, in inference mode. */
    public static Confusion of(Model model, Dataset data, int batch) {
        if (data.size() == 0) throw new IllegalArgumentException("the evaluation data set is empty");
        if (batch < 1) throw new IllegalArgumentException("batch must be positive, got " + batch);
        int k = model.outputShape()[model.outputShape().length - 1], len = data.sampleLength();
        int[] labels = data.hasLabels() ? data.labels() : Passes.argmax(data.targets(), data.targetWidth());
        int[][] matrix = new int[k][k];
        List<Mistake> mistakes = new ArrayList<>();
        int correct = 0;
        float[] x = new float[Math.min(batch, data.size()) * len];
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        for (int from = 0; from < data.size(); from += batch) {
            int n = Math.min(batch, data.size() - from);
            float[] part = n * len == x.length ? x : new float[n * len];
            data.gatherFeatures(order, from, from + n, part);
            float[] p = probabilities(model, part);
            int[] predicted = Passes.argmax(p, k);
            for (int j = 0; j < n; j++) {
                int label = labels[from + j];
                if (label < 0 || label >= k) throw new IllegalArgumentException("label " + label + " of sample " + (from + j) + " is not one of the model's " + k + " classes");
                matrix[label][predicted[j]]++;
                if (label == predicted[j]) correct++;
                else mistakes.add(new Mistake(from + j, label, predicted[j], p[j * k + predicted[j]]));
            }
        }
        mistakes.sort(Comparator.comparingDouble((Mistake m) -> -m.confidence()).thenComparingInt(Mistake::index));
        return new Confusion(matrix, data.size(), correct, List.copyOf(mistakes));
    }

    /**
     * The class probabilities of samples (NCHW floats, one after another), in inference mode:
     * [n, classes], the output itself for a model that ends in a softmax, else its softmax.
     */
    public static float[] probabilities(Model model, float[] samples) {
        try (Scope s = Scope.open(); GradMode off = GradMode.disabled()) {
            return Passes.probabilities(model.predict(Passes.upload(model, samples)));
        }
    }

    public double accuracy() {
        return (double) correct / total;
    }

    /** The n most confidently misclassified samples (fewer if there are fewer mistakes). */
    public List<Mistake> mistakes(int n) {
        return allMistakes.subList(0, Math.min(n, allMistakes.size()));
    }
}
