package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --plot PNG (XChart): one chart per metric with both curves, written headless and atomically; early refusal of a bad path. */
class PlotTest {
    @TempDir
    Path dir;

    @Test
    void drawsAChartPerMetricWithTrainingAndValidationCurves() throws IOException {
        Map<String, List<Double>> v = new LinkedHashMap<>();
        v.put("lr", List.of(0.1, 0.1, 0.1));
        v.put("loss", List.of(1.9, 0.9, 0.5));
        v.put("accuracy", List.of(0.4, 0.8, 0.9));
        v.put("val_loss", List.of(1.0, 0.7, 0.6));
        v.put("val_accuracy", List.of(0.8, 0.85, 0.88));
        Path file = dir.resolve("curves.png");
        Plot.write(file, "mlp on cpu:0", List.of(1, 2, 3), v);
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(2 * Plot.WIDTH, img.getWidth(), "two charts: loss and accuracy (lr is not plotted)");
        assertEquals(Plot.HEIGHT, img.getHeight());
        for (int chart = 0; chart < 2; chart++) {
            assertTrue(count(img, chart * Plot.WIDTH, Plot.TRAIN.getRGB()) > 100, "training curve in chart " + chart);
            assertTrue(count(img, chart * Plot.WIDTH, Plot.VALIDATION.getRGB()) > 100, "validation curve in chart " + chart);
        }
        try (var s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList(), "no temporary file left");
        }
    }

    private static int count(BufferedImage img, int x0, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = x0; x < x0 + Plot.WIDTH; x++) n += (img.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF) ? 1 : 0;
        }
        return n;
    }

    @Test
    void drawsASingleEpochATrainingOnlyRunAndADivergedLoss() throws IOException {
        Plot.write(dir.resolve("one.png"), "t", List.of(4), Map.of("loss", List.of(0.3)));
        BufferedImage one = ImageIO.read(dir.resolve("one.png").toFile());
        assertEquals(Plot.WIDTH, one.getWidth());
        assertTrue(count(one, 0, Plot.TRAIN.getRGB()) > 20, "the single point is drawn");
        Plot.write(dir.resolve("nan.png"), "t", List.of(1, 2, 3), Map.of("loss", List.of(2.0, Double.NaN, Double.POSITIVE_INFINITY)));
        assertEquals(Plot.WIDTH, ImageIO.read(dir.resolve("nan.png").toFile()).getWidth());
        assertThrows(IOException.class, () -> Plot.write(dir.resolve("none.png"), "t", List.of(), Map.of()));
    }

    @Test
    void replacesAnEarlierPlotAndCreatesMissingDirectories() throws IOException {
        Path file = dir.resolve("a/b/p.png");
        new Plot.Recorder(file, null);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "old");
        Plot.write(file, "t", List.of(1, 2), Map.of("loss", List.of(1.0, 0.5)));
        assertEquals(Plot.WIDTH, ImageIO.read(file.toFile()).getWidth());
    }

    @Test
    void refusesAnUnwritablePathBeforeTraining() throws IOException {
        Path notADir = Files.writeString(dir.resolve("file"), "x");
        IOException e = assertThrows(IOException.class, () -> new Plot.Recorder(notADir.resolve("p.png"), null));
        assertTrue(e.getMessage().contains("--plot") && e.getMessage().contains("is not a directory"), e.getMessage());
        e = assertThrows(IOException.class, () -> new Plot.Recorder(dir, null));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }
}
