package io.neurite.device;

/**
 * What a device has done since it opened, as counts and nanoseconds of the calling threads: op
 * calls through {@link Device#ops()} and the time spent inside them (timed only while
 * {@link Device#profileOps} is on), kernel launches a GPU backend queued, copies between host and
 * device, and waits for the queue. The difference of two snapshots ({@link #since}) is one stretch
 * of work, which {@code bench mnist --profile} divides by its training steps:
 *
 * <pre>{@code
 * device.profileOps(true);
 * Profile before = device.profile();
 * trainer.fit(data, new FitOptions().epochs(1));
 * Profile p = device.profile().since(before); // p.opNanos() / steps: time in ops a step
 * }</pre>
 *
 * On the CPU backend an op runs in the call, so its time is the arithmetic; on a GPU it is the
 * time to queue its kernels, and the device's own time shows as waits and downloads (a download
 * waits for the queue first).
 *
 * @param ops           op calls
 * @param opNanos       time inside op calls, less the copies and waits inside them (0 unless timed)
 * @param launches      kernels a GPU backend launched (0 on the CPU backend, whose ops run in place)
 * @param uploads       host-to-device copies
 * @param uploadBytes   their bytes
 * @param uploadNanos   their time
 * @param downloads     device-to-host copies
 * @param downloadBytes their bytes
 * @param downloadNanos their time, the wait for the queue included
 * @param waits         {@link Device#synchronize()} calls
 * @param waitNanos     their time
 */
public record Profile(long ops, long opNanos, long launches, long uploads, long uploadBytes, long uploadNanos,
                      long downloads, long downloadBytes, long downloadNanos, long waits, long waitNanos) {
    /** This snapshot less an earlier one of the same device. */
    public Profile since(Profile e) {
        return new Profile(ops - e.ops, opNanos - e.opNanos, launches - e.launches, uploads - e.uploads,
                uploadBytes - e.uploadBytes, uploadNanos - e.uploadNanos, downloads - e.downloads,
                downloadBytes - e.downloadBytes, downloadNanos - e.downloadNanos, waits - e.waits, waitNanos - e.waitNanos);
    }
}
