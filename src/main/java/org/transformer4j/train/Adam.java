package org.transformer4j.train;

import java.util.List;
import java.util.Map;
import org.transformer4j.autograd.Variable;

/**
 * Adam (Kingma and Ba 2015) exactly as torch.optim.Adam, with weight decay as an L2 term added to the
 * gradient; {@link #paper} is the setting of "Attention Is All You Need" section 5.3.
 *
 * <pre>{@code
 * Adam adam = Adam.paper(model.namedParameters());
 * adam.step(Schedules.noam(512, 4000, 1.0).at(step));
 * }</pre>
 */
public final class Adam extends AdamFamily {

    /** Adam over the given groups. */
    public Adam(List<ParameterGroup> groups, AdamSettings settings) {
        super(groups, settings, false);
    }

    /** Adam over all the parameters in one group. */
    public static Adam of(Map<String, Variable> named, AdamSettings settings) {
        return new Adam(List.of(ParameterGroup.of("all", named)), settings);
    }

    /** The paper's optimizer: beta1 0.9, beta2 0.98, eps 1e-9 (Vaswani et al. 2017, section 5.3). */
    public static Adam paper(Map<String, Variable> named) {
        return of(named, AdamSettings.paper());
    }

    @Override
    String kind() {
        return "Adam";
    }
}
