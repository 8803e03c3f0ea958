package org.transformer4j.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything besides tensors that a resumed run needs, stored as {@code state.json} in a {@link Checkpoint}:
 * the step, the schedule's name, RNG states, the data position, free-form extras and the model config.
 *
 * <pre>{@code
 * new TrainingState(step, schedule.name(), Map.of("dropout", rng.state()),
 *         Map.of("epoch", epoch, "batch", batch), Map.of(), configJson);
 * }</pre>
 *
 * @param step         the number of optimizer updates done, >= 0
 * @param schedule     the learning-rate schedule's {@link LearningRateSchedule#name()} (informative)
 * @param rngStates    RNG states by name ({@link org.transformer4j.tensor.Rng#state()}), kept exactly as longs
 * @param dataPosition where the data loader stands (epoch, batch index, ...), opaque to the checkpoint
 * @param extra        any other strings the caller wants back
 * @param configJson   the model config as JSON text, returned verbatim; may be null
 */
public record TrainingState(long step, String schedule, Map<String, Long> rngStates, Map<String, Long> dataPosition,
                            Map<String, String> extra, String configJson) {

    public TrainingState {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        Objects.requireNonNull(schedule, "schedule");
        rngStates = copy(rngStates, "rngStates");
        dataPosition = copy(dataPosition, "dataPosition");
        extra = copy(extra, "extra");
    }

    /** A state with only a step and a schedule name. */
    public static TrainingState at(long step, String schedule) {
        return new TrainingState(step, schedule, Map.of(), Map.of(), Map.of(), null);
    }

    public TrainingState withRngStates(Map<String, Long> states) {
        return new TrainingState(step, schedule, states, dataPosition, extra, configJson);
    }

    public TrainingState withDataPosition(Map<String, Long> position) {
        return new TrainingState(step, schedule, rngStates, position, extra, configJson);
    }

    public TrainingState withExtra(Map<String, String> values) {
        return new TrainingState(step, schedule, rngStates, dataPosition, values, configJson);
    }

    public TrainingState withConfigJson(String json) {
        return new TrainingState(step, schedule, rngStates, dataPosition, extra, json);
    }

    private static <V> Map<String, V> copy(Map<String, V> map, String what) {
        Objects.requireNonNull(map, what);
        Map<String, V> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(Objects.requireNonNull(k, what + " key"),
                Objects.requireNonNull(v, () -> what + " value of '" + k + "' is null")));
        return Collections.unmodifiableMap(out);
    }
}
