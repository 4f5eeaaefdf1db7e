package io.neurite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core's packages are layers, and a package uses only the layers below it, so that each can be
 * understood (and tested) without those above: checkpoints know models, models never know
 * checkpoints. A use is an import, a fully qualified name in code, or a fully qualified
 * {@code {@link}}/{@code @see}/{@code @throws} in a comment (javadoc resolves those); string
 * literals and prose, {@code {@code ...}} included, are not uses.
 */
class PackageLayersTest {
    /** Lowest first. Packages of one layer are independent of each other. */
    static final List<List<String>> LAYERS = List.of(List.of("device"), List.of("tensor"), List.of("data", "io"), List.of("nn"),
            List.of("optim"), List.of("train"), List.of("checkpoint", "onnx", "explain"), List.of("distributed"));
    private static final Path SOURCES = Path.of("src/main/java/io/neurite");
    private static final Pattern CODE_USE = Pattern.compile("\\bio\\.neurite\\.([a-z][a-z0-9_]*)\\.");
    private static final Pattern DOC_USE = Pattern.compile("(?:\\{@link(?:plain)?|@see|@throws|@exception|\\{@value)\\s+io\\.neurite\\.([a-z][a-z0-9_]*)\\.");

    @Test
    void everyPackageHasALayer() throws IOException {
        Set<String> placed = new TreeSet<>();
        LAYERS.forEach(placed::addAll);
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            List<String> unplaced = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).filter(p -> !placed.contains(p)).sorted().toList();
            assertEquals(List.of(), unplaced, "packages missing from PackageLayersTest.LAYERS: place each one in the order");
        }
    }

    @Test
    void noPackageUsesItsOwnLayerOrOneAbove() throws IOException {
        assertEquals(List.of(), violations(uses(SOURCES), LAYERS));
    }

    @Test
    void packagesUseEachOtherWithoutACycle() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        uses(SOURCES).forEach((p, deps) -> graph.put(p, deps.keySet()));
        assertEquals(List.of(), cycle(graph));
    }

    @Test
    void findsImportsQualifiedNamesAndJavadocLinksButNotStringsOrProse() {
        String source = """
                package io.neurite.nn;
                import io.neurite.device.Device;
                import static io.neurite.tensor.Tensor.zeros;
                /** Trained by {@link io.neurite.train.Trainer}; see {@code io.neurite.checkpoint.Checkpoint}. */
                class X {
                    String s = "io.neurite.bench.Main \\" io.neurite.cuda.CudaDevice // io.neurite.opencl.X";
                    char c = '"';
                    // io.neurite.checkpoint.Checkpoint in prose
                    void f() { io.neurite.io.Json.write(null); }
                    /* @see io.neurite.optim.SGD */
                }
                """;
        assertEquals(Set.of("device", "tensor", "train", "io", "optim"), references(source));
    }

    @Test
    void reportsAUseOfAHigherLayerAndACycle() {
        Map<String, Map<String, Set<String>>> uses = Map.of("nn", Map.of("train", Set.of("nn/Model.java")), "train", Map.of("nn", Set.of()));
        List<String> problems = violations(uses, LAYERS);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith("nn uses train (a layer above): nn/Model.java"), problems.getFirst());
        assertEquals(List.of("nn", "train", "nn"), cycle(Map.of("nn", Set.of("train"), "train", Set.of("nn"), "io", Set.of())));
        assertEquals(List.of(), cycle(Map.of("train", Set.of("nn"), "nn", Set.of("io"), "io", Set.of())));
    }

    /** Package, then each io.neurite package it uses, with the files that use it. */
    static Map<String, Map<String, Set<String>>> uses(Path root) throws IOException {
        Map<String, Map<String, Set<String>>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String pkg = root.relativize(f).getName(0).toString();
                Map<String, Set<String>> deps = out.computeIfAbsent(pkg, k -> new TreeMap<>());
                for (String used : references(Files.readString(f))) {
                    if (!used.equals(pkg)) deps.computeIfAbsent(used, k -> new TreeSet<>()).add(root.relativize(f).toString());
                }
            }
        }
        return out;
    }

    /** The io.neurite packages a source file uses (see the class comment). */
    static Set<String> references(String source) {
        StringBuilder code = new StringBuilder(), comments = new StringBuilder();
        int i = 0, n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i) || source.startsWith("/*", i)) {
                int end = source.startsWith("//", i) ? source.indexOf('\n', i) : source.indexOf("*/", i + 2);
                end = end < 0 ? n : end;
                comments.append(source, i, end).append('\n');
                i = end;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                code.append(' ');
            } else if (c == '"' || c == '\'') {
                i++;
                while (i < n && source.charAt(i) != c) i += source.charAt(i) == '\\' ? 2 : 1;
                i++;
                code.append(' ');
            } else {
                code.append(c);
                i++;
            }
        }
        Set<String> found = new TreeSet<>();
        for (Matcher m = CODE_USE.matcher(code); m.find(); ) found.add(m.group(1));
        for (Matcher m = DOC_USE.matcher(comments); m.find(); ) found.add(m.group(1));
        return found;
    }

    /** Each use of a package of the same layer or a higher one, or of a package with no layer. */
    static List<String> violations(Map<String, Map<String, Set<String>>> uses, List<List<String>> layers) {
        Map<String, Integer> level = new HashMap<>();
        for (int l = 0; l < layers.size(); l++) for (String p : layers.get(l)) level.put(p, l);
        List<String> problems = new ArrayList<>();
        new TreeMap<>(uses).forEach((pkg, deps) -> new TreeMap<>(deps).forEach((used, files) -> {
            Integer from = level.get(pkg), to = level.get(used);
            if (from == null || to == null) problems.add(pkg + " uses " + used + ", and one of them has no layer: " + String.join(", ", files));
            else if (to >= from) problems.add(pkg + " uses " + used + " (" + (to > from ? "a layer above" : "its own layer") + "): " + String.join(", ", files));
        }));
        return problems;
    }

    /** A cycle of uses as the packages along it, first repeated at the end, or empty where there is none. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Set<String> done = new TreeSet<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> found = cycleFrom(start, graph, done, new ArrayList<>());
            if (!found.isEmpty()) return found;
        }
        return List.of();
    }

    private static List<String> cycleFrom(String p, Map<String, Set<String>> graph, Set<String> done, List<String> path) {
        int at = path.indexOf(p);
        if (at >= 0) {
            List<String> c = new ArrayList<>(path.subList(at, path.size()));
            c.add(p);
            return c;
        }
        if (done.contains(p)) return List.of();
        path.add(p);
        for (String next : new TreeSet<>(graph.getOrDefault(p, Set.of()))) {
            List<String> c = cycleFrom(next, graph, done, path);
            if (!c.isEmpty()) return c;
        }
        path.removeLast();
        done.add(p);
        return List.of();
    }
}
