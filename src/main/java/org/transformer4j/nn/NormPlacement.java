package org.transformer4j.nn;

import java.util.function.UnaryOperator;
import org.transformer4j.autograd.Variable;

/**
 * Where the layer norm sits around each residual sublayer — decided here and nowhere else.
 *
 * <ul>
 *   <li>{@link #POST}: {@code norm(x + dropout(sublayer(x)))}, as Figure 1 and section 5.4 of "Attention
 *       Is All You Need" describe it ("Add &amp; Norm").</li>
 *   <li>{@link #PRE}: {@code x + dropout(sublayer(norm(x)))}, as the later tensor2tensor code, GPT-2 and
 *       Xiong et al. 2020 ("On Layer Normalization in the Transformer Architecture"); it needs a final norm
 *       after the stack.</li>
 * </ul>
 */
public enum NormPlacement {
    POST, PRE;

    /** One residual sublayer with its norm and dropout placed according to this choice. */
    public Variable residual(Variable x, NormLayer norm, Dropout dropout, UnaryOperator<Variable> sublayer) {
        return switch (this) {
            case POST -> norm.forward(x.add(dropout.forward(sublayer.apply(x))).named("residual add"));
            case PRE -> x.add(dropout.forward(sublayer.apply(norm.forward(x)))).named("residual add");
        };
    }
}
