package io.neurite.distributed.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.storage.BlockData;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BlockManagerMaster;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.io.ChunkedByteBuffer;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.reflect.ClassTag$;

/**
 * Float slices through the executor's Spark block manager, as BigDL's {@code AllReduceParameter}
 * moves them: a task puts a slice into its own block manager (reported to the driver's block
 * manager master), the task that needs it fetches it from whichever executor holds it. The
 * names carry the run, the stage and the stage attempt, so a retried stage never reads what a
 * failed attempt left behind.
 */
final class Blocks {
    /** How long a task waits for another's slice before it gives up (the other task died without Spark noticing). */
    private static final long WAIT_NANOS = 300_000_000_000L;
    private final BlockManager manager = SparkEnv.get().blockManager();
    private final String prefix;
    private final List<BlockId> mine = new ArrayList<>();
    private long received, waited;

    /** prefix: unique to one attempt of one stage of one run. */
    Blocks(String prefix) {
        this.prefix = prefix;
    }

    /** Nanoseconds spent waiting for blocks that were not there yet (another task still busy), the last look-up excluded. */
    long waited() {
        return waited;
    }

    /** Bytes fetched so far. */
    long received() {
        return received;
    }

    private BlockId id(String name) {
        // TestBlockId is the block kind Spark keeps for names it does not own; BigDL uses it too.
        return BlockId.apply("test_" + prefix + "_" + name);
    }

    /** Stores values[from, from + n) under name, reported to the master so other executors find it (serialized: raw bytes, not values to decode). */
    void put(String name, float[] values, int from, int n) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values, from, n);
        BlockId id = id(name);
        if (!manager.putBytes(id, new ChunkedByteBuffer(bytes), StorageLevel.MEMORY_ONLY_SER(), true, ClassTag$.MODULE$.apply(byte[].class))) {
            throw new IllegalStateException("Spark's block manager refused block " + id + " (" + 4L * n + " bytes): give the executors more memory");
        }
        mine.add(id);
    }

    /**
     * Fetches the slice another task stores under name, from this executor or a remote one,
     * waiting until it is there: this poll of the block manager master is the tasks' only
     * synchronisation within a stage (Spark's barrier() sleeps in whole seconds while it waits).
     * A task Spark kills stops waiting.
     */
    float[] get(String name) {
        BlockId id = id(name);
        long start = System.nanoTime(), pause = 20_000;
        ByteBuffer bytes;
        long tried;
        while (true) {
            tried = System.nanoTime();
            if ((bytes = fetch(id)) != null) break;
            if (System.nanoTime() - start > WAIT_NANOS) {
                throw new IllegalStateException("block " + id + " did not appear in " + WAIT_NANOS / 1_000_000_000 + " s: its task stopped");
            }
            TaskContext task = TaskContext.get();
            if (task != null) task.killTaskIfInterrupted();
            LockSupport.parkNanos(pause);
            pause = Math.min(2 * pause, 2_000_000);
        }
        waited += tried - start;
        received += bytes.remaining();
        float[] out = new float[bytes.remaining() / 4];
        bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private ByteBuffer fetch(BlockId id) {
        Option<BlockData> local = manager.getLocalBytes(id);
        if (local.isDefined()) {
            BlockData data = local.get();
            try {
                ByteBuffer b = data.toByteBuffer();
                return ByteBuffer.allocate(b.remaining()).put(b).flip();
            } finally {
                manager.releaseLockAndDispose(id, data, manager.releaseLockAndDispose$default$3());
            }
        }
        Option<ChunkedByteBuffer> remote = manager.getRemoteBytes(id);
        if (remote.isEmpty()) return null;
        ByteBuffer b = ByteBuffer.wrap(remote.get().toArray());
        remote.get().dispose();
        return b;
    }

    /** On the driver: removes every block of every attempt whose prefix starts with stem, wherever it is. */
    static void removeEverywhere(String stem) {
        BlockManagerMaster master = SparkEnv.get().blockManager().master();
        String full = "test_" + stem;
        Seq<BlockId> ids = master.getMatchingBlockIds(new Prefix(full), true);
        CollectionConverters.asJava(ids).forEach(master::removeBlock);
    }

    /** Removes the blocks this task stored whose names start with stem (all with ""). */
    void remove(String stem) {
        String full = "test_" + prefix + "_" + stem;
        mine.removeIf(id -> {
            if (!id.name().startsWith(full)) return false;
            manager.removeBlock(id, true);
            return true;
        });
    }

    /** Matches block names by their start; it travels to every executor's block manager. */
    private static final class Prefix extends AbstractFunction1<BlockId, Object> implements java.io.Serializable {
        private static final long serialVersionUID = 1;
        private final String start;

        Prefix(String start) {
            this.start = start;
        }

        @Override
        public Object apply(BlockId id) {
            return id.name().startsWith(start);
        }
    }
}
