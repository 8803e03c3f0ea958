package org.transformer4j.model;

import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Dropout;
import org.transformer4j.nn.Linear;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;

/** Token classification (tagging): dropout and a linear layer on every position's hidden state. */
public final class TokenClassificationHead extends Module {
    private final Dropout dropout;
    private final Linear classifier;

    public TokenClassificationHead(int dModel, int labels, float dropout, Rng rng) {
        this.dropout = child("dropout", new Dropout(dropout, rng));
        this.classifier = child("classifier", new Linear(dModel, labels, true, rng));
    }

    /** (batch, length, d) -> (batch, length, labels). */
    public Variable forward(Variable hidden) {
        return traced(() -> classifier.forward(dropout.forward(hidden)));
    }
}
