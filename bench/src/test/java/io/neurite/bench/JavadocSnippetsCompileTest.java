package io.neurite.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code <pre>{@code ...}</pre>} example in the Javadoc of every module's main sources
 * compiles against the public API. It lives in bench because bench's test class path holds every
 * module. The rule that turns a snippet into a compilation unit:
 * <ul>
 * <li>package {@code javadoc.examples}, so only public API resolves; imports: the snippet's file's
 * own imports, its own package's public top-level types, {@code import P.*} for every package of the
 * scanned main sources whose classes are on the class path, and {@code java.util.*},
 * {@code java.nio.file.*}, {@code java.io.*};</li>
 * <li>one class per snippet with the fields in {@link #CONTEXT} — the free variables examples
 * lean on ({@code model}, {@code x}, {@code train}, {@code optimizer}...), which a snippet's own
 * declarations shadow;</li>
 * <li>a snippet whose first word is {@code class}, {@code interface}, {@code record},
 * {@code enum}, a modifier or an annotation is class-body members; one whose last code line
 * ends in {@code ;} or <code>}</code> is statements, the body of
 * {@code void example() throws Exception}; anything else is one expression, {@code var e = ...;};</li>
 * <li>a snippet that starts with <code>{"</code> is a JSON document (a file format), not Java, and is
 * skipped.</li>
 * </ul>
 */
class JavadocSnippetsCompileTest {
    /** Free variables the examples use, as fields; resolved with the same imports as the snippet. */
    static final String CONTEXT = """
                int n = 100; Model model; Tensor x, labels; Device device; Optimizer optimizer; Trainer trainer;
                Dataset raw, rawTest, train, test, data; Path dir; TrainingState state;
            """;

    private static final Pattern PRE = Pattern.compile("<pre>\\{@code(.*?)}</pre>", Pattern.DOTALL);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+[^;]+;", Pattern.MULTILINE);
    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern MEMBER_START = Pattern.compile(
            "^(@\\w+|(public|protected|private|abstract|static|sealed|non-sealed)\\s|"
                    + "(final\\s+)?(class|interface|record|enum)\\s)");

    record Snippet(Path file, int line, String code, String className) {
        String where(Path root) {
            return root.relativize(file) + ":" + line;
        }
    }

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
        return p;
    }

    static List<Path> mainSources(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path m : modules.sorted().toList()) {
                Path src = m.resolve("src/main/java");
                if (!Files.isDirectory(src)) continue;
                try (Stream<Path> s = Files.walk(src)) {
                    s.filter(f -> f.toString().endsWith(".java")).sorted().forEach(files::add);
                }
            }
        }
        return files;
    }

    /** The {@code <pre>{@code} blocks of a source file, with the Javadoc's leading stars taken off. */
    static List<Snippet> snippets(Path file, String text) {
        List<Snippet> out = new ArrayList<>();
        Matcher m = PRE.matcher(text);
        String base = file.getFileName().toString().replace(".java", "");
        while (m.find()) {
            StringBuilder code = new StringBuilder();
            for (String l : m.group(1).split("\n", -1)) code.append(l.replaceFirst("^\\s*\\*( |$)", "")).append('\n');
            int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
            out.add(new Snippet(file, line, code.toString().strip(), "Example_" + base + "_" + line));
        }
        return out;
    }

    static String lastCodeLine(String code) {
        String[] lines = code.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String l = lines[i].replaceFirst("//.*$", "").strip();
            if (!l.isEmpty()) return l;
        }
        return "";
    }

    static String wrap(Snippet s, String fileText, Set<String> packageImports) throws IOException {
        StringBuilder src = new StringBuilder("package javadoc.examples;\n");
        Set<String> imported = new TreeSet<>();
        Matcher im = IMPORT.matcher(fileText);
        while (im.find()) {
            src.append(im.group()).append('\n');
            String[] parts = im.group().replace(";", "").split("[\\s.]+");
            imported.add(parts[parts.length - 1]);
        }
        Matcher pm = PACKAGE.matcher(fileText);
        if (pm.find()) {
            try (Stream<Path> siblings = Files.list(s.file().getParent())) {
                for (Path f : siblings.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    String name = f.getFileName().toString().replace(".java", "");
                    if (imported.contains(name)) continue;
                    Pattern publicType = Pattern.compile("(?m)^public\\s+(\\w+\\s+)*(class|interface|record|enum|@interface)\\s+"
                            + Pattern.quote(name) + "\\b");
                    if (publicType.matcher(Files.readString(f)).find()) src.append("import ").append(pm.group(1)).append('.')
                            .append(name).append(";\n");
                }
            }
        }
        for (String p : packageImports) src.append("import ").append(p).append(".*;\n");
        src.append("import java.util.*;\nimport java.nio.file.*;\nimport java.io.*;\n");
        src.append("@SuppressWarnings(\"all\")\nclass ").append(s.className()).append(" {\n").append(CONTEXT).append('\n');
        String code = s.code();
        if (MEMBER_START.matcher(code).find()) {
            src.append(code).append('\n');
        } else if (lastCodeLine(code).endsWith(";") || lastCodeLine(code).endsWith("}")) {
            src.append("void example() throws Exception {\n").append(code).append("\n}\n");
        } else {
            src.append("void example() throws Exception {\nvar e = ").append(code).append(";\n}\n");
        }
        return src.append("}\n").toString();
    }

    /** Packages of the scanned sources whose classes the test class path holds. */
    static Set<String> packagesOnClassPath(List<Path> files) throws IOException {
        Set<String> packages = new LinkedHashSet<>();
        for (Path f : files) {
            Matcher pm = PACKAGE.matcher(Files.readString(f));
            if (!pm.find()) continue;
            String cls = pm.group(1) + "." + f.getFileName().toString().replace(".java", "");
            try {
                Class.forName(cls, false, JavadocSnippetsCompileTest.class.getClassLoader());
                packages.add(pm.group(1));
            } catch (ClassNotFoundException | LinkageError e) {
                // not on bench's test class path: reported below if one of its files has a snippet
            }
        }
        return packages;
    }

    static final class Source extends SimpleJavaFileObject {
        final String code;

        Source(String className, String code) {
            super(URI.create("string:///javadoc/examples/" + className + ".java"), Kind.SOURCE);
            this.code = code;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return code;
        }
    }

    /** Compiles the sources; returns the error messages, empty when they compile. */
    static List<String> compile(List<Source> sources, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> options = List.of("-proc:none", "-implicit:none", "--add-modules", "jdk.incubator.vector",
                "-classpath", classPath, "-d", out.toString());
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
            StringWriter log = new StringWriter();
            boolean ok = javac.getTask(log, fm, diagnostics, options, null, sources).call();
            List<String> errors = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    String name = d.getSource() == null ? "?" : d.getSource().getName();
                    errors.add(name + ":" + d.getLineNumber() + ": " + d.getMessage(null));
                }
            }
            if (!ok && errors.isEmpty()) errors.add(log.toString());
            return errors;
        }
    }

    @Test
    void everyJavadocExampleCompiles(@TempDir Path out) throws IOException {
        Path root = root();
        List<Path> files = mainSources(root);
        Set<String> packages = packagesOnClassPath(files);
        List<Snippet> all = new ArrayList<>();
        List<Source> sources = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            String text = Files.readString(f);
            for (Snippet s : snippets(f, text)) {
                if (s.code().startsWith("{\"")) continue; // a JSON document, not Java
                Matcher pm = PACKAGE.matcher(text);
                if (pm.find() && !packages.contains(pm.group(1))) {
                    problems.add(s.where(root) + ": its package " + pm.group(1) + " is not on bench's test class path; "
                            + "add its module to bench's dependencies so that its examples are compiled");
                    continue;
                }
                all.add(s);
                sources.add(new Source(s.className(), wrap(s, text, packages)));
            }
        }
        assertTrue(all.size() >= 20, "found only " + all.size() + " examples: is the pattern still right?");
        if (!compile(sources, out).isEmpty()) {
            // Which ones: each alone, so one snippet's errors are not blamed on another.
            for (int i = 0; i < all.size(); i++) {
                List<String> errors = compile(List.of(sources.get(i)), out);
                if (!errors.isEmpty()) {
                    problems.add(all.get(i).where(root) + " does not compile:\n    " + String.join("\n    ", errors)
                            + "\n  wrapped as:\n" + sources.get(i).code.indent(4));
                }
            }
        }
        if (!problems.isEmpty()) fail(problems.size() + " Javadoc example(s) fail:\n" + String.join("\n", problems));
        System.out.println("JavadocSnippetsCompileTest: " + all.size() + " examples compile");
    }
}
