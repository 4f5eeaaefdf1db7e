package io.neurite.fuzz;

import static io.neurite.fuzz.Refusals.refusedCleanly;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.neurite.data.Idx;
import io.neurite.data.Mnist;
import java.io.ByteArrayInputStream;
import java.util.Arrays;

/** IDX files, gzipped or raw, alone and as an MNIST t10k pair. */
class IdxFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void idx(byte[] data) {
        refusedCleanly("fuzz.idx", () -> {
            Idx.Array a = Idx.read(new ByteArrayInputStream(data), "fuzz.idx");
            long n = 1;
            for (int d : a.dims()) n *= d;
            if (n != a.data().length) throw new AssertionError(Arrays.toString(a.dims()) + " read with " + a.data().length + " bytes");
        });
    }

    /** Two bytes (big-endian) give the length of the labels file, which follows; the rest is the images file. */
    @FuzzTest(maxDuration = "5m")
    void mnist(byte[] data) {
        int split = data.length < 2 ? 0 : Math.min(data.length - 2, ((data[0] & 0xFF) << 8) | (data[1] & 0xFF));
        byte[] labels = Arrays.copyOfRange(data, Math.min(2, data.length), Math.min(2, data.length) + split);
        byte[] images = Arrays.copyOfRange(data, Math.min(2, data.length) + split, data.length);
        refusedCleanly("fuzz-mnist", () -> Mnist.load(stem -> switch (stem) {
            case Mnist.TEST_IMAGES -> new ByteArrayInputStream(images);
            case Mnist.TEST_LABELS -> new ByteArrayInputStream(labels);
            default -> null;
        }, "fuzz-mnist"));
    }
}
