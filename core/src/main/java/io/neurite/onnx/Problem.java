package io.neurite.onnx;

/** One reason an ONNX graph cannot be imported: the node (its name and op type) and what is missing. */
public record Problem(String node, String opType, String what) {
    @Override
    public String toString() {
        return node == null ? what : "node '" + node + "' (" + opType + "): " + what;
    }
}
