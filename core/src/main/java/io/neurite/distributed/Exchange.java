package io.neurite.distributed;

import io.neurite.device.Buffer;
import io.neurite.device.DType;
import io.neurite.nn.Parameter;
import java.util.List;

/**
 * The gradient and weight exchange between replicas: a binary-tree reduce of the gradients into
 * rank 0, then a broadcast of rank 0's weights. The tree ({@link Tree}) pairs ranks the same way
 * every step, so the sum's order, and with it every bit, depends only on
 * the device set. Between two replicas on one {@code Device} object the sum is an axpy on the
 * device buffers; between devices the sender's gradient goes through a host array into a staging
 * buffer on the receiver, which then adds it with its own axpy.
 */
final class Exchange implements AutoCloseable {
    private final List<List<Parameter>> params;
    /** staging[rank][parameter]: the receiver's copy of a sender's gradient, allocated on first use. */
    private final Buffer[][] staging;
    private float[] host = new float[0];
    private long bytes;

    Exchange(List<List<Parameter>> params) {
        this.params = params;
        this.staging = new Buffer[params.size()][params.getFirst().size()];
    }

    /** Bytes copied between devices so far (host round trips count once each way). */
    long bytes() {
        return bytes;
    }

    /** Sums the gradients of the ranks listed (rank 0 first) into rank 0's, then clears the others'. */
    void reduce(int[] ranks) {
        for (int k = 0; k < params.getFirst().size(); k++) {
            if (!params.getFirst().get(k).trainable()) continue;
            int parameter = k;
            Tree.pairs(ranks.length, (from, to) -> add(ranks[from], ranks[to], parameter));
        }
        for (int i = 1; i < ranks.length; i++) for (Parameter p : params.get(ranks[i])) p.value().zeroGrad();
    }

    private void add(int from, int to, int k) {
        Parameter src = params.get(from).get(k), dst = params.get(to).get(k);
        if (src.value().grad() == null) return;
        if (dst.value().grad() == null) throw new IllegalStateException(dst.name() + ": rank " + to + " has no gradient where rank " + from + " has one");
        Buffer g = src.value().grad().buffer(), acc = dst.value().grad().buffer();
        int n = Math.toIntExact(g.length());
        if (g.device() == acc.device()) {
            acc.device().ops().axpy(n, 1, g, acc);
            return;
        }
        Buffer stage = staging[to][k];
        if (stage == null) stage = staging[to][k] = acc.device().allocateUninitialized(DType.FLOAT32, n);
        float[] h = host(n);
        g.copyTo(0, h, 0, n);
        stage.copyFrom(h, 0, 0, n);
        bytes += 8L * n;
        acc.device().ops().axpy(n, 1, stage, acc);
    }

    /** Copies every parameter of rank 0, trainable or not (batch-norm statistics too), to every other rank. */
    void broadcast() {
        for (int k = 0; k < params.getFirst().size(); k++) {
            Buffer w = params.getFirst().get(k).value().buffer();
            int n = Math.toIntExact(w.length());
            float[] h = host(n);
            w.copyTo(0, h, 0, n);
            bytes += 4L * n;
            for (int r = 1; r < params.size(); r++) {
                params.get(r).get(k).value().buffer().copyFrom(h, 0, 0, n);
                bytes += 4L * n;
            }
        }
    }

    private float[] host(int n) {
        if (host.length < n) host = new float[n];
        return host;
    }

    @Override
    public void close() {
        for (Buffer[] row : staging) for (Buffer b : row) if (b != null) b.close();
    }
}
