package org.transformer4j.data;

import java.util.Objects;

/** One translation example as text: the source sentence and its target. */
public record TextPair(String source, String target) {

    public TextPair {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
    }
}
