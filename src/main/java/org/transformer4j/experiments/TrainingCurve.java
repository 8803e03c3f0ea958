package org.transformer4j.experiments;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Module;
import org.transformer4j.train.GradientClipping;
import org.transformer4j.train.LearningRateSchedule;
import org.transformer4j.train.Optimizer;

/**
 * The loss of every step of a short training run, and whether it diverged. The experiments' own loop: unlike
 * {@link org.transformer4j.train.Trainer} it writes no checkpoints, and a NaN or infinite loss or gradient
 * ends the run as a result ("diverged at step k") instead of an error.
 *
 * @param losses     the loss of steps 1..n (n &lt;= the steps asked for; shorter when the run diverged)
 * @param diverged   null, or what went non-finite and at which step
 * @param seconds    wall-clock time of the loop
 */
public record TrainingCurve(double[] losses, String diverged, double seconds) {

    /**
     * Trains for steps optimizer steps: loss(step) gives the batch's loss variable, then backward, optional
     * clipping (clip 0 = off), optimizer step at schedule.at(step), zero the gradients. afterStep sees each step.
     */
    public static TrainingCurve run(Module model, Optimizer optimizer, LearningRateSchedule schedule, int steps, double clip,
                                    IntFunction<Variable> loss, LongConsumer afterStep) {
        return run(model, optimizer, schedule, steps, clip, loss, step -> { }, afterStep);
    }

    /** As above; afterBackward sees each step between backward and clipping (to drop the gradients of frozen parameters). */
    public static TrainingCurve run(Module model, Optimizer optimizer, LearningRateSchedule schedule, int steps, double clip,
                                    IntFunction<Variable> loss, IntConsumer afterBackward, LongConsumer afterStep) {
        double[] losses = new double[steps];
        long start = System.nanoTime();
        model.train(true);
        String diverged = null;
        int done = 0;
        for (int step = 1; step <= steps; step++) {
            Variable l = loss.apply(step);
            double value = l.value().item();
            if (!Double.isFinite(value)) {
                diverged = "loss " + value + " at step " + step;
                losses[done++] = value;
                break;
            }
            l.backward();
            afterBackward.accept(step);
            try {
                if (clip > 0) {
                    GradientClipping.clip(model.namedParameters(), clip);
                } else {
                    GradientClipping.norm(model.namedParameters());   // throws on a non-finite gradient
                }
            } catch (IllegalStateException e) {
                diverged = "non-finite gradient at step " + step;
                losses[done++] = value;
                optimizer.zeroGrad();
                break;
            }
            optimizer.step(schedule.at(step));
            optimizer.zeroGrad();
            losses[done++] = value;
            afterStep.accept(step);
        }
        model.train(false);
        return new TrainingCurve(Arrays.copyOf(losses, done), diverged, (System.nanoTime() - start) / 1e9);
    }

    /** Steps 1..n as doubles, the x of a plot. */
    public double[] steps() {
        double[] x = new double[losses.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    /** Exponential moving average of the losses (weight 1 - alpha on the past); NaN stays NaN. */
    public double[] smoothed(double alpha) {
        double[] out = new double[losses.length];
        double s = Double.NaN;
        for (int i = 0; i < losses.length; i++) {
            s = Double.isNaN(s) ? losses[i] : (1 - alpha) * s + alpha * losses[i];
            out[i] = s;
        }
        return out;
    }

    /** The mean loss over the last fraction of the steps run (at least one step); NaN for an empty curve. */
    public double finalLoss(double fraction) {
        if (losses.length == 0) {
            return Double.NaN;
        }
        int k = Math.max(1, (int) Math.round(losses.length * fraction));
        double s = 0;
        for (int i = losses.length - k; i < losses.length; i++) {
            s += losses[i];
        }
        return s / k;
    }

    /** The loss of the first step. */
    public double firstLoss() {
        return losses.length == 0 ? Double.NaN : losses[0];
    }
}
