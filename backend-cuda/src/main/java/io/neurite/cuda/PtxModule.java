package io.neurite.cuda;

import io.neurite.device.DeviceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A committed PTX program (made by kernels/generate-ptx.sh): {@value #RESOURCE}, every kernel for
 * sm_75 and newer, or {@value #TF32_RESOURCE}, the TF32 tensor-core GEMM for sm_80 and newer. Its
 * text, the PTX ISA version it declares and the oldest CUDA driver that loads it. PTX JIT is not
 * covered by CUDA's minor-version compatibility, so the driver's CUDA version must be at least
 * the one that introduced the ISA: ISA 8.0 is CUDA 12.0 (drivers r525 and newer), 9.0 is CUDA 13.0
 * (r580). The provider checks {@code cuDriverGetVersion()} against {@link #requiredDriver()} before
 * anything is loaded, so a too-old driver gets a sentence rather than
 * {@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION}.
 */
final class PtxModule {
    static final String RESOURCE = "neurite/cuda/neurite.ptx";
    static final String TF32_RESOURCE = "neurite/cuda/neurite_tf32.ptx";
    /** The CUDA version (as cuDriverGetVersion reports it) that introduced each PTX ISA version. */
    private static final Map<String, Integer> CUDA_OF_ISA = Map.ofEntries(
            Map.entry("7.0", 11000), Map.entry("7.1", 11010), Map.entry("7.2", 11020), Map.entry("7.3", 11030),
            Map.entry("7.4", 11040), Map.entry("7.5", 11050), Map.entry("7.6", 11060), Map.entry("7.7", 11070),
            Map.entry("7.8", 11080), Map.entry("8.0", 12000), Map.entry("8.1", 12010), Map.entry("8.2", 12020),
            Map.entry("8.3", 12030), Map.entry("8.4", 12040), Map.entry("8.5", 12050), Map.entry("8.7", 12080),
            Map.entry("8.8", 12090), Map.entry("9.0", 13000));
    /** JCuda 12.6's own floor: its native library is built against CUDA 12 and calls CUDA 12 entry points. */
    static final int JCUDA_MINIMUM = 12000;
    private static final Pattern VERSION = Pattern.compile("(?m)^\\.version (\\d+\\.\\d+)\\s*$");
    private static final Pattern ENTRY = Pattern.compile("(?m)^\\.visible \\.entry (\\w+)\\(");
    private static final Pattern NEEDS = Pattern.compile("(?m)^// needs: an? (.+)$");
    private static final Map<String, PtxModule> LOADED = new HashMap<>();

    private final String resource;
    private final String text;
    private final String isa;
    private final int requiredDriver;
    private final String requiredDriverText;

    PtxModule(String text) {
        this(RESOURCE, text);
    }

    PtxModule(String resource, String text) {
        this.resource = resource;
        this.text = text;
        Matcher v = VERSION.matcher(text);
        if (!v.find()) throw new DeviceException(resource + " has no .version line: regenerate it with kernels/generate-ptx.sh");
        isa = v.group(1);
        Integer cuda = CUDA_OF_ISA.get(isa);
        if (cuda == null) throw new DeviceException(resource + " declares PTX ISA " + isa + ", which Neurite does not know");
        requiredDriver = Math.max(cuda, JCUDA_MINIMUM);
        Matcher n = NEEDS.matcher(text);
        requiredDriverText = n.find() && requiredDriver == cuda ? n.group(1).strip() : "CUDA " + cudaVersion(requiredDriver) + " driver";
    }

    /** The committed main program, read once. */
    static PtxModule load() {
        return load(RESOURCE);
    }

    /** The committed program at resource ({@link #RESOURCE} or {@link #TF32_RESOURCE}), read once. */
    static synchronized PtxModule load(String resource) {
        PtxModule m = LOADED.get(resource);
        if (m == null) {
            try (InputStream in = PtxModule.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) throw new DeviceException(resource + " is missing from the class path (the neurite-kernels jar)");
                m = new PtxModule(resource, new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new DeviceException("cannot read " + resource + ": " + e.getMessage(), e);
            }
            LOADED.put(resource, m);
        }
        return m;
    }

    /** The resource this program was read from. */
    String resource() {
        return resource;
    }

    /** The resource's file name, e.g. "neurite_tf32.ptx". */
    String fileName() {
        return resource.substring(resource.lastIndexOf('/') + 1);
    }

    /** The PTX text, NUL-terminated as cuModuleLoadData wants it. */
    byte[] image() {
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        byte[] image = new byte[ascii.length + 1];
        System.arraycopy(ascii, 0, image, 0, ascii.length);
        return image;
    }

    String text() {
        return text;
    }

    /** The declared PTX ISA version, e.g. "8.0". */
    String isa() {
        return isa;
    }

    /** The oldest driver that loads it, as cuDriverGetVersion reports versions (12000 is CUDA 12.0). */
    int requiredDriver() {
        return requiredDriver;
    }

    /** That driver in words, e.g. "CUDA 12.0 driver (r525 or newer)". */
    String requiredDriverText() {
        return requiredDriverText;
    }

    /** Every kernel entry point, in program order. */
    Set<String> entries() {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = ENTRY.matcher(text);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /** A cuDriverGetVersion number in the usual form: 12020 is "12.2". */
    static String cudaVersion(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }
}
