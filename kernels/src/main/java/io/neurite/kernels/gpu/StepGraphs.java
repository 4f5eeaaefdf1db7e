package io.neurite.kernels.gpu;

import io.neurite.kernels.StepValues;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Training steps recorded once as a graph (a CUDA graph) and replayed, so a step costs one graph
 * launch instead of a launch per kernel. A driver decorator: between {@link #beginStep} and
 * {@link #endStep} every launch and fill is recorded; the first recorded step is captured by the
 * driver, and in each later step the host code runs as usual but its launches are only compared
 * with the recording (the same kernels, grids, buffers and by-value arguments, in order). When the
 * whole step matched, the graph is launched; at the first difference (another shape, the last
 * smaller batch, another buffer) the launches held back so far are issued plainly, the rest of the
 * step runs plainly, and the next step is captured afresh. So a replay runs exactly what the step
 * would have queued, and the weights are bit for bit those of plain launches.
 *
 * <p>Values that change every step travel as {@link StepValues}: they are written to a device
 * table, uploaded before each graph launch, and the kernels read them from there. A copy, read
 * or wait in the middle of a step, or a failed capture, ends the recording with one debug line
 * saying why (logger {@code io.neurite.kernels.gpu.StepGraphs}); after {@value #GIVE_UP} graphs in a
 * row that were never replayed the device stops trying. Callers hold the device's lock.
 */
public final class StepGraphs implements GpuDriver {
    private static final Logger LOG = Logger.getLogger(StepGraphs.class.getName());
    /** Step values a step may hold (ints: floats travel as their bits). */
    static final int CAPACITY = 4096;
    static final int GIVE_UP = 3;

    private enum Mode { PLAIN, CAPTURE, REPLAY }

    private final String device;
    private final GpuDriver driver;
    private final String off;
    private final int[] table = new int[CAPACITY];
    private final List<Entry> recorded = new ArrayList<>();
    private DeviceMemory tableMemory;
    private Mode mode = Mode.PLAIN;
    private boolean inStep, capturing, stopped;
    /** The thread whose step is open: another thread's launches in the meantime are not part of it. */
    private Thread owner;
    private int used, steps, wasted;
    private List<Entry> signature;
    private Graph graph;
    private long captures, replays, fallbacks;
    private String lastReason;

    /** driver's steps recorded as graphs, unless off names why not (null: on). */
    StepGraphs(String device, GpuDriver driver, String off) {
        this.device = device;
        this.driver = driver;
        this.off = off != null ? off : driver.canCapture() ? null : "the driver cannot capture graphs";
    }

    /** Why steps are not recorded, or null when they are. */
    String off() {
        return stopped ? lastReason : off;
    }

    /** Graphs captured and graph launches so far (tests and the description). */
    long captures() {
        return captures;
    }

    long replays() {
        return replays;
    }

    /** Recordings ended early (a step that differed from its graph, an interrupted capture). */
    long fallbacks() {
        return fallbacks;
    }

    /** Why the last recording ended early or was dropped, or null. */
    String lastReason() {
        return lastReason;
    }

    void beginStep() {
        if (off != null || stopped) return;
        if (inStep && owner != Thread.currentThread()) {
            // Two threads' steps overlap on one stream: which launch belongs to which step is
            // unknowable from here, so what the open step held back runs now, in queue order, and
            // this device records no more graphs.
            interrupt("a step of another thread began inside this one");
            stop("training steps from two threads at once");
            return;
        }
        if (tableMemory == null) tableMemory = driver.tryAllocate(CAPACITY * 4L); // never inside a capture
        if (tableMemory == null) {
            stop("no device memory for the step table");
            return;
        }
        inStep = true;
        owner = Thread.currentThread();
        used = 0;
        recorded.clear();
        // The first step runs plainly: it makes the optimiser's state and fills the allocator's cache.
        mode = graph != null ? Mode.REPLAY : steps++ >= 1 ? Mode.CAPTURE : Mode.PLAIN;
    }

    void endStep() {
        if (!inStep || owner != Thread.currentThread()) return;
        inStep = false;
        owner = null;
        if (mode == Mode.CAPTURE && capturing) {
            capturing = false;
            Graph g;
            try {
                g = driver.endCapture();
            } catch (RuntimeException e) {
                runPlainly();
                stop("capture failed: " + e.getMessage());
                return;
            }
            graph = g;
            signature = List.copyOf(recorded);
            captures++;
            launchGraph();
        } else if (mode == Mode.REPLAY) {
            if (recorded.size() == signature.size()) launchGraph();
            else interrupt("the step queued " + recorded.size() + " of the graph's " + signature.size() + " operations");
        }
        mode = Mode.PLAIN;
    }

    /** The slot of values in the step table, or -1 (pass them by value) outside a recorded step. */
    int place(StepValues values) {
        foreignThread();
        if (!inStep || mode == Mode.PLAIN) return -1;
        Object[] vs = values.values();
        if (used + vs.length > CAPACITY) {
            interrupt("the step has more than " + CAPACITY + " step values");
            return -1;
        }
        int at = used;
        for (Object v : vs) table[used++] = v instanceof Float f ? Float.floatToRawIntBits(f) : (Integer) v;
        return at;
    }

    /** The step table's memory (valid once a step has begun) for the kernels' STEP_PARAMS. */
    DeviceMemory table() {
        return tableMemory;
    }

    /** A launch whose arguments at the positions of ignore's bits are step values, not compared (the table slot is). */
    void launch(GpuFunction f, int[] grid, int[] block, Object[] args, long ignore) {
        record(new Entry(f, grid.clone(), block.clone(), args, ignore, null, 0, 0, 0));
    }

    @Override
    public void launch(GpuFunction f, int[] grid, int[] block, Object[] args) {
        launch(f, grid, block, args, 0);
    }

    @Override
    public void fill32(DeviceMemory memory, long byteOffset, int pattern, long count) {
        record(new Entry(null, null, null, null, 0, memory, byteOffset, pattern, count));
    }

    private void record(Entry e) {
        foreignThread();
        if (inStep && mode == Mode.CAPTURE) {
            if (!capturing) {
                try {
                    driver.beginCapture();
                } catch (RuntimeException ex) {
                    stop("cannot begin a capture: " + ex.getMessage());
                    issue(e);
                    return;
                }
                capturing = true;
            }
            recorded.add(e);
        } else if (inStep && mode == Mode.REPLAY) {
            int i = recorded.size();
            if (i < signature.size() && signature.get(i).matches(e)) {
                recorded.add(e); // held back: the graph runs it
                return;
            }
            interrupt(i >= signature.size() ? "the step queued more than the graph's " + signature.size() + " operations"
                    : "operation " + (i + 1) + " differs from the graph's (" + signature.get(i).difference(e) + ")");
        }
        issue(e);
    }

    /** A launch from a thread other than the step's ends the recording: it is not part of the step and must not wait behind it. */
    private void foreignThread() {
        if (inStep && owner != Thread.currentThread()) interrupt("a launch from another thread inside the step");
    }

    private void issue(Entry e) {
        if (e.function != null) driver.launch(e.function, e.grid, e.block, e.args);
        else driver.fill32(e.memory, e.offset, e.pattern, e.count);
    }

    private void launchGraph() {
        uploadTable();
        graph.launch();
        replays++;
        wasted = 0;
    }

    private void uploadTable() {
        if (used > 0) driver.upload(MemorySegment.ofArray(table).asSlice(0, used * 4L), tableMemory, 0);
    }

    /** Ends the recording of this step: what it held back runs plainly, and so does the rest of the step. */
    private void interrupt(String why) {
        if (!inStep || mode == Mode.PLAIN) return;
        lastReason = why;
        fallbacks++;
        LOG.fine(() -> device + ": CUDA graph " + (mode == Mode.CAPTURE ? "capture" : "replay") + " abandoned, plain launches: " + why);
        if (mode == Mode.CAPTURE && capturing) {
            capturing = false;
            try {
                driver.endCapture().close();
            } catch (RuntimeException ignored) {
                // the captured work is re-issued below either way
            }
        }
        runPlainly();
        wasted++; // a replay since the last interruption sets it back to 0
        dropGraph();
        mode = Mode.PLAIN;
        if (wasted >= GIVE_UP) stop(GIVE_UP + " recordings in a row were not replayed; the last because " + why);
    }

    private void runPlainly() {
        uploadTable();
        for (Entry e : recorded) issue(e);
        recorded.clear();
    }

    private void dropGraph() {
        if (graph != null) graph.close();
        graph = null;
        signature = null;
    }

    private void stop(String why) {
        lastReason = why;
        stopped = true;
        inStep = false;
        owner = null;
        mode = Mode.PLAIN;
        dropGraph();
        LOG.fine(() -> device + ": CUDA graphs off, plain launches from now on: " + why);
    }

    // ---- everything else passes through, ending a recording where it cannot be part of one ----

    @Override
    public DeviceMemory tryAllocate(long bytes) {
        if (capturing) interrupt("an allocation from the driver inside the step");
        return driver.tryAllocate(bytes);
    }

    @Override
    public void free(DeviceMemory memory) {
        interrupt("memory freed inside the step");
        driver.free(memory);
    }

    @Override
    public long maxAllocation() {
        return driver.maxAllocation();
    }

    @Override
    public long freeBytes() {
        return driver.freeBytes();
    }

    @Override
    public void upload(MemorySegment src, DeviceMemory dst, long byteOffset) {
        if (!recorded.isEmpty()) interrupt("a copy to the device after the step's first kernel");
        driver.upload(src, dst, byteOffset);
    }

    @Override
    public void download(DeviceMemory src, long byteOffset, MemorySegment dst) {
        interrupt("a read to the host inside the step");
        driver.download(src, byteOffset, dst);
    }

    @Override
    public void synchronize() {
        interrupt("a wait inside the step");
        driver.synchronize();
    }

    @Override
    public GpuFunction function(String name) {
        return driver.function(name);
    }

    @Override
    public int multiprocessors() {
        return driver.multiprocessors();
    }

    @Override
    public void close() {
        dropGraph();
        if (tableMemory != null) driver.free(tableMemory);
        tableMemory = null;
        driver.close();
    }

    /** One recorded launch (function set) or fill (memory set). */
    private record Entry(GpuFunction function, int[] grid, int[] block, Object[] args, long ignore, DeviceMemory memory,
                         long offset, int pattern, long count) {
        boolean matches(Entry e) {
            return difference(e) == null;
        }

        /** What differs in e, or null when it is the same operation on the same memory with the same values. */
        String difference(Entry e) {
            if (function == null || e.function == null) {
                if (function != e.function) return e.function == null ? "a fill instead of kernel " + function.name() : "kernel " + e.function.name() + " instead of a fill";
                return memory == e.memory && offset == e.offset && pattern == e.pattern && count == e.count ? null
                        : "a fill of " + e.count + " words at " + e.offset + " of other memory or with another pattern";
            }
            if (!function.equals(e.function)) return "kernel " + e.function.name() + " instead of " + function.name();
            if (!java.util.Arrays.equals(grid, e.grid) || !java.util.Arrays.equals(block, e.block)) {
                return function.name() + " on grid " + java.util.Arrays.toString(e.grid) + " instead of " + java.util.Arrays.toString(grid);
            }
            for (int i = 0; i < args.length; i++) {
                if ((ignore >>> i & 1) != 0) continue;
                Object a = args[i], b = e.args[i];
                boolean same = a instanceof DeviceMemory ? a == b : a.equals(b);
                if (!same) return function.name() + " argument " + i + " is " + (b instanceof DeviceMemory ? "other memory" : b)
                        + (a instanceof DeviceMemory ? "" : " instead of " + a);
            }
            return null;
        }
    }
}
