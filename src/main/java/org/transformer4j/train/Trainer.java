package org.transformer4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.transformer4j.autograd.Variable;
import org.transformer4j.data.Batch;
import org.transformer4j.data.Batcher;
import org.transformer4j.data.DataPosition;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;

/**
 * The training loop, knowing nothing about the model (minGPT's trainer): batch, forward and loss (from
 * the {@link Task}), backward, clip, optimizer step with the schedule's rate, log; evaluation every K
 * steps with early stopping; checkpoints that hold everything needed to continue bit-exactly.
 */
public final class Trainer {

    /** What the loop asks of the model side. */
    public interface Task {
        /** The training loss of one batch (a one-element variable, e.g. mean cross-entropy per token). */
        Variable loss(Batch batch);

        /** A dev-set score, higher is better (e.g. exact match, or minus the dev loss). */
        double evaluate();
    }

    /**
     * How long and how to train.
     *
     * @param maxSteps        optimizer steps at most
     * @param maxSeconds      wall-clock limit (0 = none)
     * @param accumulate      batches per optimizer step (gradient accumulation)
     * @param clipNorm        gradient-norm clipping threshold (0 = off)
     * @param evalEvery       evaluate every K steps (0 = never)
     * @param patience        stop after this many evaluations without improvement (0 = never)
     * @param checkpointEvery save a checkpoint every K steps (0 = only at the end)
     */
    public record Settings(long maxSteps, double maxSeconds, int accumulate, double clipNorm, int evalEvery, int patience,
                           int checkpointEvery) {
        public Settings {
            if (maxSteps < 1 || maxSeconds < 0 || accumulate < 1 || clipNorm < 0 || evalEvery < 0 || patience < 0
                    || checkpointEvery < 0) {
                throw new IllegalArgumentException("bad trainer settings: " + maxSteps + " steps, " + maxSeconds + " s, accumulate "
                        + accumulate + ", clip " + clipNorm + ", eval every " + evalEvery + ", patience " + patience
                        + ", checkpoint every " + checkpointEvery);
            }
        }
    }

    /** How a run ended. */
    public record Result(long steps, double lastLoss, double bestScore, String stoppedBecause, double seconds) {
    }

    private final Module model;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final Batcher data;
    private final Task task;
    private final Settings settings;
    private final Path runDir;
    private final Map<String, Rng> rngs;
    private final MetricsLog log;

    /**
     * A trainer. rngs are every random generator the run uses (dropout's, the data's), saved in checkpoints
     * by name; configJson is stored with each checkpoint (may be null).
     */
    public Trainer(Module model, Optimizer optimizer, LearningRateSchedule schedule, Batcher data, Task task,
                   Settings settings, Path runDir, Map<String, Rng> rngs, MetricsLog log) {
        this.model = model;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.data = data;
        this.task = task;
        this.settings = settings;
        this.runDir = runDir;
        this.rngs = rngs;
        this.log = log;
    }

    /** Trains from the latest checkpoint in the run folder when resume is set (and one exists), else from scratch. */
    public Result run(boolean resume, String configJson) throws IOException {
        long step = 0;
        DataPosition position = DataPosition.START;
        if (resume) {
            var state = Checkpoint.resume(runDir, model, optimizer);
            if (state.isEmpty()) {
                throw new IllegalArgumentException("--resume: " + runDir + " has no checkpoint to resume from");
            }
            step = state.get().step();
            state.get().rngStates().forEach((k, v) -> {
                if (rngs.containsKey(k)) {
                    rngs.get(k).setState(v);
                }
            });
            Map<String, Long> p = state.get().dataPosition();
            position = new DataPosition(p.getOrDefault("epoch", 0L).intValue(), p.getOrDefault("batch", 0L).intValue());
            log.note("resumed from step " + step);
        }
        model.train(true);
        long start = System.nanoTime();
        double lastLoss = Double.NaN;
        double best = Double.NEGATIVE_INFINITY;
        int sinceBest = 0;
        String stop = "max steps";
        while (step < settings.maxSteps()) {
            double sum = 0;
            long tokens = 0;
            for (int micro = 0; micro < settings.accumulate(); micro++) {
                Batch batch = data.batch(position);
                position = data.next(position);
                Variable loss = task.loss(batch);
                sum += loss.value().item();
                tokens += batch.decoderTarget().realTokens();
                (settings.accumulate() == 1 ? loss : loss.mul(1f / settings.accumulate())).backward();
            }
            double norm = settings.clipNorm() > 0 ? GradientClipping.clip(model.namedParameters(), settings.clipNorm())
                    : GradientClipping.norm(model.namedParameters());
            step++;
            double lr = schedule.at(step);
            optimizer.step(lr);
            optimizer.zeroGrad();
            lastLoss = sum / settings.accumulate();
            double elapsed = (System.nanoTime() - start) / 1e9;
            log.step(step, settings.maxSteps(), lastLoss, lr, norm, tokens, elapsed, settings.maxSeconds());
            if (settings.evalEvery() > 0 && step % settings.evalEvery() == 0) {
                model.train(false);
                double score = task.evaluate();
                model.train(true);
                log.eval(step, score);
                if (score > best) {
                    best = score;
                    sinceBest = 0;
                } else if (settings.patience() > 0 && ++sinceBest >= settings.patience()) {
                    stop = "no improvement in " + settings.patience() + " evaluations";
                    break;
                }
            }
            if (settings.checkpointEvery() > 0 && step % settings.checkpointEvery() == 0) {
                save(step, position, configJson);
            }
            if (settings.maxSeconds() > 0 && elapsed >= settings.maxSeconds()) {
                stop = "time limit";
                break;
            }
        }
        save(step, position, configJson);
        model.train(false);
        log.finish();
        return new Result(step, lastLoss, best, stop, (System.nanoTime() - start) / 1e9);
    }

    private void save(long step, DataPosition position, String configJson) throws IOException {
        Map<String, Long> states = new LinkedHashMap<>();
        rngs.forEach((k, r) -> states.put(k, r.state()));
        TrainingState state = TrainingState.at(step, schedule.name()).withRngStates(states)
                .withDataPosition(Map.of("epoch", (long) position.epoch(), "batch", (long) position.batch()))
                .withConfigJson(configJson);
        Checkpoint.save(runDir, model, optimizer, state, 2);
    }
}
