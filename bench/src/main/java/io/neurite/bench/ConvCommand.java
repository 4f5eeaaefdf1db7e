package io.neurite.bench;

import java.util.List;

/** Stub, to be filled. */
final class ConvCommand {
    private ConvCommand() {
    }

    static int run(List<String> args) {
        throw new IllegalArgumentException("not implemented yet");
    }
}
