package org.transformer4j.autograd;

import org.transformer4j.tensor.Tensor;

/**
 * The backward function of one recorded op: given the gradient of the op's output, the gradients of
 * its inputs, in order (null for an input that needs none).
 */
@FunctionalInterface
interface Backward {
    Tensor[] apply(Tensor gradOutput);
}
