package io.neurite.bench;

import io.neurite.data.Dataset;
import io.neurite.io.AtomicFiles;
import io.neurite.train.Callback;
import io.neurite.train.Trainer;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code --plot FILE.png}: loss and accuracy per epoch, training and validation, drawn with XChart
 * as one PNG holding a chart per metric side by side, in headless mode (no display needed).
 */
final class Plot {
    /** The size of each chart in pixels; the PNG is charts x WIDTH wide. */
    static final int WIDTH = 560, HEIGHT = 400;
    /** The two series' colours (matplotlib's first two), which the test looks for. */
    static final Color TRAIN = new Color(0x1f77b4), VALIDATION = new Color(0xff7f0e);

    private Plot() {
    }

    /**
     * Records each epoch's training loss and accuracy, and evaluates the validation set after the
     * other callbacks of the epoch (put it last, so timing callbacks do not count the evaluation).
     */
    static final class Recorder implements Callback {
        private final Path file;
        private final Dataset validation;
        private final List<Integer> epochs = new ArrayList<>();
        private final Map<String, List<Double>> values = new LinkedHashMap<>();

        /** Checks where the plot will go now, rather than after the training. */
        Recorder(Path file, Dataset validation) throws IOException {
            this.file = OutputFiles.checkWritable("--plot", file);
            this.validation = validation;
        }

        @Override
        public void onEpochEnd(Trainer trainer, int epoch, Map<String, Double> logs) {
            epochs.add(epoch + 1);
            Map<String, Double> all = new LinkedHashMap<>(logs);
            if (validation != null && !logs.containsKey("val_loss")) trainer.evaluate(validation, 256).forEach((k, v) -> all.put("val_" + k, v));
            all.forEach((k, v) -> values.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }

        void write(String title) throws IOException {
            Plot.write(file, title, epochs, values);
        }
    }

    /**
     * Draws a chart per metric (each key without "val_", except "lr"), with its "val_" twin as the
     * validation series, and writes the PNG through a temporary file renamed into place.
     */
    static void write(Path file, String title, List<Integer> epochs, Map<String, List<Double>> values) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<String> metrics = values.keySet().stream().filter(k -> !k.startsWith("val_") && !k.equals("lr")).toList();
        if (metrics.isEmpty() || epochs.isEmpty()) throw new IOException(file + ": nothing to plot (no epoch finished)");
        List<XYChart> charts = new ArrayList<>();
        try {
            for (String m : metrics) charts.add(chart(title + ": " + m, m, epochs, values.get(m), values.get("val_" + m)));
            AtomicFiles.write(file, tmp -> {
                try (OutputStream os = Files.newOutputStream(tmp)) {
                    BitmapEncoder.saveBitmap(charts, 1, charts.size(), os, BitmapEncoder.BitmapFormat.PNG);
                }
            });
        } catch (InternalError | UnsatisfiedLinkError e) {
            // Java2D text needs fontconfig and at least one font, which minimal containers lack.
            throw new IOException(file + ": cannot draw the plot (" + e + "); install fontconfig and a font such as fonts-dejavu", e);
        }
    }

    /** One metric's chart: a line with markers per series, the legend under the plot. */
    private static XYChart chart(String title, String metric, List<Integer> epochs, List<Double> train, List<Double> validation) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch").yAxisTitle(metric).build();
        // Below the plot, the legend can never hide a curve, whichever way the metric moves.
        c.getStyler().setChartBackgroundColor(Color.WHITE)
                .setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal)
                .setMarkerSize(7);
        c.getStyler().setPlotGridLinesColor(new Color(0xe6e6e6))
                .setYAxisLabelAlignment(AxesChartStyler.TextAlignment.Right)
                // Epochs are whole numbers: label those ticks only, whatever step XChart picks.
                .setxAxisTickLabelsFormattingFunction(x -> x == Math.rint(x) ? Long.toString(Math.round(x)) : "");
        if (epochs.size() == 1) {
            // XChart then ticks the y axis at the data values themselves: round them.
            c.getStyler().setYAxisDecimalPattern("0.####");
        }
        series(c, "training", epochs, train, TRAIN);
        series(c, "validation", epochs, validation, VALIDATION);
        return c;
    }

    /** Adds one curve, leaving out non-finite values (a diverged loss) that would break the axis range. */
    private static void series(XYChart c, String name, List<Integer> epochs, List<Double> values, Color color) {
        if (values == null) return;
        List<Integer> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < Math.min(epochs.size(), values.size()); i++) {
            if (Double.isFinite(values.get(i))) {
                x.add(epochs.get(i));
                y.add(values.get(i));
            }
        }
        if (x.isEmpty()) return;
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
        s.setLineColor(color);
        s.setLineStyle(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    }
}
