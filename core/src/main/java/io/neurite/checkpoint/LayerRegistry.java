package io.neurite.checkpoint;

import io.neurite.io.Json;
import io.neurite.nn.Activation;
import io.neurite.nn.Add;
import io.neurite.nn.AveragePooling2d;
import io.neurite.nn.BatchNormalization;
import io.neurite.nn.Concatenate;
import io.neurite.nn.Conv2d;
import io.neurite.nn.Dense;
import io.neurite.nn.Dropout;
import io.neurite.nn.Embedding;
import io.neurite.nn.Flatten;
import io.neurite.nn.GlobalAveragePooling2d;
import io.neurite.nn.Gru;
import io.neurite.nn.Layer;
import io.neurite.nn.Lstm;
import io.neurite.nn.MaxPooling2d;
import io.neurite.nn.PRelu;
import io.neurite.nn.Reshape;
import io.neurite.nn.SimpleRnn;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The layer classes a model's JSON can name, each with the factory that rebuilds a layer from its
 * {@link Layer#config()} (Keras' {@code from_config}). The built-in layers are registered here;
 * a new layer class registers itself once, e.g. in a static initialiser:
 *
 * <pre>{@code
 * LayerRegistry.register(Lstm.class, c -> new Lstm(c.integer("units")).returnSequences(c.bool("return_sequences")));
 * }</pre>
 *
 * A factory must restore every setting: {@link ModelJson} rebuilds each layer and refuses the
 * file if the rebuilt layer's config differs from the saved one. The {@code Input} layer is
 * handled by ModelJson itself.
 */
public final class LayerRegistry {
    private static final Map<String, Function<Config, Layer>> FACTORIES = new ConcurrentHashMap<>();
    private static final Map<Class<? extends Layer>, String> NAMES = new ConcurrentHashMap<>();

    static {
        register(Dense.class, c -> new Dense(c.integer("units")).activation(c.string("activation")).useBias(c.bool("use_bias"))
                .regularize(c.number("l1"), c.number("l2")));
        register(Conv2d.class, c -> new Conv2d(c.integer("filters"), c.integer("kernel_h"), c.integer("kernel_w"))
                .strides(c.integer("stride_h"), c.integer("stride_w")).padding(c.string("padding"))
                .activation(c.string("activation")).useBias(c.bool("use_bias")).regularize(c.number("l1"), c.number("l2")));
        register(MaxPooling2d.class, c -> new MaxPooling2d(c.integer("size_h"), c.integer("size_w"))
                .strides(c.integer("stride_h"), c.integer("stride_w")).padding(c.string("padding")));
        register(AveragePooling2d.class, c -> new AveragePooling2d(c.integer("size_h"), c.integer("size_w"))
                .strides(c.integer("stride_h"), c.integer("stride_w")).padding(c.string("padding")));
        register(BatchNormalization.class, c -> new BatchNormalization().momentum(c.number("momentum")).epsilon(c.number("epsilon")));
        register(Dropout.class, c -> new Dropout(c.number("rate")));
        register(Activation.class, c -> new Activation(c.string("function")));
        register(Flatten.class, c -> new Flatten());
        register(Add.class, c -> new Add());
        register(Concatenate.class, c -> new Concatenate());
        register(GlobalAveragePooling2d.class, c -> new GlobalAveragePooling2d());
        register(PRelu.class, c -> new PRelu());
        register(SimpleRnn.class, c -> new SimpleRnn(c.integer("units")).activation(c.string("activation"))
                .returnSequences(c.bool("return_sequences")));
        register(Lstm.class, c -> new Lstm(c.integer("units")).unitForgetBias(c.bool("unit_forget_bias"))
                .returnSequences(c.bool("return_sequences")));
        register(Gru.class, c -> new Gru(c.integer("units")).returnSequences(c.bool("return_sequences")));
        register(Embedding.class, c -> new Embedding(c.integer("vocabulary"), c.integer("width")));
        register(Reshape.class, c -> new Reshape(c.ints("target_shape")));
        // Files written before the layers took Keras' names (MaxPool2d, AvgPool2d, BatchNorm) still load
        alias("MaxPool2d", MaxPooling2d.class);
        alias("AvgPool2d", AveragePooling2d.class);
        alias("BatchNorm", BatchNormalization.class);
        // A new layer class: register it here, or from its own class with register(...).
    }

    private LayerRegistry() {
    }

    /** Registers a layer class under its simple name (its {@code class_name} in JSON). */
    public static void register(Class<? extends Layer> type, Function<Config, Layer> factory) {
        register(type, type.getSimpleName(), factory);
    }

    /** Registers a layer class under a chosen name, for classes whose simple names clash. */
    public static void register(Class<? extends Layer> type, String className, Function<Config, Layer> factory) {
        String old = NAMES.get(type);
        if (old != null && !old.equals(className)) FACTORIES.remove(old);
        NAMES.put(type, className);
        FACTORIES.put(className, factory);
    }

    /** Reads oldName as the registered class type (a name older files use); writing uses the class's own. */
    private static void alias(String oldName, Class<? extends Layer> type) {
        FACTORIES.put(oldName, FACTORIES.get(NAMES.get(type)));
    }

    /** The JSON class name of a layer, or null where its class is not registered. */
    static String nameOf(Layer layer) {
        return NAMES.get(layer.getClass());
    }

    /** The factory for a JSON class name, or null. */
    static Function<Config, Layer> factory(String className) {
        return FACTORIES.get(className);
    }

    /** Every registered class name. */
    static List<String> known() {
        return NAMES.values().stream().sorted().toList(); // not the aliases of older names
    }

    /**
     * A layer's saved config (and the layer's name), with typed getters that name the key of a
     * missing or mistyped value (an {@link IllegalArgumentException}, which ModelJson reports
     * with the file and layer).
     */
    public record Config(String layer, Map<String, Object> values) {
        private Object get(String key) {
            if (!values.containsKey(key)) throw new IllegalArgumentException("config has no '" + key + "'");
            return values.get(key);
        }

        private IllegalArgumentException wrong(String key, String what) {
            return new IllegalArgumentException("config '" + key + "' must be " + what + ", not " + Json.write(values.get(key)));
        }

        public int integer(String key) {
            if (get(key) instanceof Long l && l == (int) (long) l) return (int) (long) l;
            throw wrong(key, "an int");
        }

        public float number(String key) {
            if (get(key) instanceof Number n) return n.floatValue();
            throw wrong(key, "a number");
        }

        public boolean bool(String key) {
            if (get(key) instanceof Boolean b) return b;
            throw wrong(key, "true or false");
        }

        public String string(String key) {
            if (get(key) instanceof String s) return s;
            throw wrong(key, "a string");
        }

        public int[] ints(String key) {
            if (!(get(key) instanceof List<?> l)) throw wrong(key, "a list of ints");
            int[] out = new int[l.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(l.get(i) instanceof Long v) || v != (int) (long) v) throw wrong(key, "a list of ints");
                out[i] = (int) (long) l.get(i);
            }
            return out;
        }
    }
}
