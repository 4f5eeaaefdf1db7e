package io.neurite.behaviour;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.conformance.BackendConformance;
import io.neurite.device.Device;
import io.neurite.device.LeakTracker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

/**
 * One device for a behaviour suite, opened as the conformance kit opens it: an absent backend
 * skips the suite with its provider's reason (or fails it under
 * {@code -Dneurite.conformance.require}). Every test must close each tensor it made, and nothing
 * may be garbage-collected unclosed, on every backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DeviceSuite {
    /** The device under test. */
    protected Device device;

    /** The id of the device under test, e.g. {@code "opencl:0"}. */
    protected abstract String deviceId();

    /** Why the device could not be opened, re-raised in each test. */
    private TestAbortedException absent;

    @BeforeAll
    void openDevice() {
        try {
            device = BackendConformance.openOrSkip(deviceId());
        } catch (TestAbortedException e) {
            absent = e;
        }
    }

    /**
     * Skips each test, not just the class, where the backend is absent: surefire counts an aborted
     * class as zero tests, and a GPU runner's report should say how many checks did not run, and why.
     */
    @BeforeEach
    void skipWithoutTheDevice() {
        if (absent != null) Assumptions.abort(absent.getMessage());
    }

    @AfterEach
    void everyTensorClosed() {
        if (device != null) assertEquals(0, device.liveBuffers(), "every tensor closed on " + deviceId());
    }

    @AfterAll
    void closeDevice() {
        if (device == null) return;
        device.close();
        System.gc();
        assertTrue(LeakTracker.leaks().isEmpty(), () -> "buffers garbage-collected without close(): " + LeakTracker.leaks());
    }

    /**
     * Whether this is {@code cpu:0}, the oracle the other backends are held to. Assertions of known
     * numbers keep their full strength there; elsewhere a suite may allow a documented tolerance for
     * float32 summation order (GPU-style kernels tile and reduce in another order).
     */
    protected final boolean onReference() {
        return device.id().equals("cpu:0");
    }

    protected static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
