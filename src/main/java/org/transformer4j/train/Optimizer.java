package org.transformer4j.train;

import java.util.List;

/**
 * Updates parameters from their accumulated gradients; the caller sets the learning rate before every step
 * (from a {@link LearningRateSchedule}), so the optimizer itself holds no notion of time beyond its moments.
 *
 * <pre>{@code
 * Optimizer opt = AdamW.of(model.namedParameters(), AdamSettings.adamW());
 * for (long step = 1; step <= total; step++) {
 *     opt.zeroGrad();
 *     loss(model, batch).backward();
 *     GradientClipping.clip(model.namedParameters(), 1.0);
 *     opt.step(schedule.at(step));
 * }
 * }</pre>
 *
 * Parameters whose gradient is null are skipped (their step count does not advance), as in PyTorch.
 * Gradients are read, never modified.
 */
public interface Optimizer {

    /** Sets the base learning rate for the next steps; each group multiplies it by its {@code lrScale}. */
    void setLearningRate(double learningRate);

    /** The base learning rate last set, or NaN before the first {@link #setLearningRate}. */
    double learningRate();

    /** Applies one update to every parameter that has a gradient. */
    void step();

    /** Sets the learning rate and steps: {@code setLearningRate(lr); step();}. */
    default void step(double learningRate) {
        setLearningRate(learningRate);
        step();
    }

    /** Forgets the gradients of all parameters. */
    void zeroGrad();

    /** The parameter groups, in the order given. */
    List<ParameterGroup> groups();

    /** A copy of the optimizer's state (moments and step counts per parameter name) for a checkpoint. */
    OptimizerState state();

    /**
     * Restores a state returned by {@link #state()} of an optimizer of the same kind over parameters with the
     * same names and shapes; the message names the first mismatch.
     */
    void loadState(OptimizerState state);
}
