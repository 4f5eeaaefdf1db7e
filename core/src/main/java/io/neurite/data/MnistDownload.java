package io.neurite.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Fetches the four MNIST files into a cache directory ({@code $NEURITE_HOME/datasets/mnist}, or
 * {@code ~/.neurite/datasets/mnist}), trying each mirror in turn and checking each file's SHA-256.
 * A file already present with the right checksum is kept; anything else is downloaded again.
 * Each download goes to a hidden temporary file in the same directory, renamed into place only
 * once its length and checksum are right, so an interrupted or failed download never leaves a
 * file that {@link Mnist#load} would read.
 *
 * <pre>{@code
 * Path dir = new MnistDownload(MnistDownload.defaultDirectory()).log(System.out).fetch();
 * Mnist.Split s = Mnist.load(dir);   // 60,000 / 10,000
 * }</pre>
 */
public final class MnistDownload {
    /** Public mirrors of Yann LeCun's original files (PyTorch's and TensorFlow's). */
    public static final List<String> MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/");

    /**
     * MD5 of each gzipped file, as torchvision's MNIST.resources lists them: kept for users who
     * compare with torchvision's cache; the standard download checks {@link #SHA256}.
     */
    public static final Map<String, String> MD5 = Map.of(
            Mnist.TRAIN_IMAGES + ".gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            Mnist.TRAIN_LABELS + ".gz", "d53e105ee54ea40749a09fcbcd1e9432",
            Mnist.TEST_IMAGES + ".gz", "9fb629c4189551a2d022fa330f9573f3",
            Mnist.TEST_LABELS + ".gz", "ec29112dd5afa0611ce80d1b7f02629c");

    /**
     * SHA-256 of each gzipped file. The t10k ones were computed from the copies this project
     * carries; the train ones are the digests TensorFlow Datasets and other independent
     * downloaders publish for the same official files (9,912,422 and 28,881 bytes), which agree
     * with each other and, for t10k, with ours.
     */
    public static final Map<String, String> SHA256 = Map.of(
            Mnist.TRAIN_IMAGES + ".gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            Mnist.TRAIN_LABELS + ".gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            Mnist.TEST_IMAGES + ".gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            Mnist.TEST_LABELS + ".gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6");

    /** What the standard download checks: every file's SHA-256 (MD5 alone is not collision-resistant). */
    public static final Map<String, String> CHECKSUMS = java.util.Collections.unmodifiableMap(new TreeMap<>(SHA256));

    private static final String PART = ".part";
    private final Path dir;
    private final List<String> mirrors;
    private final Map<String, String> md5;
    private int timeoutMillis = 30_000;
    private PrintStream log;

    /** The standard mirrors and checksums into dir. */
    public MnistDownload(Path dir) {
        this(dir, MIRRORS, CHECKSUMS);
    }

    /**
     * Other mirrors (base URLs the file names are appended to) and files (name to lower-case hex
     * checksum: 64 digits are a SHA-256, 32 an MD5), e.g. a local server in tests.
     */
    public MnistDownload(Path dir, List<String> mirrors, Map<String, String> md5) {
        if (mirrors.isEmpty()) throw new IllegalArgumentException("no mirrors to download from");
        this.dir = dir;
        this.mirrors = mirrors.stream().map(m -> m.endsWith("/") ? m : m + "/").toList();
        for (Map.Entry<String, String> f : md5.entrySet()) algorithm(f.getValue()); // refuses a checksum of another length
        this.md5 = new TreeMap<>(md5);
    }

    /** $NEURITE_HOME/datasets/mnist, or ~/.neurite/datasets/mnist without it. */
    public static Path defaultDirectory() {
        String home = System.getenv("NEURITE_HOME");
        Path base = home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"), ".neurite");
        return base.resolve("datasets").resolve("mnist");
    }

    /** Reports each file (cached, downloaded, or a mirror's failure) to out. */
    public MnistDownload log(PrintStream out) {
        log = out;
        return this;
    }

    /** Connect and read timeout per mirror. */
    public MnistDownload timeoutMillis(int ms) {
        timeoutMillis = ms;
        return this;
    }

    /** Makes sure every file is present with its checksum; returns the directory. */
    public Path fetch() throws IOException {
        Files.createDirectories(dir);
        removeStaleParts();
        for (Map.Entry<String, String> f : md5.entrySet()) fetch(f.getKey(), f.getValue());
        return dir;
    }

    private void fetch(String name, String expected) throws IOException {
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target)) {
            String have = checksum(target, algorithm(expected));
            if (have.equals(expected)) {
                say(name + ": cached in " + dir);
                return;
            }
            say(name + ": the cached copy has " + algorithm(expected) + " " + have + ", not " + expected + "; downloading it again");
        }
        List<String> failures = new ArrayList<>();
        for (String mirror : mirrors) {
            String url = mirror + name;
            Path part = Files.createTempFile(dir, "." + name + ".", PART);
            try {
                long bytes = download(url, part, expected);
                move(part, target);
                say(name + ": " + bytes + " bytes from " + mirror + ", " + algorithm(expected) + " verified");
                return;
            } catch (IOException e) {
                failures.add(url + ": " + describe(e));
                say(name + ": " + url + " failed (" + describe(e) + "), trying the next mirror");
            } finally {
                Files.deleteIfExists(part);
            }
        }
        throw new IOException("cannot download " + name + " into " + dir + " from any mirror: " + String.join("; ", failures));
    }

    /** Streams url into part, checking the length the server announced and the checksum; returns the byte count. */
    private long download(String url, Path part, String expected) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(timeoutMillis);
        c.setReadTimeout(timeoutMillis);   // a stalled server fails over instead of hanging the job
        try {
            int status = c.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) throw new IOException("HTTP " + status);
            long announced = c.getContentLengthLong();
            MessageDigest digest = digest(algorithm(expected));
            long n = 0;
            InputStream in = c.getInputStream();
            try (OutputStream out = Files.newOutputStream(part)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; n += r) {
                    digest.update(buf, 0, r);
                    out.write(buf, 0, r);
                }
            } catch (IOException e) {
                // Drop the socket first: closing the stream would wait to drain a stalled body for reuse.
                c.disconnect();
                throw new IOException("connection lost after " + n + " bytes" + (announced >= 0 ? " of " + announced : "") + " (" + describe(e) + ")", e);
            } finally {
                in.close();
            }
            if (announced >= 0 && n != announced) throw new IOException("truncated: " + n + " of " + announced + " bytes");
            String got = HexFormat.of().formatHex(digest.digest());
            if (!got.equals(expected)) throw new IOException("checksum mismatch: " + algorithm(expected) + " " + got + ", expected " + expected);
            return n;
        } finally {
            c.disconnect();
        }
    }

    private static void move(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes temporary files a killed earlier run left behind. */
    private void removeStaleParts() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && n.endsWith(PART) && md5.keySet().stream().anyMatch(f -> n.startsWith("." + f + "."))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The lower-case hex MD5 of a file. */
    public static String md5(Path file) throws IOException {
        return checksum(file, "MD5");
    }

    /** The lower-case hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        return checksum(file, "SHA-256");
    }

    private static String checksum(Path file, String algorithm) throws IOException {
        MessageDigest digest = digest(algorithm);
        try (InputStream in = Files.newInputStream(DataFiles.regular(file))) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) digest.update(buf, 0, r);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 for a 64-digit checksum, MD5 for a 32-digit one. */
    private static String algorithm(String hex) {
        if (hex != null && hex.matches("[0-9a-f]{64}")) return "SHA-256";
        if (hex != null && hex.matches("[0-9a-f]{32}")) return "MD5";
        throw new IllegalArgumentException("a checksum is 64 (SHA-256) or 32 (MD5) lower-case hex digits, not '" + hex + "'");
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides " + algorithm, e);
        }
    }

    /** Our own failures speak for themselves; the JDK's often carry only a host name, so add their kind. */
    private static String describe(IOException e) {
        if (e instanceof java.net.UnknownHostException) return "unknown host " + e.getMessage() + " (no network or DNS?)";
        return e.getClass() == IOException.class ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private void say(String line) {
        if (log != null) log.println(line);
    }
}
