package io.neurite.checkpoint;

import io.neurite.io.AtomicFiles;
import io.neurite.io.CheckpointException;
import io.neurite.io.FileErrors;
import io.neurite.io.Json;
import io.neurite.io.SafeTensors;
import io.neurite.nn.Layer;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.optim.Optimizer;
import io.neurite.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saving and restoring models and training runs. A checkpoint directory holds:
 * <ul>
 *   <li>{@value #MODEL}: the architecture ({@link ModelJson});</li>
 *   <li>{@value #WEIGHTS}: every weight, as safetensors named by parameter ({@link SafeTensors}
 *       documents names and layouts);</li>
 *   <li>with training state: {@value #OPTIMIZER}, each parameter's optimiser state as
 *       {@code PARAM/state0}, {@code PARAM/state1} (SGD momentum: velocity; Adam: first and
 *       second moments; RMSprop, Adagrad: accumulators) with the optimiser's class, step count
 *       and base rate in its metadata; and {@value #TRAINING} ({@link TrainingState}, plus the
 *       layers' dropout generator states).</li>
 * </ul>
 * The files of one save change together ({@link AtomicFiles}) and carry one save id, so a
 * restore can tell a mixed set. Every load validates everything (every file, name, shape,
 * dtype, checksum) before it changes any weight or state: a refused load changes nothing.
 *
 * <pre>{@code
 * Checkpoint.save(dir, model, optimizer, state);           // or ModelCheckpoint as a callback
 * Model m = Checkpoint.readModel(dir).build(device, 0);    // any seed: the weights are replaced
 * TrainingState s = Checkpoint.restore(dir, m, new Adam(1e-3f));
 * }</pre>
 */
public final class Checkpoint {
    public static final String MODEL = "model.json", WEIGHTS = "weights.safetensors", OPTIMIZER = "optimizer.safetensors",
            TRAINING = "training.json";
    static final String TRAINING_FORMAT = "neurite.training", SAVE_ID = "neurite.save_id";

    private Checkpoint() {
    }

    /** Writes a model's weights to one safetensors file, atomically. */
    public static void saveWeights(Model model, Path file) throws IOException {
        SafeTensors.write(file, weights(model), Map.of());
    }

    /** Loads every weight of a built model from a safetensors file; a file that does not fit changes nothing. */
    public static void loadWeights(Model model, Path file) throws IOException {
        try (SafeTensors.Reader r = SafeTensors.open(file)) {
            apply(readWeights(model, r));
        }
    }

    private static List<SafeTensors.Named> weights(Model model) {
        List<SafeTensors.Named> out = new ArrayList<>();
        for (Parameter p : model.parameters()) out.add(new SafeTensors.Named(p.name(), p.value().shape(), p.value().toFloatArray()));
        return out;
    }

    /**
     * Saves a checkpoint directory. With an optimizer and a state, everything an exact resume
     * needs; with nulls, the model and its weights only (removing state files of earlier saves,
     * which would no longer match).
     */
    public static void save(Path dir, Model model, Optimizer optimizer, TrainingState state) throws IOException {
        if ((optimizer == null) != (state == null)) throw new IllegalArgumentException("save an optimizer and a training state together, or neither");
        String id = java.util.UUID.randomUUID().toString();
        String modelJson = ModelJson.toJson(model);
        List<SafeTensors.Named> weights = weights(model);
        Map<String, AtomicFiles.Content> files = new LinkedHashMap<>();
        files.put(MODEL, tmp -> Files.writeString(tmp, modelJson));
        files.put(WEIGHTS, tmp -> SafeTensors.writeTo(tmp, weights, Map.of(SAVE_ID, id)));
        if (optimizer == null) {
            AtomicFiles.commit(dir, files, List.of(OPTIMIZER, TRAINING));
            return;
        }
        List<SafeTensors.Named> slots = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            Tensor[] st = optimizer.state(p);
            for (int i = 0; i < st.length; i++) slots.add(new SafeTensors.Named(p.name() + "/state" + i, p.value().shape(), st[i].toFloatArray()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(SAVE_ID, id);
        meta.put("optimizer", optimizer.getClass().getSimpleName());
        meta.put("iterations", Long.toString(optimizer.iterations()));
        meta.put("base_learning_rate", Float.toString(optimizer.baseLearningRate()));
        meta.put("state_count", Integer.toString(optimizer.stateCount()));
        files.put(OPTIMIZER, tmp -> SafeTensors.writeTo(tmp, slots, meta));
        String training = Json.pretty(trainingJson(id, model, state));
        files.put(TRAINING, tmp -> Files.writeString(tmp, training));
        AtomicFiles.commit(dir, files, List.of());
    }

    private static Map<String, Object> trainingJson(String id, Model model, TrainingState s) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("format", TRAINING_FORMAT);
        t.put("format_version", 1L);
        t.put("save_id", id);
        t.put("epoch", s.epoch());
        t.put("seed", s.seed());
        t.put("batch_size", s.batchSize());
        t.put("shuffle", s.shuffle());
        t.put("monitor", s.monitor());
        t.put("best", Double.isFinite(s.best()) ? s.best() : null);
        Map<String, Object> gens = new LinkedHashMap<>();
        for (Layer l : model.layers()) gens.put(l.name(), l.generatorState());
        t.put("generators", gens);
        t.put("notes", new LinkedHashMap<>(s.notes()));
        return t;
    }

    /** Reads the (unbuilt) model of a checkpoint directory. */
    public static Model readModel(Path dir) throws IOException {
        return ModelJson.read(AtomicFiles.resolve(dir, MODEL));
    }

    /**
     * The training state of a checkpoint directory without restoring anything (to choose the
     * optimiser and settings before building them), or null for a weights-only save.
     */
    public static TrainingState readTrainingState(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new CheckpointException(dir + ": no such checkpoint directory");
        Path file = AtomicFiles.resolve(dir, TRAINING);
        return Files.exists(file) ? state(file, training(file)) : null;
    }

    /** Whether the directory holds training state (a full save), not weights only. */
    public static boolean hasTrainingState(Path dir) throws IOException {
        return Files.exists(AtomicFiles.resolve(dir, TRAINING));
    }

    /**
     * Restores a checkpoint directory into a built model and, where optimizer is not null, a
     * fresh optimiser of the saved class: weights, optimiser state and step count, and the
     * layers' generator states. Returns the training state (null for a weights-only save with a
     * null optimizer). Everything is validated first; a refused restore changes nothing.
     */
    public static TrainingState restore(Path dir, Model model, Optimizer optimizer) throws IOException {
        if (!Files.isDirectory(dir)) throw new CheckpointException(dir + ": no such checkpoint directory");
        Path weightsFile = AtomicFiles.resolve(dir, WEIGHTS);
        if (!Files.exists(weightsFile)) throw new CheckpointException(dir + ": no " + WEIGHTS);
        try (SafeTensors.Reader w = SafeTensors.open(weightsFile)) {
            Map<Parameter, float[]> weights = readWeights(model, w);
            if (optimizer == null && !hasTrainingState(dir)) {
                apply(weights);
                return null;
            }
            Path trainingFile = AtomicFiles.resolve(dir, TRAINING), optimizerFile = AtomicFiles.resolve(dir, OPTIMIZER);
            if (!Files.exists(trainingFile) || !Files.exists(optimizerFile)) {
                throw new CheckpointException(dir + ": a weights-only checkpoint (no " + TRAINING + " or " + OPTIMIZER + "): load its weights instead");
            }
            Map<?, ?> t = training(trainingFile);
            String id = w.metadata().get(SAVE_ID);
            if (id == null || !id.equals(t.get("save_id"))) {
                throw new CheckpointException(dir + ": " + WEIGHTS + " and " + TRAINING + " are from different saves (save ids "
                        + id + " and " + t.get("save_id") + ")");
            }
            TrainingState state = state(trainingFile, t);
            Map<Layer, Long> generators = generators(trainingFile, t, model);
            if (optimizer == null) {
                apply(weights);
                generators.forEach(Layer::generatorState);
                return state;
            }
            try (SafeTensors.Reader o = SafeTensors.open(optimizerFile)) {
                if (!id.equals(o.metadata().get(SAVE_ID))) {
                    throw new CheckpointException(optimizerFile + ": from another save than " + WEIGHTS + " (save id " + o.metadata().get(SAVE_ID) + ")");
                }
                OptimizerState os = OptimizerState.read(o, model, optimizer);
                if (state.epoch() > 0 && os.iterations() == 0) {
                    throw new CheckpointException(optimizerFile + ": 0 optimiser steps (metadata \"iterations\"), but " + TRAINING + " says "
                            + state.epoch() + " epochs are done");
                }
                apply(weights);
                generators.forEach(Layer::generatorState);
                os.applyTo(optimizer);
                return state;
            }
        }
    }

    /** Every weight of the model from the file, checked: names, shapes, dtypes and checksums. */
    static Map<Parameter, float[]> readWeights(Model model, SafeTensors.Reader r) throws IOException {
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) params.put(p.name(), p);
        List<String> problems = new ArrayList<>();
        for (SafeTensors.Entry e : r.entries().values()) {
            Parameter p = params.get(e.name());
            if (p == null) problems.add("unknown tensor '" + e.name() + "' (not a weight of this model)");
            else if (!Arrays.equals(p.value().shape(), e.shape()) || !e.dtype().equals("F32")) {
                problems.add("tensor '" + e.name() + "' is " + e.dtype() + " " + Arrays.toString(e.shape()) + ", the model's weight is F32 "
                        + Arrays.toString(p.value().shape()));
            }
        }
        for (String name : params.keySet()) if (!r.entries().containsKey(name)) problems.add("no tensor '" + name + "'");
        if (!problems.isEmpty()) {
            throw new CheckpointException(r.file() + " does not fit the model: " + String.join("; ", problems.subList(0, Math.min(6, problems.size())))
                    + (problems.size() > 6 ? "; and " + (problems.size() - 6) + " more" : ""));
        }
        Map<Parameter, float[]> values = new LinkedHashMap<>();
        for (Parameter p : params.values()) values.put(p, finite(r, p.name()));
        return values;
    }

    /** A tensor's values, refused when one is NaN or infinite (a diverged run's weights are no use to resume from). */
    static float[] finite(SafeTensors.Reader r, String name) throws IOException {
        float[] v = r.floats(name);
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new CheckpointException(r.file() + ": tensor '" + name + "' holds " + v[i] + " at element " + i
                        + " (a diverged run?); only finite values are loaded");
            }
        }
        return v;
    }

    /** Copies validated values in; nothing here can fail on the data. */
    private static void apply(Map<Parameter, float[]> values) {
        values.forEach((p, v) -> p.value().buffer().copyFrom(v, 0, 0, v.length));
    }

    private static Map<?, ?> training(Path file) throws IOException {
        if (!(Json.parse(FileErrors.naming(file, () -> Files.readString(file)), file.toString(), 0) instanceof Map<?, ?> t) || !TRAINING_FORMAT.equals(t.get("format"))) {
            throw new CheckpointException(file + ": not a Neurite training state (\"format\": \"" + TRAINING_FORMAT + "\")");
        }
        return t;
    }

    private static TrainingState state(Path file, Map<?, ?> t) throws CheckpointException {
        long epoch = whole(file, t, "epoch"), batch = whole(file, t, "batch_size");
        if (epoch < 0 || epoch > Integer.MAX_VALUE || batch < 1 || batch > Integer.MAX_VALUE) {
            throw new CheckpointException(file + ": epoch " + epoch + " or batch_size " + batch + " out of range");
        }
        if (!(t.get("shuffle") instanceof Boolean shuffle)) throw new CheckpointException(file + ": \"shuffle\" must be true or false");
        Object monitor = t.get("monitor"), best = t.get("best");
        if (monitor != null && !(monitor instanceof String)) throw new CheckpointException(file + ": \"monitor\" must be a string or null");
        if (best != null && !(best instanceof Number)) throw new CheckpointException(file + ": \"best\" must be a number or null");
        Map<String, String> notes = new HashMap<>();
        if (t.get("notes") instanceof Map<?, ?> n) n.forEach((k, v) -> notes.put(String.valueOf(k), String.valueOf(v)));
        return new TrainingState((int) epoch, whole(file, t, "seed"), (int) batch, shuffle, (String) monitor,
                best == null ? Double.NaN : ((Number) best).doubleValue(), notes);
    }

    private static Map<Layer, Long> generators(Path file, Map<?, ?> t, Model model) throws CheckpointException {
        Map<String, Layer> layers = new HashMap<>();
        for (Layer l : model.layers()) layers.put(l.name(), l);
        Map<Layer, Long> out = new LinkedHashMap<>();
        if (!(t.get("generators") instanceof Map<?, ?> g)) throw new CheckpointException(file + ": no \"generators\" object");
        for (Map.Entry<?, ?> e : g.entrySet()) {
            Layer l = layers.get(String.valueOf(e.getKey()));
            if (l == null) throw new CheckpointException(file + ": generator of unknown layer '" + e.getKey() + "'");
            if (!(e.getValue() instanceof Long v)) throw new CheckpointException(file + ": generator of '" + e.getKey() + "' is not a whole number");
            out.put(l, v);
        }
        return out;
    }

    static long whole(Path file, Map<?, ?> t, String key) throws CheckpointException {
        if (t.get(key) instanceof Long v) return v;
        throw new CheckpointException(file + ": \"" + key + "\" must be a whole number, found " + Json.write(t.get(key)));
    }
}
