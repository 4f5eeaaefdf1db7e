package io.neurite.kernels;

import io.neurite.device.DeviceException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shapes and strides as the strided kernels take them (binary_strided, copy_strided):
 * {@value #MAX_RANK} axes (MAX_RANK of prelude.h), passed as plain int arguments. Axes of length
 * one are dropped and neighbouring axes that every operand walks contiguously are merged first, so
 * a bias add over [n, c, h, w] becomes a two- or three-axis walk; the result is padded with
 * leading axes of length one. The kernels index in 32-bit ints, so {@link #index} refuses anything
 * larger.
 */
public final class Shapes {
    /** MAX_RANK of prelude.h. */
    public static final int MAX_RANK = 6;

    private Shapes() {
    }

    /** A shape with one stride array per operand, merged and padded to MAX_RANK axes. */
    public record Walk(int[] shape, int[][] strides) {
        /** The kernel arguments: the shape's MAX_RANK ints, then each operand's strides. */
        public List<Object> args() {
            List<Object> args = new ArrayList<>();
            for (int d : shape) args.add(d);
            for (int[] s : strides) for (int v : s) args.add(v);
            return args;
        }

        /** The length of the innermost axis, along which the kernels take runs. */
        public int inner() {
            return shape[MAX_RANK - 1];
        }
    }

    /** Merges and pads shape with each operand's strides; fails past MAX_RANK axes after merging. */
    public static Walk walk(int[] shape, int[]... strides) {
        List<Integer> dims = new ArrayList<>();
        List<int[]> st = new ArrayList<>();
        for (int axis = 0; axis < shape.length; axis++) {
            if (shape[axis] == 1) continue;
            int[] here = new int[strides.length];
            for (int o = 0; o < strides.length; o++) here[o] = strides[o][axis];
            if (!dims.isEmpty() && mergeable(dims.getLast(), st.getLast(), shape[axis], here)) {
                dims.set(dims.size() - 1, dims.getLast() * shape[axis]);
                st.set(st.size() - 1, here);
            } else {
                dims.add(shape[axis]);
                st.add(here);
            }
        }
        if (dims.size() > MAX_RANK) {
            throw new DeviceException("strided walk over " + Arrays.toString(shape) + " needs " + dims.size()
                    + " axes after merging; the OpenCL and CUDA kernels take at most " + MAX_RANK);
        }
        int pad = MAX_RANK - dims.size();
        int[] outShape = new int[MAX_RANK];
        int[][] outStrides = new int[strides.length][MAX_RANK];
        Arrays.fill(outShape, 1);
        for (int i = 0; i < dims.size(); i++) {
            outShape[pad + i] = dims.get(i);
            for (int o = 0; o < strides.length; o++) outStrides[o][pad + i] = st.get(i)[o];
        }
        return new Walk(outShape, outStrides);
    }

    /** Whether an outer axis (length outer, strides so) and the next (inner, si) form one axis for every operand. */
    private static boolean mergeable(int outer, int[] so, int inner, int[] si) {
        for (int o = 0; o < so.length; o++) {
            if ((long) so[o] != (long) si[o] * inner) return false;
        }
        return outer > 0;
    }

    /** The number of elements of shape. */
    public static long size(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** An element count or offset as the kernels' int, refusing anything beyond it. */
    public static int index(long v, String what) {
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new DeviceException(what + " " + v + " is beyond the OpenCL and CUDA kernels' 32-bit indexing");
        }
        return (int) v;
    }
}
