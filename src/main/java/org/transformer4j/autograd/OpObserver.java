package org.transformer4j.autograd;

import java.util.List;

/** Sees each primitive op as it runs: its name, inputs and output (see {@link Grad#observe}). */
@FunctionalInterface
public interface OpObserver {
    void onOp(String op, List<Variable> inputs, Variable output);
}
