package io.neurite.fuzz;

import static io.neurite.fuzz.Refusals.refusedCleanly;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.neurite.data.ImageFolder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** An image folder's labels.csv, beside two small images (a.png, sub/b.png) it can name. */
class ImageFolderFuzzTest {
    private static final Path DIR = Refusals.scratch("images");

    static {
        try {
            Files.createDirectories(DIR.resolve("sub"));
            ImageIO.write(new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY), "png", DIR.resolve("a.png").toFile());
            ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", DIR.resolve("sub/b.png").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "5m")
    void labels(byte[] data) {
        Path file = DIR.resolve(ImageFolder.LABEL_FILE);
        Refusals.put(file, data);
        refusedCleanly(DIR.toString(), () -> {
            ImageFolder.Result r = ImageFolder.load(DIR, 2, 2, 1);
            for (int y : r.data().labels()) {
                if (y < 0 || y >= r.classNames().size()) throw new AssertionError("label " + y + " of " + r.classNames());
            }
        });
    }
}
