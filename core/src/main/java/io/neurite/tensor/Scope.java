package io.neurite.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A lifetime for tensors, as DJL's {@code NDManager}: every tensor created while a scope is open
 * on this thread belongs to it and is closed with it, unless {@link #keep kept}. A training step
 * runs in one scope, so its activations and gradients are freed without the user closing each.
 *
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *     Tensor loss = Loss.sparseCategoricalCrossentropy().fromLogits().compute(model.forward(x, Mode.TRAINING), labels);
 *     loss.backward();
 *     optimizer.step(model.parameters());
 * }   // every intermediate is closed here
 * }</pre>
 *
 * Tensors made outside any scope belong to the caller (parameters, for instance).
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Deque<Scope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);
    private final List<Tensor> owned = new ArrayList<>();
    private final Thread thread = Thread.currentThread();
    private boolean closed;
    private boolean untracked;

    private Scope() {
    }

    /**
     * Runs body with no scope collecting what it creates: for tensors that outlive the step that
     * makes them, such as weights and optimiser state. The caller owns the result.
     */
    public static <T> T untracked(java.util.function.Supplier<T> body) {
        Scope u = new Scope();
        u.untracked = true;
        OPEN.get().push(u);
        try {
            return body.get();
        } finally {
            OPEN.get().remove(u);
        }
    }

    /** Opens a scope nested in the current one, if any. */
    public static Scope open() {
        Scope s = new Scope();
        OPEN.get().push(s);
        return s;
    }

    static void register(Tensor t) {
        Scope s = OPEN.get().peek();
        if (s != null && !s.untracked) s.owned.add(t);
    }

    /**
     * Moves t out of this scope: to the enclosing scope if there is one, else to the caller, who
     * must close it. Returns t.
     */
    public Tensor keep(Tensor t) {
        if (owned.remove(t)) {
            Deque<Scope> stack = OPEN.get();
            Scope parent = null;
            boolean seen = false;
            for (Scope s : stack) {
                if (seen) {
                    parent = s;
                    break;
                }
                seen = s == this;
            }
            if (parent != null) parent.owned.add(t);
        }
        return t;
    }

    /** Closes every tensor still owned, newest first. Scopes close in the reverse order of opening. */
    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != thread) throw new IllegalStateException("a scope must be closed on the thread that opened it");
        Deque<Scope> stack = OPEN.get();
        if (stack.peek() != this) throw new IllegalStateException("scopes must close innermost first");
        stack.pop();
        closed = true;
        for (int i = owned.size() - 1; i >= 0; i--) owned.get(i).close();
        owned.clear();
    }
}
