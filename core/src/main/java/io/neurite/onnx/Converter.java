package io.neurite.onnx;

import java.io.IOException;

/** Converts one ONNX node: defines its outputs' values, or throws {@link Values.Refused} saying what is missing. */
interface Converter {
    void convert(Step s) throws IOException;
}
