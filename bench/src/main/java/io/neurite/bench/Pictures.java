package io.neurite.bench;

import io.neurite.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * PNG pictures of maps with javax.imageio: grids of captioned panels (an image, a heatmap, or the
 * image with the heatmap over it), each grid with its title and a colour scale, and the confusion
 * matrix as a table of coloured cells. Each panel is scaled to its own range, which its scale says.
 */
final class Pictures {
    private Pictures() {
    }

    /** How a panel's values become colours. */
    enum Palette {
        /** Black (low) to white (high): images and feature maps. */
        GRAY,
        /** Black, purple, orange, yellow (an inferno-like scale): saliency, Grad-CAM, counts. */
        HEAT,
        /** Blue (negative), white (0), red (positive), symmetric about 0: signed maps and kernels. */
        SIGNED
    }

    /** One panel: h x w values, its caption, its palette, and optionally the image under a heatmap. */
    record Panel(String caption, float[] values, int h, int w, Palette palette, float[] under) {
        Panel(String caption, float[] values, int h, int w, Palette palette) {
            this(caption, values, h, w, palette, null);
        }
    }

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15), TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    /**
     * A grid of panels, cols wide, each drawn scale pixels per value, with the title on top and
     * the colour scale of palette at the bottom.
     */
    static void grid(Path file, String title, List<Panel> panels, int cols, int scale, Palette palette, String scaleNote) throws IOException {
        int h = panels.stream().mapToInt(Panel::h).max().orElse(1) * scale, w = panels.stream().mapToInt(Panel::w).max().orElse(1) * scale;
        int cellW = Math.max(w, 64) + 10, cellH = h + 30, rows = (panels.size() + cols - 1) / cols;
        int width = Math.max(cols * cellW + 20, Math.max(textWidth(TITLE, title), textWidth(TEXT, scaleNote)) + 24), height = 40 + rows * cellH + 56;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setFont(TITLE);
        g.drawString(title, 10, 24);
        g.setFont(TEXT);
        for (int i = 0; i < panels.size(); i++) {
            Panel p = panels.get(i);
            int x0 = 10 + (i % cols) * cellW, y0 = 36 + (i / cols) * cellH;
            g.drawImage(panel(p, scale), x0, y0, null);
            g.setColor(Color.BLACK);
            g.drawString(p.caption(), x0, y0 + p.h() * scale + 14);
        }
        colourBar(g, palette, 10, height - 44, Math.min(300, width - 20), scaleNote);
        g.dispose();
        write(file, img);
    }

    /** The confusion matrix: a cell per (true, predicted) pair with its count, coloured by count. */
    static void confusion(Path file, String title, int[][] m) throws IOException {
        int k = m.length, cell = 40, left = 70, top = 70;
        BufferedImage img = new BufferedImage(left + k * cell + 30, top + k * cell + 90, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img);
        g.setFont(TITLE);
        g.drawString(title, 10, 22);
        g.setFont(TEXT);
        g.drawString("predicted class", left + k * cell / 2 - 40, top - 26);
        int max = 1;
        for (int[] row : m) for (int v : row) max = Math.max(max, v);
        for (int i = 0; i < k; i++) {
            g.setColor(Color.BLACK);
            g.drawString(String.valueOf(i), left + i * cell + cell / 2 - 3, top - 8);
            g.drawString(String.valueOf(i), left - 16, top + i * cell + cell / 2 + 4);
            for (int j = 0; j < k; j++) {
                // A log scale, so that the few mistakes show beside the large diagonal.
                double t = Math.log1p(m[i][j]) / Math.log1p(max);
                g.setColor(new Color(colour(Palette.HEAT, (float) t)));
                g.fillRect(left + j * cell, top + i * cell, cell, cell);
                g.setColor(t > 0.6 ? Color.BLACK : Color.WHITE);
                String s = String.valueOf(m[i][j]);
                g.drawString(s, left + j * cell + cell / 2 - g.getFontMetrics().stringWidth(s) / 2, top + i * cell + cell / 2 + 4);
            }
        }
        g.setColor(Color.BLACK);
        g.rotate(-Math.PI / 2);
        g.drawString("true class", -(top + k * cell / 2 + 25), 20);
        g.rotate(Math.PI / 2);
        colourBar(g, Palette.HEAT, 10, top + k * cell + 30, k * cell, "count, log scale: 0 to " + max);
        g.dispose();
        write(file, img);
    }

    private static int textWidth(Font f, String s) {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        int w = g.getFontMetrics(f).stringWidth(s);
        g.dispose();
        return w;
    }

    private static Graphics2D canvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        return g;
    }

    private static BufferedImage panel(Panel p, int scale) {
        float[] v = p.values();
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float f : v) {
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
        }
        if (p.palette() == Palette.SIGNED) {
            hi = Math.max(Math.abs(lo), Math.abs(hi));
            lo = -hi;
        }
        float span = hi > lo ? hi - lo : 1;
        BufferedImage img = new BufferedImage(p.w() * scale, p.h() * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < p.h() * scale; y++) {
            for (int x = 0; x < p.w() * scale; x++) {
                int at = y / scale * p.w() + x / scale;
                int c = colour(p.palette(), (v[at] - lo) / span);
                if (p.under() != null) c = blend(colour(Palette.GRAY, p.under()[at]), c, 0.35f + 0.5f * (v[at] - lo) / span);
                img.setRGB(x, y, c);
            }
        }
        Graphics2D g = img.createGraphics();
        g.setColor(Color.LIGHT_GRAY);
        g.setStroke(new BasicStroke(1));
        g.drawRect(0, 0, img.getWidth() - 1, img.getHeight() - 1);
        g.dispose();
        return img;
    }

    private static void colourBar(Graphics2D g, Palette palette, int x0, int y0, int w, String note) {
        for (int x = 0; x < w; x++) {
            g.setColor(new Color(colour(palette, (float) x / (w - 1))));
            g.drawLine(x0 + x, y0, x0 + x, y0 + 12);
        }
        g.setColor(Color.BLACK);
        String lo = palette == Palette.SIGNED ? "-max" : "min", hi = "max";
        g.drawString(lo, x0, y0 + 26);
        if (palette == Palette.SIGNED) g.drawString("0", x0 + w / 2 - 3, y0 + 26);
        g.drawString(hi, x0 + w - g.getFontMetrics().stringWidth(hi), y0 + 26);
        g.drawString(note, x0, y0 + 40);
    }

    /** The RGB colour of t in [0, 1] (clamped). */
    static int colour(Palette p, float t) {
        t = Float.isNaN(t) ? 0 : Math.min(1, Math.max(0, t));
        return switch (p) {
            case GRAY -> rgb(t, t, t);
            case SIGNED -> t < 0.5f ? rgb(2 * t * 0.9f + 0.1f, 2 * t * 0.9f + 0.1f, 1) : rgb(1, 2 * (1 - t) * 0.9f + 0.1f, 2 * (1 - t) * 0.9f + 0.1f);
            case HEAT -> heat(t);
        };
    }

    private static final float[][] INFERNO = {{0, 0, 0.02f}, {0.34f, 0.06f, 0.43f}, {0.73f, 0.21f, 0.33f}, {0.98f, 0.55f, 0.04f}, {0.99f, 1, 0.64f}};

    private static int heat(float t) {
        float f = t * (INFERNO.length - 1);
        int i = Math.min((int) f, INFERNO.length - 2);
        float u = f - i;
        float[] a = INFERNO[i], b = INFERNO[i + 1];
        return rgb(a[0] + u * (b[0] - a[0]), a[1] + u * (b[1] - a[1]), a[2] + u * (b[2] - a[2]));
    }

    private static int rgb(float r, float g, float b) {
        return (Math.round(255 * r) << 16) | (Math.round(255 * g) << 8) | Math.round(255 * b);
    }

    private static int blend(int base, int top, float alpha) {
        alpha = Math.min(1, Math.max(0, alpha));
        int out = 0;
        for (int s = 0; s <= 16; s += 8) {
            int a = (base >> s) & 255, b = (top >> s) & 255;
            out |= Math.round(a * (1 - alpha) + b * alpha) << s;
        }
        return out;
    }

    private static void write(Path file, BufferedImage img) throws IOException {
        AtomicFiles.write(file, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer for " + file);
        });
    }
}
