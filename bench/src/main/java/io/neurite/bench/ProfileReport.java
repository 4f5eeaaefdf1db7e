package io.neurite.bench;

import io.neurite.device.Device;
import io.neurite.device.Profile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code bench mnist --profile}: where a training step's time goes on the device that trained,
 * from {@link Device#profile()} around the timed fit. Host work is the rest of the wall time: the
 * batch gathered and uploaded, autograd's bookkeeping, the optimiser's loop, the progress bar.
 * Each line is per step, so the cost of a wait or a read per batch shows plainly.
 */
final class ProfileReport {
    private final Device device;
    private final Profile before;
    private final long iterationsBefore, t0;

    /** Starts profiling device (op timing on) at a training loop whose optimiser has run iterations steps. */
    ProfileReport(Device device, long iterations) {
        this.device = device;
        device.profileOps(true);
        before = device.profile();
        iterationsBefore = iterations;
        t0 = System.nanoTime();
    }

    /** Ends it at iterations steps: prints the table and returns its figures for the JSON (ms and counts a step). */
    Map<String, Object> finish(long iterations) {
        long wall = System.nanoTime() - t0;
        Profile p = device.profile().since(before);
        device.profileOps(false);
        long steps = Math.max(1, iterations - iterationsBefore);
        long host = wall - p.opNanos() - p.uploadNanos() - p.downloadNanos() - p.waitNanos();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("steps", steps);
        m.put("ms_per_step", ms(wall, steps));
        m.put("host_ms", ms(host, steps));
        m.put("ops_ms", ms(p.opNanos(), steps));
        m.put("ops", (double) p.ops() / steps);
        m.put("launches", (double) p.launches() / steps);
        m.put("upload_ms", ms(p.uploadNanos(), steps));
        m.put("uploads", (double) p.uploads() / steps);
        m.put("upload_kib", p.uploadBytes() / 1024.0 / steps);
        m.put("download_ms", ms(p.downloadNanos(), steps));
        m.put("downloads", (double) p.downloads() / steps);
        m.put("wait_ms", ms(p.waitNanos(), steps));
        m.put("waits", (double) p.waits() / steps);
        System.out.printf("profile: %s, %d steps, %.3f ms a step (each line a step's share)%n", device.id(), steps, ms(wall, steps));
        line("host work", host, wall, steps, "the rest: batches gathered, autograd, the optimiser's loop");
        line("ops", p.opNanos(), wall, steps, String.format("%.1f op calls", (double) p.ops() / steps));
        System.out.printf("  %-16s %s%n", "kernel launches", p.launches() == 0 ? "none (ops run in the call)"
                : String.format("%.1f a step (their device time shows in waits and downloads)", (double) p.launches() / steps));
        line("uploads", p.uploadNanos(), wall, steps, String.format("%.2f copies, %.1f KiB", (double) p.uploads() / steps,
                p.uploadBytes() / 1024.0 / steps));
        line("downloads", p.downloadNanos(), wall, steps, String.format("%.3f reads, %.3f KiB (each waits for the queue)",
                (double) p.downloads() / steps, p.downloadBytes() / 1024.0 / steps));
        line("waits", p.waitNanos(), wall, steps, String.format("%.3f synchronize calls", (double) p.waits() / steps));
        return m;
    }

    private static void line(String what, long nanos, long wall, long steps, String detail) {
        System.out.printf("  %-16s %8.4f ms %5.1f %%  %s%n", what, ms(nanos, steps), 100.0 * nanos / Math.max(1, wall), detail);
    }

    private static double ms(long nanos, long steps) {
        return nanos / 1e6 / steps;
    }
}
