package io.neurite.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.conformance.BackendConformance;
import io.neurite.device.Buffer;
import io.neurite.device.Device;
import io.neurite.device.Op;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * After discovery, a context, program builds and kernel runs, the SIGSEGV handler (and the other
 * signals HotSpot relies on) must still be the JVM's, not one an OpenCL implementation's LLVM put
 * in its place: {@code dladdr} names the library the handler lives in.
 */
class SignalHandlersTest {
    @Test
    void theJvmKeepsItsSignalHandlersAfterOpenClWork() throws Throwable {
        Assumptions.assumeTrue(SignalHandlers.handler(11) != 0, "sigaction guard inactive (not Linux)");
        try (Device d = BackendConformance.openOrSkip("opencl:0");
             Buffer x = d.upload(new float[256]); Buffer y = d.upload(new float[256]); Buffer c = d.upload(new float[256])) {
            d.ops().gemm(false, false, 16, 16, 16, 1f, x, y, 0f, c);
            d.ops().activation(Op.SIGMOID, 0f, 256, x, y);
            d.synchronize();
        }
        for (int signal : new int[] {4, 7, 8, 11, 12}) {
            String library = libraryOf(SignalHandlers.handler(signal));
            assertTrue(library.endsWith("libjvm.so"), "signal " + signal + " is handled in " + library);
        }
    }

    /** The file of the shared object holding address, by dladdr. */
    private static String libraryOf(long address) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle dladdr = linker.downcallHandle(linker.defaultLookup().find("dladdr").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(32, 8);
            int found = (int) dladdr.invokeExact(MemorySegment.ofAddress(address), info);
            if (found == 0) return "no shared object (" + Long.toHexString(address) + ")";
            return info.get(ValueLayout.ADDRESS, 0).reinterpret(4096).getString(0);
        }
    }
}
