package io.neurite.train;

import java.io.PrintStream;
import java.util.Map;

/**
 * Training progress: on a terminal a live bar (batch, loss, accuracy, images/s, time left);
 * otherwise, or at verbosity 2, one line per epoch; nothing at verbosity 0. Each redraw of the bar
 * returns to the start of the line and pads with spaces to the length of the previous drawing, so a
 * shorter line (the epoch's summary after the bar) leaves nothing of the longer one behind; spaces
 * rather than an ANSI erase, so that consoles without escape codes show the same.
 */
final class Progress {
    private final PrintStream out;
    private final int verbose;
    private final int samples;
    private final boolean live;
    private long epochStart, lastDraw, lastRead;
    private int epoch, epochs;
    private int drawn; // length of the live line now on the terminal, 0 when none

    Progress(PrintStream out, int verbose, int samples, int batchSize) {
        this(out, verbose, samples, System.console() != null && out == System.out);
    }

    /** terminal: whether out is a terminal, where the bar is redrawn in place (tests force it). */
    Progress(PrintStream out, int verbose, int samples, boolean terminal) {
        this.out = out;
        this.verbose = verbose;
        this.samples = samples;
        this.live = verbose == 1 && terminal;
    }

    void startEpoch(int epoch, int epochs) {
        this.epoch = epoch;
        this.epochs = epochs;
        epochStart = lastRead = System.nanoTime();
    }

    /**
     * Whether the training loop should read its totals now (each read waits for the device): when
     * the live bar is due a redraw (ten times a second), else once a second, so that a loss gone
     * NaN still stops training within a second without a wait per batch.
     */
    boolean due() {
        long now = System.nanoTime();
        if (now - lastRead < (live ? 100_000_000L : 1_000_000_000L)) return false;
        lastRead = now;
        return true;
    }

    /** Draws the live bar (the caller read the totals: {@link #due}, a batch callback or the last batch). */
    void batch(int done, Map<String, Double> logs) {
        if (!live) return;
        long now = System.nanoTime();
        if (now - lastDraw < 100_000_000L && done < samples) return;
        lastDraw = now;
        double secs = (now - epochStart) / 1e9, rate = done / Math.max(secs, 1e-9);
        int width = 30, filled = (int) ((long) width * done / samples);
        String line = String.format("Epoch %d/%d [%s%s] %d/%d %s %.0f img/s ETA %.0fs", epoch + 1, epochs,
                "=".repeat(filled), ".".repeat(width - filled), done, samples, metrics(logs), rate, (samples - done) / rate);
        out.print(redraw(line));
        drawn = line.length();
        out.flush();
    }

    /** line, drawn over the live line: back to its start and padded to cover all of the previous one. */
    private String redraw(String line) {
        return "\r" + line + " ".repeat(Math.max(0, drawn - line.length()));
    }

    void endEpoch(Map<String, Double> logs) {
        if (verbose == 0) return;
        double secs = (System.nanoTime() - epochStart) / 1e9;
        String line = String.format("Epoch %d/%d %d samples %.1fs %.0f img/s %s", epoch + 1, epochs, samples, secs,
                samples / secs, metrics(logs));
        out.print((live ? redraw(line) : line) + System.lineSeparator());
        drawn = 0;
        out.flush();
    }

    private static String metrics(Map<String, Double> logs) {
        StringBuilder sb = new StringBuilder();
        logs.forEach((k, v) -> {
            if (!k.equals("lr")) sb.append(k).append(' ').append(String.format("%.4f", v)).append(' ');
        });
        return sb.toString().trim();
    }
}
