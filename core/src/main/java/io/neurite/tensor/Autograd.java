package io.neurite.tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reverse-mode differentiation over the {@link GradFn}s recorded by ops. */
final class Autograd {
    private Autograd() {
    }

    /** Attaches a backward to out if grad mode is on and any input requires a gradient. Returns out. */
    static Tensor record(Tensor out, String name, GradFn.Backward backward, Tensor... inputs) {
        if (!GradMode.isEnabled()) return out;
        for (Tensor t : inputs) {
            if (t != null && t.isRequiringGrad()) {
                out.gradFn = new GradFn(name, inputs, backward);
                out.markRequiresGrad();
                return out;
            }
        }
        return out;
    }

    static void backward(Tensor root) {
        if (root.size() != 1) {
            throw new IllegalStateException("backward() starts from a scalar; " + root + " has " + root.size() + " elements");
        }
        if (!root.isRequiringGrad()) throw new IllegalStateException(root + " does not depend on any tensor that requires grad");
        List<Tensor> order = new ArrayList<>();
        topological(root, java.util.Collections.newSetFromMap(new IdentityHashMap<>()), order);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, Tensor.ones(root.device(), root.shape()));
        try (GradMode off = GradMode.disabled()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.get(t);
                if (g == null) continue;
                if (t.gradFn == null) {
                    t.setGrad(t.grad() == null ? g : TensorMath.add(t.grad(), g));
                    continue;
                }
                if (t.retainsGrad()) t.setGrad(t.grad() == null ? g : TensorMath.add(t.grad(), g));
                Tensor[] in = t.gradFn.inputs();
                Tensor[] gi = t.gradFn.backward().apply(g);
                for (int k = 0; k < in.length; k++) {
                    if (in[k] == null || gi[k] == null || !in[k].isRequiringGrad()) continue;
                    Tensor prev = grads.get(in[k]);
                    grads.put(in[k], prev == null ? gi[k] : TensorMath.add(prev, gi[k]));
                }
            }
        }
    }

    private static void topological(Tensor t, Set<Tensor> seen, List<Tensor> order) {
        // Iterative DFS: a 784-step unrolled RNN would overflow a recursive one.
        record Frame(Tensor t, int next) {
        }
        var stack = new ArrayList<Frame>();
        if (!seen.add(t)) return;
        stack.add(new Frame(t, 0));
        while (!stack.isEmpty()) {
            Frame f = stack.removeLast();
            Tensor[] in = f.t().gradFn == null ? new Tensor[0] : f.t().gradFn.inputs();
            if (f.next() < in.length) {
                stack.add(new Frame(f.t(), f.next() + 1));
                Tensor c = in[f.next()];
                if (c != null && c.isRequiringGrad() && seen.add(c)) stack.add(new Frame(c, 0));
            } else {
                order.add(f.t());
            }
        }
    }
}
