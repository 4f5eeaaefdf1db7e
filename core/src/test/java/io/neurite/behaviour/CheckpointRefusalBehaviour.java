package io.neurite.behaviour;

import static io.neurite.behaviour.CheckpointFixtures.bits;
import static io.neurite.behaviour.CheckpointFixtures.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurite.checkpoint.Checkpoint;
import io.neurite.checkpoint.ModelCheckpoint;
import io.neurite.checkpoint.TrainingState;
import io.neurite.io.CheckpointException;
import io.neurite.io.SafeTensors;
import io.neurite.nn.Dense;
import io.neurite.nn.Flatten;
import io.neurite.nn.Input;
import io.neurite.nn.Model;
import io.neurite.nn.Sequential;
import io.neurite.optim.Adam;
import io.neurite.optim.Optimizer;
import io.neurite.optim.SGD;
import io.neurite.tensor.Tensor;
import io.neurite.train.FitOptions;
import io.neurite.train.Loss;
import io.neurite.train.Trainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every damaged or mismatched checkpoint is refused with a message naming the problem, and the
 * refused load leaves the model's weights and the optimiser untouched.
 */
public abstract class CheckpointRefusalBehaviour extends DeviceSuite {
    @TempDir
    Path root;
    private Path ck;
    private Path weightsFile;

    /** A full checkpoint of the MLP after one epoch with Adam. */
    @BeforeEach
    void save() throws IOException {
        ck = Files.createTempDirectory(root, "ck");
        weightsFile = ck.resolve(Checkpoint.WEIGHTS);
        try (Model m = CheckpointFixtures.mlp().build(device, 1); Optimizer o = new Adam(1e-3f)) {
            new Trainer(m, o, Loss.sparseCategoricalCrossentropy().fromLogits()).fit(CheckpointFixtures.patterns(48, 1),
                    new FitOptions().batchSize(16).verbose(0).callbacks(new ModelCheckpoint(ck)));
        }
    }

    /**
     * Restoring into a fresh MLP and Adam must fail naming every fragment, changing no weight and
     * no optimiser state; so must loading the weights file alone, where it is the bad one.
     */
    private void refused(Model arch, boolean badWeights, String... fragments) throws IOException {
        try (Model m = arch.build(device, 2); Optimizer o = new Adam(1e-3f)) {
            float[] before = weights(m);
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.restore(ck, m, o));
            for (String s : fragments) assertTrue(e.getMessage().contains(s), "'" + s + "' in: " + e.getMessage());
            assertArrayEquals(bits(before), bits(weights(m)), "a refused load changes no weight");
            assertEquals(0, o.iterations());
            m.parameters().forEach(p -> assertEquals(0, o.state(p).length, "no optimiser state"));
            if (badWeights) {
                assertThrows(CheckpointException.class, () -> Checkpoint.loadWeights(m, weightsFile));
                assertArrayEquals(bits(before), bits(weights(m)));
            }
        }
    }

    private void refused(String... fragments) throws IOException {
        refused(CheckpointFixtures.mlp(), true, fragments);
    }

    private void refusedWithGoodWeights(String... fragments) throws IOException {
        refused(CheckpointFixtures.mlp(), false, fragments);
    }

    private void rewrite(List<SafeTensors.Named> tensors) throws IOException {
        SafeTensors.write(weightsFile, tensors, Map.of());
    }

    private List<SafeTensors.Named> saved() throws IOException {
        try (SafeTensors.Reader r = SafeTensors.open(weightsFile)) {
            List<SafeTensors.Named> out = new java.util.ArrayList<>();
            for (var e : r.entries().values()) out.add(new SafeTensors.Named(e.name(), e.shape(), r.floats(e.name())));
            return out;
        }
    }

    @Test
    void wrongShapesAreRefused() throws IOException {
        refused(new Sequential(Input.of(1, 8, 8), new Flatten(), new Dense(32).activation("sigmoid"), new Dense(10)), true,
                weightsFile.toString(), "does not fit the model", "tensor 'dense_1/kernel' is F32 [64, 33], the model's weight is F32 [64, 32]");
    }

    @Test
    void unknownAndMissingNamesAreRefused() throws IOException {
        List<SafeTensors.Named> t = new java.util.ArrayList<>(saved());
        t.add(new SafeTensors.Named("dense_9/kernel", new int[] {2}, new float[2]));
        t.removeIf(n -> n.name().equals("dense_2/bias"));
        rewrite(t);
        refused("unknown tensor 'dense_9/kernel'", "no tensor 'dense_2/bias'");
    }

    @Test
    void aTruncatedFileIsRefused() throws IOException {
        byte[] b = Files.readAllBytes(weightsFile);
        Files.write(weightsFile, Arrays.copyOf(b, b.length - 100));
        refused(weightsFile.toString(), "truncated", "dense_2/kernel");
    }

    @Test
    void corruptedDataIsRefusedNamingTheTensor() throws IOException {
        byte[] b = Files.readAllBytes(weightsFile);
        b[b.length - 60] ^= 1;
        Files.write(weightsFile, b);
        refused("tensor 'dense_2/kernel'", "is corrupted");
    }

    @Test
    void aBadHeaderIsRefused() throws IOException {
        byte[] b = Files.readAllBytes(weightsFile);
        int colon = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf(':');
        b[colon] = ';';
        Files.write(weightsFile, b);
        refused(weightsFile.toString(), "bad JSON at offset " + colon, "expected ':'");
    }

    @Test
    void aHeaderLengthBeyondTheFileIsRefused() throws IOException {
        byte[] b = Files.readAllBytes(weightsFile);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, b.length + 1000L);
        Files.write(weightsFile, b);
        refused("header length " + (b.length + 1000), "offset 0", "beyond the end of the file (" + b.length + " bytes)");
    }

    /** The weights are fine here; the optimiser file is not, and the weights must not be loaded either. */
    @Test
    void aBadOptimizerFileStopsTheWeightsToo() throws IOException {
        Path opt = ck.resolve(Checkpoint.OPTIMIZER);
        byte[] b = Files.readAllBytes(opt);
        b[b.length - 1] ^= 4;
        Files.write(opt, b);
        refusedWithGoodWeights("optimizer.safetensors", "dense_2/bias/state1", "is corrupted");
    }

    @Test
    void anotherOptimizerClassIsRefused() throws IOException {
        try (Model m = CheckpointFixtures.mlp().build(device, 2); Optimizer o = new SGD(0.1f, 0.9f, false)) {
            float[] before = weights(m);
            CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.restore(ck, m, o));
            assertTrue(e.getMessage().contains("optimiser state of Adam; the optimiser given is SGD"), e.getMessage());
            assertArrayEquals(bits(before), bits(weights(m)));
        }
    }

    /** Files of two saves in one directory (a hand copy) are told apart by their save id. */
    @Test
    void filesFromDifferentSavesAreRefused() throws IOException {
        Path other = Files.createTempDirectory(root, "other");
        try (Model m = CheckpointFixtures.mlp().build(device, 3); Optimizer o = new Adam(1e-3f)) {
            Checkpoint.save(other, m, o, new TrainingState(1, 0, 16, true, null, Double.NaN, Map.of()));
        }
        Files.copy(other.resolve(Checkpoint.TRAINING), ck.resolve(Checkpoint.TRAINING), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        refusedWithGoodWeights("weights.safetensors and training.json are from different saves");
    }

    @Test
    void aDamagedTrainingStateIsRefused() throws IOException {
        Path t = ck.resolve(Checkpoint.TRAINING);
        Files.writeString(t, Files.readString(t).replace("\"epoch\": 1", "\"epoch\": -1"));
        refusedWithGoodWeights("training.json", "epoch -1");
    }

    @Test
    void tensorsStillInTheirBuffersAfterARefusalAreUsable() throws IOException {
        Files.write(weightsFile, new byte[3]);
        try (Model m = CheckpointFixtures.mlp().build(device, 2)) {
            assertThrows(CheckpointException.class, () -> Checkpoint.loadWeights(m, weightsFile));
            try (io.neurite.tensor.Scope s = io.neurite.tensor.Scope.open()) {
                assertEquals(10, m.predict(Tensor.zeros(device, 1, 1, 8, 8)).size());
            }
        }
    }
}
