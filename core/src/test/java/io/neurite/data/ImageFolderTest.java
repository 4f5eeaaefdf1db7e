package io.neurite.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image-folder reader on PNG and JPEG files this test writes: both layouts, colour conversion, resizing, errors. */
class ImageFolderTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** A gray image whose pixel (x, y) is (x * 37 + y * 11 + seed) mod 256. */
    private static BufferedImage gray(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, grayValue(x, y, seed));
        return img;
    }

    private static int grayValue(int x, int y, int seed) {
        return (x * 37 + y * 11 + seed) % 256;
    }

    /** An RGB image with red = 10x, green = 20y, blue = seed. */
    private static BufferedImage rgb(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (10 * x) << 16 | (20 * y) << 8 | seed);
        return img;
    }

    private Path save(BufferedImage img, String relative, String format) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        assertTrue(ImageIO.write(img, format, p.toFile()), "no ImageIO writer for " + format);
        return p;
    }

    @Test
    void readsClassSubFoldersInSortedOrder() throws IOException {
        save(gray(4, 3, 0), "root/zebra/b.png", "png");
        save(gray(4, 3, 5), "root/zebra/a.png", "png");
        save(rgb(4, 3, 100), "root/cat/nested/c.png", "png");
        save(gray(4, 3, 9), "root/cat/d.jpg", "jpeg");
        Files.writeString(dir.resolve("root/cat/notes.txt"), "not an image");
        Files.writeString(dir.resolve("root/top.png"), "ignored: not in a class folder");
        ImageFolder.Result r = ImageFolder.load(dir.resolve("root"), 3, 4, 1);
        assertEquals(List.of("cat", "zebra"), r.classNames());
        assertArrayEquals(new int[] {0, 0, 1, 1}, r.data().labels());
        assertArrayEquals(new int[] {1, 3, 4}, r.data().sampleShape());
        assertEquals(List.of("d.jpg", "c.png", "a.png", "b.png"), r.files().stream().map(p -> p.getFileName().toString()).toList());
        float[] x = r.data().features();
        for (int y = 0; y < 3; y++) {
            for (int c = 0; c < 4; c++) {
                // PNG is lossless and gray samples are read raw (no gamma): exact.
                assertEquals(grayValue(c, y, 5) / 255f, x[2 * 12 + y * 4 + c], 0, "a.png");
                assertEquals(grayValue(c, y, 0) / 255f, x[3 * 12 + y * 4 + c], 0, "b.png");
                double luma = (0.2989 * 10 * c + 0.587 * 20 * y + 0.114 * 100) / 255;
                assertEquals(luma, x[12 + y * 4 + c], 1e-6, "c.png, colour to gray");
                assertEquals(grayValue(c, y, 9) / 255f, x[y * 4 + c], 0.08, "d.jpg is lossy");
            }
        }
    }

    @Test
    void givesColourChannelsAndRepeatsGray() throws IOException {
        save(rgb(5, 2, 77), "c/a/rgb.png", "png");
        save(gray(5, 2, 3), "c/b/gray.png", "png");
        Dataset d = ImageFolder.load(dir.resolve("c"), 2, 5, 3).data();
        assertArrayEquals(new int[] {3, 2, 5}, d.sampleShape());
        float[] x = d.features();
        for (int y = 0; y < 2; y++) {
            for (int c = 0; c < 5; c++) {
                int i = y * 5 + c;
                assertEquals(10 * c / 255f, x[i], 0);
                assertEquals(20 * y / 255f, x[10 + i], 0);
                assertEquals(77 / 255f, x[20 + i], 0);
                for (int ch = 0; ch < 3; ch++) assertEquals(grayValue(c, y, 3) / 255f, x[30 + ch * 10 + i], 0);
            }
        }
    }

    @Test
    void resizesBilinearlyWithHalfPixelCentres() throws IOException {
        int[][] sizes = {{3, 7, 17, 5}, {28, 28, 14, 14}, {1, 1, 3, 3}, {33, 17, 7, 29}};
        for (int[] s : sizes) {
            int h0 = s[0], w0 = s[1], h = s[2], w = s[3];
            Path p = save(gray(w0, h0, h0 + w0), "r/" + h0 + "x" + w0 + ".png", "png");
            float[] got = ImageFolder.readImage(p, h, w, 1);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double want = referenceBilinear(h0, w0, h0 + w0, (y + 0.5) * h0 / h - 0.5, (x + 0.5) * w0 / w - 0.5);
                    assertEquals(want, got[y * w + x], 1e-5, h0 + "x" + w0 + " to " + h + "x" + w + " at " + y + "," + x);
                }
            }
        }
    }

    /** Bilinear interpolation of the gray test image, each of the four taps clamped to the image. */
    private static double referenceBilinear(int h, int w, int seed, double y, double x) {
        int y0 = (int) Math.floor(y), x0 = (int) Math.floor(x);
        double sum = 0;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                double weight = (dy == 0 ? 1 - (y - y0) : y - y0) * (dx == 0 ? 1 - (x - x0) : x - x0);
                int yy = Math.clamp(y0 + dy, 0, h - 1), xx = Math.clamp(x0 + dx, 0, w - 1);
                sum += weight * grayValue(xx, yy, seed) / 255.0;
            }
        }
        return sum;
    }

    @Test
    void readsALabelFileWithIndicesOrNames() throws IOException {
        save(gray(2, 2, 1), "l/img/one.png", "png");
        save(gray(2, 2, 2), "l/two.png", "png");
        save(gray(2, 2, 3), "l/three.png", "png");
        Files.writeString(dir.resolve("l/labels.csv"), "filename,label\nimg/one.png,4\ntwo.png,0\n\nthree.png,4\n");
        ImageFolder.Result r = ImageFolder.load(dir.resolve("l"), 2, 2, 1);
        assertArrayEquals(new int[] {4, 0, 4}, r.data().labels());
        assertEquals(List.of("0", "1", "2", "3", "4"), r.classNames());
        assertEquals(1 / 255f, r.data().features()[0], 0, "samples keep the label file's order");
        Files.writeString(dir.resolve("l/labels.csv"), "img/one.png,dog\ntwo.png,cat\nthree.png,dog\n");
        r = ImageFolder.load(dir.resolve("l"), 2, 2, 1);
        assertEquals(List.of("cat", "dog"), r.classNames());
        assertArrayEquals(new int[] {1, 0, 1}, r.data().labels());
    }

    @Test
    void refusesMissingAndBrokenInputNamingTheFile() throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        expect(dir.resolve("empty"), "neither a labels.csv");
        expect(dir.resolve("absent"), "does not exist");
        save(gray(2, 2, 0), "m/a.png", "png");
        Files.writeString(dir.resolve("m/labels.csv"), "a.png,1\nb.png,2\n");
        expect(dir.resolve("m"), "labels.csv:2:1: image " + dir.resolve("m/b.png") + " does not exist");
        Files.writeString(dir.resolve("m/labels.csv"), "a.png,1\njust-a-name\n");
        expect(dir.resolve("m"), "labels.csv:2:1: expected 'filename,label'");
        Files.createDirectories(dir.resolve("bad/x"));
        Files.write(dir.resolve("bad/x/broken.png"), new byte[] {1, 2, 3, 4, 5});
        expect(dir.resolve("bad"), "broken.png");
        Files.createDirectories(dir.resolve("none/x"));
        expect(dir.resolve("none"), "no images");
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.load(dir.resolve("m"), 2, 2, 4));
    }

    private void expect(Path folder, String fragment) {
        IOException e = assertThrows(IOException.class, () -> ImageFolder.load(folder, 2, 2, 1));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
