package io.neurite.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A FIFO (or another non-regular file) given as an input is refused naming its path instead of
 * blocking the reader; a label file naming an image outside its folder is refused naming the line.
 */
class NonRegularInputTest {
    @TempDir
    Path dir;

    private Path fifo(String name) throws Exception {
        Path p = dir.resolve(name);
        Process mk;
        try {
            mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("mkfifo is not available: " + e.getMessage());
            return null;
        }
        Assumptions.assumeTrue(mk.waitFor() == 0 && Files.exists(p), "mkfifo failed");
        return p;
    }

    private static void refusedQuickly(Path named, Executable read) {
        // Before the fix the readers block on open(2) of the FIFO: the timeout turns a hang into a failure.
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(IOException.class, read));
        assertTrue(e.getMessage().contains(named.toString()) && e.getMessage().contains("not a regular file"), e.getMessage());
    }

    @Test
    void fifosAreRefusedByEveryReader() throws Exception {
        Path f = fifo("train-images-idx3-ubyte");
        refusedQuickly(f, () -> Idx.read(f));
        refusedQuickly(f, () -> Csv.read(f, new int[] {4}));
        refusedQuickly(f, () -> Mnist.load(dir));
        refusedQuickly(f, () -> ImageFolder.readImage(f, 2, 2, 1));
        refusedQuickly(f, () -> MnistDownload.md5(f));
        Path labels = fifo(ImageFolder.LABEL_FILE);
        refusedQuickly(labels, () -> ImageFolder.load(dir, 2, 2, 1));
    }

    private Path folderWith(String line) throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY), "png", images.resolve("in.png").toFile());
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve("x.png").toFile());
        Files.writeString(images.resolve(ImageFolder.LABEL_FILE), "filename,label\nin.png,0\n" + line + "\n");
        return images;
    }

    private void outside(Path images, String says) {
        IOException e = assertThrows(IOException.class, () -> ImageFolder.load(images, 2, 2, 1));
        assertTrue(e.getMessage().contains(ImageFolder.LABEL_FILE + ":3:") && e.getMessage().contains(says), e.getMessage());
    }

    @Test
    void labelFilesCannotNameImagesOutsideTheirFolder() throws IOException {
        outside(folderWith("../x.png,1"), "outside the folder");
        outside(folderWith(dir.resolve("x.png").toAbsolutePath() + ",1"), "outside the folder");
        Path images = folderWith("sub/../../x.png,1");
        outside(images, "outside the folder");
        Path link = images.resolve("link.png");
        try {
            Files.createSymbolicLink(link, dir.resolve("x.png"));
        } catch (UnsupportedOperationException | IOException e) {
            Assumptions.abort("no symbolic links here");
        }
        Files.writeString(images.resolve(ImageFolder.LABEL_FILE), "filename,label\nin.png,0\nlink.png,1\n");
        outside(images, "links outside the folder");
        Files.writeString(images.resolve(ImageFolder.LABEL_FILE), "filename,label\nin.png,0\n");
        assertTrue(ImageFolder.load(images, 2, 2, 1).files().size() == 1, "an image inside the folder still loads");
    }
}
