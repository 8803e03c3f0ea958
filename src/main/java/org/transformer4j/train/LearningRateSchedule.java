package org.transformer4j.train;

/**
 * A learning rate as a pure function of the step, so a resumed run needs nothing but the step count. Steps
 * count optimizer updates from 1 (the first update is step 1; step 0 is before training).
 *
 * <pre>{@code
 * LearningRateSchedule lr = Schedules.noam(512, 4000, 1.0);
 * optimizer.step(lr.at(step));
 * }</pre>
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The learning rate for the given step (>= 0). */
    double at(long step);

    /** A description for logs and checkpoints; the factory call for the schedules in {@link Schedules}. */
    default String name() {
        return toString();
    }
}
