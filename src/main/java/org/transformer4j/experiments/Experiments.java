package org.transformer4j.experiments;

import java.util.List;
import java.util.Locale;

/** The experiments by name, in the order of issue 9. */
public final class Experiments {
    private Experiments() {
    }

    /** Every experiment. */
    public static List<Experiment> all() {
        return List.of(new WarmupExperiment(), new FastWeightsExperiment(), new PositionsExperiment(), new UlmfitExperiment());
    }

    /** The names, for help and messages. */
    public static List<String> names() {
        return all().stream().map(Experiment::name).toList();
    }

    /** The experiment of that name, or an error listing the known ones. */
    public static Experiment byName(String name) {
        for (Experiment e : all()) {
            if (e.name().equals(name.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown experiment '" + name + "'; known: " + String.join(", ", names()));
    }
}
