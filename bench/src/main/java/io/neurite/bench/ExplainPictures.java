package io.neurite.bench;

import io.neurite.bench.Pictures.Palette;
import io.neurite.bench.Pictures.Panel;
import io.neurite.explain.Activations;
import io.neurite.explain.Confusion;
import io.neurite.explain.GradCam;
import io.neurite.explain.Maps;
import io.neurite.explain.Maximize;
import io.neurite.explain.Occlusion;
import io.neurite.explain.Saliency;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The pictures of {@code bench explain}, one method each; returns {file, what it shows} for the index. */
final class ExplainPictures {
    private static final int SCALE = 4;
    private final ExplainCommand.Job job;
    private final float[] x;
    private final int n, h, w, len;
    private final int[] labels, predicted;
    private final float[] confidence;
    private final List<String[]> index = new ArrayList<>();

    ExplainPictures(ExplainCommand.Job job) {
        this.job = job;
        n = job.samples();
        len = job.eval().sampleLength();
        int[] shape = job.eval().sampleShape();
        h = shape[shape.length - 2];
        w = shape[shape.length - 1];
        x = Arrays.copyOf(job.eval().features(), n * len);
        labels = Arrays.copyOf(job.eval().labels(), n);
        int k = job.model().outputShape()[job.model().outputShape().length - 1];
        float[] p = Confusion.probabilities(job.model(), x);
        predicted = new int[n];
        confidence = new float[n];
        for (int i = 0; i < n; i++) {
            for (int c = 1; c < k; c++) if (p[i * k + c] > p[i * k + predicted[i]]) predicted[i] = c;
            confidence[i] = p[i * k + predicted[i]];
        }
    }

    private float[] sample(int i) {
        return Arrays.copyOfRange(x, i * len, (i + 1) * len);
    }

    private String caption(int i) {
        return String.format("#%d: %d, pred %d %.2f", i, labels[i], predicted[i], confidence[i]);
    }

    List<String[]> writeAll() throws IOException {
        long t0 = System.nanoTime();
        perSample("saliency.png", "Saliency |d score / d pixel| of the predicted class", Palette.HEAT, Saliency.vanilla(job.model(), x, predicted),
                "vanilla gradient saliency (Simonyan et al.): the sample, |d class score / d pixel| (max over channels), and the map over the sample");
        perSample("gradient_x_input.png", "Gradient x input of the predicted class", Palette.SIGNED, Saliency.gradientTimesInput(job.model(), x, predicted),
                "gradient x input, signed: red pixels raise the predicted class's score, blue ones lower it");
        Maps smooth = concat(i -> Saliency.smoothGrad(job.model(), sample(i), predicted[i], 25, 0.15f, job.seed() + i));
        perSample("smoothgrad.png", "SmoothGrad: saliency averaged over 25 noisy copies (sigma 0.15)", Palette.HEAT, smooth,
                "SmoothGrad (Smilkov et al.): the mean saliency over 25 copies with Gaussian noise of 0.15 times the pixel range, seeded");
        Occlusion occ = new Occlusion(job.patch(), job.stride(), 0f);
        long o0 = System.nanoTime();
        Maps occlusion = concat(i -> occ.map(job.model(), sample(i), predicted[i]));
        double perImage = (System.nanoTime() - o0) / 1e6 / n;
        perSample("occlusion.png", "Occlusion: drop in p(predicted) when a " + job.patch() + "x" + job.patch() + " patch is zeroed", Palette.SIGNED, occlusion,
                String.format("occlusion (Zeiler and Fergus): a %dx%d patch of 0 moved by %d pixel(s); red: hiding the pixel lowers the predicted class's probability, blue: raises it (%.0f ms per image)",
                        job.patch(), job.patch(), job.stride(), perImage));
        List<String> convs = job.convolutions();
        if (!convs.isEmpty()) {
            String layer = job.camLayer() != null ? job.camLayer() : GradCam.lastConvolution(job.model());
            perSample("gradcam.png", "Grad-CAM at " + layer + " for the predicted class", Palette.HEAT, GradCam.map(job.model(), x, predicted, layer),
                    "Grad-CAM (Selvaraju et al.) at " + layer + ": ReLU of the feature maps weighted by their mean gradient, resized (bilinear) to the input");
        }
        for (String c : convs) convolution(c);
        classes();
        mistakes();
        System.out.printf("explained %d samples in %.1f s; occlusion %.0f ms per image (%d positions)%n", n, (System.nanoTime() - t0) / 1e9, perImage,
                ((h - job.patch()) / job.stride() + 1) * ((w - job.patch()) / job.stride() + 1));
        return index;
    }

    /** A row per sample: the sample, the map, and the map over the sample. */
    private void perSample(String file, String title, Palette palette, Maps m, String what) throws IOException {
        List<Panel> panels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] image = Arrays.copyOf(sample(i), h * w);
            panels.add(new Panel(caption(i), image, h, w, Palette.GRAY));
            panels.add(new Panel("map", m.map(i), h, w, palette));
            panels.add(new Panel("over the sample", m.map(i), h, w, palette, image));
        }
        Pictures.grid(job.out().resolve(file), title, panels, 3, SCALE, palette, "each map scaled to its own range; caption: #sample: label, predicted class and its probability");
        index.add(new String[] {file, what});
    }

    private void convolution(String layer) throws IOException {
        Maps f = Activations.filters(job.model(), layer);
        int filters = Activations.filterCount(job.model(), layer), channels = f.count() / filters;
        List<Panel> kernels = new ArrayList<>();
        for (int i = 0; i < f.count(); i++) kernels.add(new Panel(i % channels == 0 ? "f" + i / channels : "", f.map(i), f.height(), f.width(), Palette.SIGNED));
        Pictures.grid(job.out().resolve("filters_" + layer + ".png"), layer + ": " + filters + " filters (rows) x " + channels + " input channels",
                kernels, channels, Math.max(4, 40 / f.width()), Palette.SIGNED, "kernel weights; each kernel scaled to its own largest |weight|");
        index.add(new String[] {"filters_" + layer + ".png", layer + "'s kernels: a row per filter, a column per input channel; red positive, blue negative weights"});
        Maps a = Activations.of(job.model(), sample(0), layer);
        List<Panel> maps = new ArrayList<>();
        maps.add(new Panel(caption(0), Arrays.copyOf(sample(0), h * w), h, w, Palette.GRAY));
        for (int c = 0; c < a.count(); c++) maps.add(new Panel("channel " + c, a.map(c), a.height(), a.width(), Palette.GRAY));
        Pictures.grid(job.out().resolve("featuremaps_" + layer + ".png"), layer + "'s feature maps for sample #0", maps, 8, SCALE * 28 / Math.max(a.height(), 14),
                Palette.GRAY, "activation, each map scaled to its own range");
        index.add(new String[] {"featuremaps_" + layer + ".png", layer + "'s output for sample #0 (first panel), one map per channel"});
        List<Panel> max = new ArrayList<>();
        for (int c = 0; c < a.count(); c++) {
            Maximize.Result r = new Maximize().steps(60).start(0.5f, 0.1f, job.seed() + c).filter(job.model(), layer, c);
            max.add(new Panel(String.format("f%d %.2f", c, r.objective()[60]), Arrays.copyOf(r.image().values(), h * w), h, w, Palette.GRAY));
        }
        Pictures.grid(job.out().resolve("maximize_" + layer + ".png"), "Inputs that maximise each filter of " + layer, max, 8, SCALE, Palette.GRAY,
                "60 steps of gradient ascent from seeded noise, L2 penalty 1e-3; caption: filter, final objective");
        index.add(new String[] {"maximize_" + layer + ".png", "activation maximisation: for each filter of " + layer + ", the input that maximises its mean activation"});
    }

    private void classes() throws IOException {
        int k = job.model().outputShape()[0];
        List<Panel> panels = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            Maximize.Result r = new Maximize().steps(100).start(0.5f, 0.1f, job.seed() + c).classScore(job.model(), c);
            panels.add(new Panel(String.format("class %d %.1f", c, r.objective()[100]), Arrays.copyOf(r.image().values(), h * w), h, w, Palette.GRAY));
        }
        Pictures.grid(job.out().resolve("maximize_classes.png"), "Inputs that maximise each class score", panels, 5, SCALE, Palette.GRAY,
                "100 steps of gradient ascent on the class's output from seeded noise, L2 penalty 1e-3; caption: class, final objective");
        index.add(new String[] {"maximize_classes.png", "activation maximisation of each class's output: what the model takes for each digit"});
    }

    private void mistakes() throws IOException {
        Confusion c = Confusion.of(job.model(), job.eval(), 256);
        Pictures.confusion(job.out().resolve("confusion.png"), String.format("Confusion matrix, %,d samples, accuracy %.2f%%", c.total(), 100 * c.accuracy()), c.matrix());
        index.add(new String[] {"confusion.png", String.format("confusion matrix of all %,d evaluation samples (rows: true class, columns: predicted); %,d correct", c.total(), c.correct())});
        List<Panel> panels = new ArrayList<>();
        for (Confusion.Mistake m : c.mistakes(24)) {
            float[] image = Arrays.copyOfRange(job.eval().features(), m.index() * len, m.index() * len + h * w);
            panels.add(new Panel(String.format("#%d: %d as %d %.2f", m.index(), m.label(), m.predicted(), m.confidence()), image, h, w, Palette.GRAY));
        }
        Pictures.grid(job.out().resolve("misclassified.png"), "The " + panels.size() + " most confidently misclassified of " + c.allMistakes().size() + " mistakes",
                panels, 6, SCALE, Palette.GRAY, "caption: #sample: label as predicted class, with its probability");
        index.add(new String[] {"misclassified.png", "the most confidently misclassified evaluation samples, most confident first"});
    }

    private interface PerSample {
        Maps of(int i);
    }

    private Maps concat(PerSample f) {
        float[] all = new float[n * h * w];
        for (int i = 0; i < n; i++) System.arraycopy(f.of(i).values(), 0, all, i * h * w, h * w);
        return new Maps(n, h, w, all);
    }
}
