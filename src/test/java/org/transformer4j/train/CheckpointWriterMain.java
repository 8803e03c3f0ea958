package org.transformer4j.train;

import java.nio.file.Path;
import java.util.Optional;
import org.transformer4j.tensor.Rng;

/**
 * The victim of {@link CheckpointCrashTest}: resumes from the latest checkpoint in the run folder given as the
 * argument (if any), then trains {@link ToyModel} and saves a checkpoint after every step, printing
 * "saved STEP" once each save has returned, until it is killed.
 */
public final class CheckpointWriterMain {
    private CheckpointWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path run = Path.of(args[0]);
        ToyModel model = new ToyModel(1);
        AdamW opt = ToyModel.optimizer(model);
        Rng data = new Rng(42);
        Optional<TrainingState> resumed = Checkpoint.resume(run, model, opt);
        long step = resumed.map(TrainingState::step).orElse(0L);
        resumed.ifPresent(s -> data.setState(s.rngStates().get("data")));
        System.out.println("resumed " + step);
        while (true) {
            step++;
            ToyModel.trainStep(model, opt, data, step);
            Checkpoint.save(run, model, opt, ToyModel.state(step, data), 3);
            System.out.println("saved " + step);
            System.out.flush();
        }
    }
}
