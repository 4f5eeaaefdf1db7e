package io.neurite.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Images from a directory, the way users bring their own data: PNG, JPEG, BMP or GIF files,
 * grayscale or colour, converted to the requested channels, resized (bilinear) to one size and
 * returned as NCHW samples in [0, 1] with int labels. Two layouts:
 * <ul>
 *   <li><b>A label file</b>: {@code DIR/labels.csv} with lines {@code filename,label}, the file
 *       name relative to DIR (sub-paths allowed) and an optional header line {@code filename,label}.
 *       If every label is a non-negative integer it is the class index; otherwise the labels are
 *       class names, numbered in sorted order. Samples keep the file's order.</li>
 *   <li><b>A sub-folder per class</b>, as Keras' {@code image_dataset_from_directory} with
 *       {@code labels="inferred"}: {@code DIR/cat/1.png, DIR/dog/a/2.jpg}; the classes are the
 *       sub-folder names in sorted order (cat = 0, dog = 1), each searched recursively; files at
 *       the top level and files that are not images are ignored. Samples are sorted by class, then path.</li>
 * </ul>
 * Colour becomes gray with TensorFlow's rgb_to_grayscale weights (0.2989, 0.587, 0.114); gray
 * becomes colour by repeating it; alpha is dropped. Grayscale files are read from their raster,
 * because {@code BufferedImage.getRGB} would apply a gamma conversion to them.
 *
 * <pre>{@code
 * ImageFolder.Result r = ImageFolder.load(Path.of("digits"), 28, 28, 1);
 * Dataset train = r.data();                       // [n, 1, 28, 28]
 * List<String> names = r.classNames();
 * }</pre>
 */
public final class ImageFolder {
    /** The name of the label file that selects the first layout. */
    public static final String LABEL_FILE = "labels.csv";
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");
    private static final double[] LUMA = {0.2989, 0.5870, 0.1140};

    /** The samples, the class name of each label index, and the file of each sample. */
    public record Result(Dataset data, List<String> classNames, List<Path> files) {
    }

    private ImageFolder() {
    }

    /**
     * Loads every image under dir.
     *
     * @param channels 1 (grayscale) or 3 (RGB)
     */
    public static Result load(Path dir, int height, int width, int channels) throws IOException {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 (grayscale) or 3 (RGB), got " + channels);
        if (height < 1 || width < 1) throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        if (!Files.isDirectory(dir)) throw new IOException("image folder " + dir + " does not exist");
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> classes = Files.isRegularFile(dir.resolve(LABEL_FILE)) ? readLabelFile(dir, files, labels) : scanClassFolders(dir, files, labels);
        if (files.isEmpty()) throw new IOException(dir + ": no images (.png, .jpg, .jpeg, .bmp, .gif) found");
        int sample = channels * height * width;
        float[] x = new float[files.size() * sample];
        int[] y = new int[files.size()];
        for (int i = 0; i < y.length; i++) {
            System.arraycopy(readImage(files.get(i), height, width, channels), 0, x, i * sample, sample);
            y[i] = labels.get(i);
        }
        return new Result(Dataset.ofLabels(x, new int[] {channels, height, width}, y), List.copyOf(classes), List.copyOf(files));
    }

    /** One image as [channels, height, width] in [0, 1]. */
    public static float[] readImage(Path file, int height, int width, int channels) throws IOException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": cannot decode the image (" + e.getMessage() + ")", e);
        }
        if (img == null) throw new IOException(file + ": not an image format ImageIO can read (PNG, JPEG, BMP, GIF)");
        int h0 = img.getHeight(), w0 = img.getWidth();
        float[] planes = toChannels(pixels(img), h0 * w0, channels);
        return h0 == height && w0 == width ? planes : Bilinear.resize(planes, channels, h0, w0, height, width);
    }

    /** The image as gray [1, h, w] or colour [3, h, w] planes in [0, 1], whichever it holds. */
    private static float[] pixels(BufferedImage img) {
        int h = img.getHeight(), w = img.getWidth(), n = h * w;
        Raster raster = img.getRaster();
        boolean gray = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(img.getColorModel() instanceof IndexColorModel);
        if (gray) {
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            float[] out = new float[n];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) out[y * w + x] = raster.getSample(x, y, 0) / max;
            }
            return out;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            out[i] = ((argb[i] >> 16) & 0xFF) / 255f;
            out[n + i] = ((argb[i] >> 8) & 0xFF) / 255f;
            out[2 * n + i] = (argb[i] & 0xFF) / 255f;
        }
        return out;
    }

    private static float[] toChannels(float[] planes, int n, int channels) {
        int have = planes.length / n;
        if (have == channels) return planes;
        float[] out = new float[channels * n];
        if (channels == 3) {
            for (int c = 0; c < 3; c++) System.arraycopy(planes, 0, out, c * n, n);
        } else {
            for (int i = 0; i < n; i++) out[i] = (float) (LUMA[0] * planes[i] + LUMA[1] * planes[n + i] + LUMA[2] * planes[2 * n + i]);
        }
        return out;
    }

    private static List<String> scanClassFolders(Path dir, List<Path> files, List<Integer> labels) throws IOException {
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(dir)) {
            classDirs = s.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList();
        }
        if (classDirs.isEmpty()) {
            throw new IOException(dir + ": neither a " + LABEL_FILE + " (filename,label lines) nor class sub-folders (DIR/CLASS/IMAGE)");
        }
        List<String> classes = new ArrayList<>();
        for (Path c : classDirs) {
            try (Stream<Path> s = Files.walk(c)) {
                for (Path f : s.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted().toList()) {
                    files.add(f);
                    labels.add(classes.size());
                }
            }
            classes.add(c.getFileName().toString());
        }
        return classes;
    }

    private static List<String> readLabelFile(Path dir, List<Path> files, List<Integer> labels) throws IOException {
        Path labelFile = dir.resolve(LABEL_FILE);
        List<String> lines = DataErrors.naming(labelFile.toString(), () -> Files.readAllLines(labelFile, StandardCharsets.UTF_8));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || (i == 0 && line.replace(" ", "").equalsIgnoreCase("filename,label"))) continue;
            int comma = line.lastIndexOf(',');
            if (comma <= 0 || comma == line.length() - 1) {
                throw new IOException(labelFile + ":" + (i + 1) + ":1: expected 'filename,label', found '" + line + "'");
            }
            Path f = dir.resolve(line.substring(0, comma).strip()).normalize();
            if (!Files.isRegularFile(f)) throw new IOException(labelFile + ":" + (i + 1) + ":1: image " + f + " does not exist");
            files.add(f);
            names.add(line.substring(comma + 1).strip());
        }
        boolean numeric = names.stream().allMatch(n -> n.chars().allMatch(Character::isDigit) && n.length() <= 9);
        List<String> classes;
        if (numeric) {
            int max = names.stream().mapToInt(Integer::parseInt).max().orElse(-1);
            classes = new ArrayList<>();
            for (int c = 0; c <= max; c++) classes.add(Integer.toString(c));
        } else {
            classes = new ArrayList<>(new TreeSet<>(names));
        }
        for (String n : names) labels.add(numeric ? Integer.parseInt(n) : classes.indexOf(n));
        return classes;
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return !hidden(p) && dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }
}
