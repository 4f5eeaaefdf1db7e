package io.neurite.distributed.spark;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Spark's {@code local-cluster[N,1,MB]} mode on one machine, loopback only: a master and N
 * workers in this JVM, each executor its own JVM. Maven gives Spark's jars but not a Spark
 * home, which the workers need to launch executors, so {@link #sparkHome} makes one whose
 * {@code jars/} links to every jar on this JVM's class path. The environment must name it before
 * the JVM starts ({@code SPARK_HOME}, with {@code SPARK_SCALA_VERSION=2.13} and
 * {@code SPARK_LOCAL_IP=127.0.0.1}): Spark reads them with {@code System.getenv}.
 *
 * <pre>{@code
 * // SPARK_HOME=target/spark-home SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 java ...
 * try (JavaSparkContext sc = LocalCluster.start(2, 1024)) {
 *     new SparkTrainer(sc, model, optimizer, () -> Loss.meanSquaredError()).executors(2).fit(data);
 * }
 * }</pre>
 */
public final class LocalCluster {
    /** What every Neurite executor JVM needs: the Vector API and native access, then the module openings Spark itself needs on Java 17 and newer. */
    public static final String EXECUTOR_JAVA_OPTIONS = "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC "
            + JavaModuleOptions.defaultModuleOptions();

    private LocalCluster() {
    }

    /**
     * The Spark home the environment names, its {@code jars/} (re)made with links to the class
     * path's jars. Fails with the variables to set where they are missing.
     */
    public static Path sparkHome() throws IOException {
        String home = System.getenv("SPARK_HOME"), scala = System.getenv("SPARK_SCALA_VERSION");
        if (home == null || home.isBlank() || scala == null) {
            throw new IllegalStateException("Spark's local-cluster mode needs SPARK_HOME (a folder this program fills with links to its jars)"
                    + " and SPARK_SCALA_VERSION=2.13 in the environment; SPARK_HOME=" + home + ", SPARK_SCALA_VERSION=" + scala);
        }
        Path jars = Path.of(home).toAbsolutePath().resolve("jars");
        // Made anew by every JVM: links left by another class path (an older build's jar) would shadow this one's classes.
        Path partial = Files.createDirectories(jars.resolveSibling("jars.partial." + ProcessHandle.current().pid()));
        for (String entry : classPath()) {
            Path p = Path.of(entry).toAbsolutePath();
            if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) {
                Path link = partial.resolve(p.getFileName());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(link, p);
            }
        }
        if (Files.isDirectory(jars)) {
            try (var old = Files.list(jars)) {
                for (Path p : old.toList()) Files.delete(p);
            }
            Files.delete(jars);
        }
        Files.move(partial, jars);
        return jars.getParent();
    }

    private static List<String> classPath() {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) if (!e.isBlank()) out.add(e);
        return out;
    }

    /** The class path's folders (classes not in a jar), which the executors get as their extra class path. */
    static String classFolders() {
        return String.join(File.pathSeparator, classPath().stream().filter(e -> Files.isDirectory(Path.of(e))).toList());
    }

    /** A configuration for executors executors of memoryMb each, one core each, bound to 127.0.0.1, with no web UI. */
    public static SparkConf conf(int executors, int memoryMb) throws IOException {
        Path home = sparkHome();
        return new SparkConf().setMaster("local-cluster[" + executors + ",1," + memoryMb + "]").setAppName("neurite")
                .set("spark.home", home.toString())
                .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.executor.memory", memoryMb + "m")
                .set("spark.executor.extraJavaOptions", EXECUTOR_JAVA_OPTIONS)
                .set("spark.executor.extraClassPath", classFolders())
                .set("spark.ui.enabled", "false")
                // A barrier job checks for free slots before it starts; retry that check every second, not every 15.
                .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s");
    }

    /** Starts the cluster and waits (at most a minute) until all its executors have registered. */
    public static JavaSparkContext start(int executors, int memoryMb) throws IOException {
        JavaSparkContext sc = new JavaSparkContext(conf(executors, memoryMb));
        awaitExecutors(sc, executors, 60_000);
        return sc;
    }

    /** Waits until the context has n executors, or fails naming how many it has. */
    public static void awaitExecutors(JavaSparkContext sc, int n, long timeoutMillis) {
        long end = System.currentTimeMillis() + timeoutMillis;
        // The driver counts among the executor infos.
        while (sc.sc().statusTracker().getExecutorInfos().length < n + 1) {
            if (System.currentTimeMillis() > end) {
                int started = sc.sc().statusTracker().getExecutorInfos().length - 1;
                sc.close();
                throw new IllegalStateException("Spark started " + started + " of " + n
                        + " executors in " + timeoutMillis + " ms (see the workers' logs under SPARK_HOME/work)");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for executors", e);
            }
        }
    }
}
