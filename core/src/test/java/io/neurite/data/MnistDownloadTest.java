package io.neurite.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downloader against a local HTTP server whose mirrors serve the test's files correctly,
 * corrupted, truncated (the connection drops before the announced length, or the file itself is
 * short), not at all (404), or stall: each bad mirror must be skipped, and no partial file may remain.
 */
class MnistDownloadTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private ServerSocket dropping;
    private ExecutorService pool;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, String> md5 = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        for (String name : new String[] {"a.gz", "b.gz"}) {
            byte[] content = new byte[100_000 + r.nextInt(1000)];
            for (int i = 0; i < content.length; i++) content[i] = (byte) r.nextInt();
            files.put(name, content);
            md5.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)));
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        pool = Executors.newCachedThreadPool();
        server.setExecutor(pool);
        serve("/good/", b -> b);
        serve("/corrupt/", b -> {
            byte[] c = b.clone();
            c[c.length / 2] ^= 1;
            return c;
        });
        serve("/short/", b -> java.util.Arrays.copyOf(b, b.length / 2));
        server.createContext("/missing/", ex -> reply(ex, 404, new byte[0], 0));
        server.createContext("/stalled/", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, files.get(name(ex)).length);
            ex.getResponseBody().write(new byte[10]);
            ex.getResponseBody().flush();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.start();
        dropping = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.submit(this::dropHalfway);
    }

    /**
     * A raw HTTP mirror that announces the whole file, sends half of it and closes the
     * connection (HttpServer cannot close early: it would leave the client waiting instead).
     */
    private void dropHalfway() {
        while (!dropping.isClosed()) {
            try (Socket s = dropping.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                String path = in.readLine().split(" ")[1], header;
                do {
                    header = in.readLine();
                } while (header != null && !header.isEmpty());
                byte[] b = files.get(path.substring(path.lastIndexOf('/') + 1));
                requests.incrementAndGet();
                OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + b.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(b, 0, b.length / 2);
                out.flush();
            } catch (IOException e) {
                // closed by stop(), or the client went away
            }
        }
    }

    @AfterEach
    void stop() throws IOException {
        server.stop(0);
        dropping.close();
        pool.shutdownNow();
    }

    private void serve(String prefix, UnaryOperator<byte[]> content) {
        server.createContext(prefix, ex -> {
            byte[] b = files.get(name(ex));
            byte[] body = b == null ? null : content.apply(b);
            if (body == null) reply(ex, 404, new byte[0], 0);
            else reply(ex, 200, body, body.length);
        });
    }

    private static String name(HttpExchange ex) {
        String p = ex.getRequestURI().getPath();
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private void reply(HttpExchange ex, int status, byte[] body, long announced) throws IOException {
        requests.incrementAndGet();
        ex.sendResponseHeaders(status, status == 404 ? -1 : announced);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        } catch (IOException e) {
            // the server refuses to finish a response shorter than announced: that is the point
        } finally {
            ex.close();
        }
    }

    private MnistDownload downloader(Path target, String... mirrors) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        String dropped = "http://127.0.0.1:" + dropping.getLocalPort() + "/dropped";
        List<String> urls = Stream.of(mirrors).map(m -> m.equals("dropped") ? dropped : base + "/" + m).toList();
        return new MnistDownload(target, urls, md5).timeoutMillis(300).log(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void skipsEveryBadMirrorAndVerifiesTheGoodOne() throws IOException {
        Path target = dir.resolve("cache/mnist");
        assertEquals(target, downloader(target, "missing", "dropped", "short", "corrupt", "stalled", "good").fetch());
        assertEquals(List.of("a.gz", "b.gz"), listing(target), "the two files and nothing partial");
        for (String n : files.keySet()) assertArrayEquals(files.get(n), Files.readAllBytes(target.resolve(n)));
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("HTTP 404"), text);
        assertTrue(text.contains("checksum mismatch"), text);
        assertTrue(text.matches("(?s).*/dropped/a.gz failed \\((truncated: 5\\d+ of 10\\d+ bytes|connection lost after 5\\d+ bytes of 10\\d+).*"), text);
        assertTrue(text.contains("stalled/a.gz failed (connection lost after 10 bytes"), text);
        assertTrue(text.contains("MD5 verified"), text);
    }

    @Test
    void failsNamingEachMirrorAndLeavesNoFileWhenNoneServesAGoodCopy() {
        IOException e = assertThrows(IOException.class, () -> downloader(dir, "corrupt", "short", "dropped", "missing").fetch());
        String m = e.getMessage();
        assertTrue(m.startsWith("cannot download a.gz into " + dir + " from any mirror"), m);
        assertTrue(m.contains("/corrupt/a.gz: checksum mismatch") && m.contains("/missing/a.gz: HTTP 404") && m.contains("/short/a.gz: checksum"), m);
        assertTrue(m.matches(".*/dropped/a.gz: (truncated|connection lost).*"), m);
        assertTrue(dir.toFile().list().length == 0, "no partial or temporary file: " + List.of(dir.toFile().list()));
    }

    @Test
    void keepsVerifiedCopiesAndReplacesDamagedOnes() throws IOException {
        downloader(dir, "good").fetch();
        int before = requests.get();
        downloader(dir, "missing").fetch();
        assertEquals(before, requests.get(), "verified cached files are not downloaded again");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("a.gz: cached"));
        Files.write(dir.resolve("b.gz"), new byte[] {1, 2, 3});
        Files.write(dir.resolve(".a.gz.123.part"), new byte[] {9});
        IOException e = assertThrows(IOException.class, () -> downloader(dir, "corrupt").fetch());
        assertTrue(e.getMessage().contains("b.gz"), e.getMessage());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(dir.resolve("b.gz")), "a failed download leaves the old file as it was");
        assertEquals(List.of("a.gz", "b.gz"), listing(dir), "the stale temporary file is gone");
        downloader(dir, "corrupt", "good").fetch();
        assertArrayEquals(files.get("b.gz"), Files.readAllBytes(dir.resolve("b.gz")));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("b.gz: the cached copy has MD5"));
    }

    @Test
    void defaultsToTheMnistFilesAndTheCacheDirectory() {
        assertEquals(Map.of("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873",
                "train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432",
                "t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3",
                "t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"), MnistDownload.MD5);
        assertTrue(MnistDownload.defaultDirectory().endsWith(Path.of("datasets", "mnist")));
        assertFalse(MnistDownload.MIRRORS.isEmpty());
    }

    @Test
    void theEmbeddedTestFilesMatchTheirChecksums() throws IOException {
        Path shared = Path.of("../../shared/data/mnist").toAbsolutePath().normalize();
        if (!Files.isDirectory(shared)) shared = Path.of("../shared/data/mnist").toAbsolutePath().normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shared), "no ../shared/data/mnist here");
        for (String stem : new String[] {Mnist.TEST_IMAGES, Mnist.TEST_LABELS}) {
            assertEquals(MnistDownload.MD5.get(stem + ".gz"), MnistDownload.md5(shared.resolve(stem + ".gz")), stem);
            assertEquals(MnistDownload.SHA256.get(stem + ".gz"), MnistDownload.sha256(shared.resolve(stem + ".gz")), stem);
        }
    }

    @Test
    void theStandardDownloadChecksEveryFileWithSha256() {
        for (String stem : new String[] {Mnist.TRAIN_IMAGES, Mnist.TRAIN_LABELS, Mnist.TEST_IMAGES, Mnist.TEST_LABELS}) {
            String sum = MnistDownload.CHECKSUMS.get(stem + ".gz");
            assertTrue(sum.matches("[0-9a-f]{64}"), stem + " is checked with SHA-256, not MD5 alone: " + sum);
            assertEquals(MnistDownload.SHA256.get(stem + ".gz"), sum, stem);
        }
        assertEquals(MnistDownload.MD5.keySet(), MnistDownload.CHECKSUMS.keySet());
    }

    @Test
    void aSha256MismatchIsRefusedAndLeavesNoFile() throws Exception {
        for (String name : files.keySet()) md5.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(files.get(name))));
        IOException e = assertThrows(IOException.class, () -> downloader(dir, "corrupt").fetch());
        assertTrue(e.getMessage().contains("checksum mismatch: SHA-256"), e.getMessage());
        assertEquals(List.of(), listing(dir));
        downloader(dir, "good").fetch();
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("SHA-256 verified"), log.toString(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> new MnistDownload(dir, List.of("http://x/"), Map.of("a.gz", "abc")));
    }
}
