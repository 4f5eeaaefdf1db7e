package io.neurite.distributed.spark;

import io.neurite.checkpoint.ModelJson;
import io.neurite.data.Dataset;
import io.neurite.device.Device;
import io.neurite.device.Devices;
import io.neurite.distributed.Tree;
import io.neurite.nn.Mode;
import io.neurite.nn.Model;
import io.neurite.nn.Parameter;
import io.neurite.tensor.Scope;
import io.neurite.tensor.Tensor;
import io.neurite.train.Batches;
import io.neurite.train.Loss;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * The body of one task of a barrier stage: a replica of the model on the executor's device,
 * trained on the task's shard for the stage's steps. Each step: forward and backward on its cut
 * of the global batch; the flat gradient cut into one slice per task, every slice but its own
 * put into the block manager; allGather (loss, correct count: the only metadata) as the barrier;
 * its own slice summed over the tasks in {@link Tree}'s order and updated by its share of the
 * optimiser; the new slice put, a barrier, and every other slice fetched. The stage reads only
 * the broadcast plan and its shard, so a retried attempt recomputes exactly the same steps.
 */
final class StageTask extends AbstractFunction1<Iterator<Stage.Shard>, Iterator<Stage.Outcome>> implements Serializable {
    private static final long serialVersionUID = 1;
    /** Test hook (a Spark local property): the optimiser step at which the last task of a stage's first attempt fails on purpose. */
    static final String FAIL_STEP = "neurite.spark.failStep";
    private final Broadcast<Stage.Plan> plan;

    StageTask(Broadcast<Stage.Plan> plan) {
        this.plan = plan;
    }

    @Override
    public Iterator<Stage.Outcome> apply(Iterator<Stage.Shard> shards) {
        BarrierTaskContext ctx = BarrierTaskContext.get();
        Stage.Plan p = plan.value();
        Stage.Shard shard = shards.next();
        int tasks = ctx.getTaskInfos().length;
        if (shard.rank() != ctx.partitionId()) throw new IllegalStateException("partition " + ctx.partitionId() + " got the shard of rank " + shard.rank());
        String failAt = ctx.getLocalProperty(FAIL_STEP);
        long failStep = failAt == null || ctx.stageAttemptNumber() > 0 || shard.rank() != tasks - 1 ? -1 : Long.parseLong(failAt);
        Blocks blocks = new Blocks(p.prefix() + "_a" + ctx.stageAttemptNumber());
        // The one barrier of the stage (Spark's barrier waits in steps of a second): the gang is up, and says where it runs.
        String executor = SparkEnv.get().executorId(), where = String.join(",", ctx.allGather(executor));
        try (Device device = p.deviceId() == null ? Devices.best() : Devices.get(p.deviceId());
             Model model = ModelJson.fromJson(p.modelJson(), "the model sent to Spark task " + shard.rank()).build(device, 0)) {
            return CollectionConverters.asScala(List.of(run(p, shard, tasks, failStep, where, blocks, device, model)).iterator());
        } catch (IOException e) {
            throw new IllegalStateException("the model's JSON does not rebuild on the executor", e);
        }
    }

    private static Stage.Outcome run(Stage.Plan p, Stage.Shard shard, int tasks, long failStep, String executor, Blocks blocks,
                                     Device device, Model model) {
        List<Parameter> params = model.parameters();
        Layout layout = p.layout();
        layout.load(p.weights(), params);
        Layout.loadFrozen(p.frozen(), params);
        Loss loss = p.loss().get();
        int r = shard.rank(), lo = layout.sliceStart(r, tasks), hi = layout.sliceStart(r + 1, tasks), len = sampleLength(p.sampleShape());
        int steps = shard.counts().length;
        Dataset data = shard.labels() != null ? Dataset.ofLabels(shard.features(), p.sampleShape(), shard.labels())
                : Dataset.ofTargets(shard.features(), p.sampleShape(), shard.targets(), p.targetWidth());
        int[] identity = new int[data.size()];
        Arrays.setAll(identity, i -> i);
        double[] losses = new double[steps];
        int[] correct = new int[steps];
        long compute = 0, exchange = 0;
        float[] slice = Arrays.copyOfRange(p.weights(), lo, hi);
        try (SliceUpdate update = new SliceUpdate(device, layout, lo, hi, slice, shard.state())) {
            for (int k = 0, at = 0; k < steps; at += shard.counts()[k], k++) {
                long step = p.firstStep() + k + 1, t0 = System.nanoTime();
                if (step == failStep) throw new IllegalStateException(FAIL_STEP + "=" + failStep + ": task " + r + " fails on purpose (attempt 0)");
                double[] mine = new double[2];
                float[] grad = forwardBackward(model, loss, data, identity, at, at + shard.counts()[k], shard.batch()[k], len, layout, mine);
                losses[k] = mine[0];
                correct[k] = (int) mine[1];
                long t1 = System.nanoTime();
                for (int j = 0; j < tasks; j++) {
                    if (j != r) blocks.put("g" + step + "_" + r + "_" + j, grad, layout.sliceStart(j, tasks), layout.sliceStart(j + 1, tasks) - layout.sliceStart(j, tasks));
                }
                List<float[]> parts = new ArrayList<>();
                for (int j = 0; j < tasks; j++) parts.add(j == r ? Arrays.copyOfRange(grad, lo, hi) : blocks.get("g" + step + "_" + j + "_" + r));
                // Every task that put a gradient of this step had read all weight slices of the last one.
                blocks.remove("w" + (step - 1) + "_");
                slice = update.step(p.rules()[k], Tree.sum(parts));
                blocks.put("w" + step + "_" + r, slice, 0, slice.length);
                float[] flat = new float[layout.total];
                for (int j = 0; j < tasks; j++) {
                    float[] s = j == r ? slice : blocks.get("w" + step + "_" + j);
                    System.arraycopy(s, 0, flat, layout.sliceStart(j, tasks), s.length);
                }
                // Every task that put a weight slice of this step had read its gradient slices.
                blocks.remove("g" + step + "_");
                layout.load(flat, params);
                compute += t1 - t0;
                exchange += System.nanoTime() - t1;
            }
            // The last step's weight slices stay for the others to read; the driver removes them after the stage.
            float[][] frozen = r == 0 ? Layout.frozen(params) : null;
            return new Stage.Outcome(r, executor, slice, update.states(shard.state().length), frozen, losses, correct,
                    compute, exchange, blocks.waited(), blocks.received());
        }
    }

    private static int sampleLength(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /**
     * Forward and backward on samples [a, b) of the shard, the loss weighted by their share of
     * the global batch so the tasks' gradients sum to the global batch's mean-loss gradient.
     * Returns the flat gradient and clears the model's; out gets the weighted loss and correct count.
     */
    private static float[] forwardBackward(Model m, Loss loss, Dataset d, int[] order, int a, int b, int batch, int len, Layout layout, double[] out) {
        List<Parameter> params = m.parameters();
        if (b == a) return new float[layout.total];
        try (Scope s = Scope.open()) {
            int[] shape = new int[d.sampleShape().length + 1];
            shape[0] = b - a;
            System.arraycopy(d.sampleShape(), 0, shape, 1, shape.length - 1);
            Tensor x = Tensor.of(m.device(), Arrays.copyOfRange(d.features(), a * len, b * len), shape), y = Batches.targets(m.device(), d, order, a, b);
            Tensor output = m.forward(x, Mode.TRAINING);
            float weight = (float) (b - a) / batch;
            Tensor l = loss.compute(output, y);
            l.mul(weight).backward();
            out[0] = (double) l.item() * weight;
            out[1] = Batches.correct(output, y);
            float[] grad = layout.flatten(params, true);
            for (Parameter p : params) if (p.trainable()) p.value().zeroGrad();
            return grad;
        }
    }
}
