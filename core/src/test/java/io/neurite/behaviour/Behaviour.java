package io.neurite.behaviour;

import org.junit.jupiter.api.Nested;

/**
 * Core's model-level behaviour on one device: every suite of this package, run on the device a
 * backend's test names, like the conformance kit (candle's {@code test_device!}, DJL's integration
 * suite). A backend's tests extend it with one method:
 *
 * <pre>{@code
 * class OpenClBehaviourTest extends Behaviour {
 *     @Override protected String deviceId() { return "opencl:0"; }
 * }
 * }</pre>
 *
 * A suite added here runs on every backend without touching them.
 */
public abstract class Behaviour {
    /** The id of the device under test, e.g. {@code "opencl:0"}. */
    protected abstract String deviceId();

    // One line a suite, like candle's test_device! list: each runs on the enclosing class's device.
    @Nested class ModelApi extends ModelApiBehaviour { @Override protected String deviceId() { return Behaviour.this.deviceId(); } }
    @Nested class ModelTraining extends ModelTrainingBehaviour { @Override protected String deviceId() { return Behaviour.this.deviceId(); } }
    @Nested class LayerGradient extends LayerGradientBehaviour { @Override protected String deviceId() { return Behaviour.this.deviceId(); } }
    @Nested class RecurrentLayer extends RecurrentLayerBehaviour { @Override protected String deviceId() { return Behaviour.this.deviceId(); } }
    @Nested class RecurrentLearning extends RecurrentLearningBehaviour { @Override protected String deviceId() { return Behaviour.this.deviceId(); } }
    @Nested class CheckpointRoundTrip extends CheckpointRoundTripBehaviour { @Override protected String deviceId() { return Behaviour.this.deviceId(); } }
    @Nested class CheckpointResume extends CheckpointResumeBehaviour { @Override protected String deviceId() { return Behaviour.this.deviceId(); } }
    @Nested class CheckpointRefusal extends CheckpointRefusalBehaviour { @Override protected String deviceId() { return Behaviour.this.deviceId(); } }
    @Nested class ShapeError extends ShapeErrorBehaviour { @Override protected String deviceId() { return Behaviour.this.deviceId(); } }
    @Nested class Concurrency extends ConcurrencyBehaviour { @Override protected String deviceId() { return Behaviour.this.deviceId(); } }
    @Nested class HostRead extends HostReadBehaviour { @Override protected String deviceId() { return Behaviour.this.deviceId(); } }
    @Nested class Explain extends ExplainBehaviour { @Override protected String deviceId() { return Behaviour.this.deviceId(); } }
}
