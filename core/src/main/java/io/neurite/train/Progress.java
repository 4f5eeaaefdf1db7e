package io.neurite.train;

import java.io.PrintStream;
import java.util.Map;

/**
 * Training progress: on a terminal a live bar (batch, loss, accuracy, images/s, time left);
 * otherwise, or at verbosity 2, one line per epoch; nothing at verbosity 0.
 */
final class Progress {
    private final PrintStream out;
    private final int verbose;
    private final int samples;
    private final boolean live;
    private long epochStart, lastDraw;
    private int epoch, epochs;

    Progress(PrintStream out, int verbose, int samples, int batchSize) {
        this.out = out;
        this.verbose = verbose;
        this.samples = samples;
        this.live = verbose == 1 && System.console() != null && out == System.out;
    }

    void startEpoch(int epoch, int epochs) {
        this.epoch = epoch;
        this.epochs = epochs;
        epochStart = System.nanoTime();
    }

    void batch(int done, Map<String, Double> logs) {
        if (!live) return;
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && done < samples) return;
        lastDraw = now;
        double secs = (now - epochStart) / 1e9, rate = done / Math.max(secs, 1e-9);
        int width = 30, filled = (int) ((long) width * done / samples);
        out.printf("\rEpoch %d/%d [%s%s] %d/%d %s %.0f img/s ETA %.0fs   ", epoch + 1, epochs, "=".repeat(filled),
                ".".repeat(width - filled), done, samples, metrics(logs), rate, (samples - done) / rate);
        out.flush();
    }

    void endEpoch(Map<String, Double> logs) {
        if (verbose == 0) return;
        double secs = (System.nanoTime() - epochStart) / 1e9;
        out.printf("%sEpoch %d/%d %d samples %.1fs %.0f img/s %s%n", live ? "\r" : "", epoch + 1, epochs, samples, secs,
                samples / secs, metrics(logs));
    }

    private static String metrics(Map<String, Double> logs) {
        StringBuilder sb = new StringBuilder();
        logs.forEach((k, v) -> {
            if (!k.equals("lr")) sb.append(k).append(' ').append(String.format("%.4f", v)).append(' ');
        });
        return sb.toString().trim();
    }
}
