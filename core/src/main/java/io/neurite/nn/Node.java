package io.neurite.nn;

import java.util.List;

/**
 * A place in a functional graph: a layer applied to earlier nodes.
 *
 * <pre>{@code
 * Node in = Input.of(3, 32, 32);
 * Node a = new Conv2d(16, 3).padding("same").call(in);
 * Node b = new Conv2d(16, 1).call(in);
 * Model m = new Model(in, new Add().call(a, b));
 * }</pre>
 */
public record Node(Layer layer, List<Node> inputs) {
    public Node {
        inputs = List.copyOf(inputs);
    }
}
