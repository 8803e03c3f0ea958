package org.transformer4j.figure;

import java.util.Set;
import java.util.function.Supplier;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.Module;

/**
 * Figures of a model, traced from one real forward pass on a small example input:
 *
 * <pre>{@code
 * Figure f = Figures.of(model, () -> model.forward(src, tgt).softmax(-1), Figure.Level.PAPER, Figures.Options.DEFAULT);
 * }</pre>
 */
public final class Figures {
    private Figures() {
    }

    /**
     * What to open, close and show.
     *
     * @param expand         module paths drawn open although the level would close them
     * @param collapse       module paths drawn as one box although the level would open them
     * @param showParameters draw parameters as inputs at the ops level (the other levels never do)
     * @param title          the figure's title
     */
    public record Options(Set<String> expand, Set<String> collapse, boolean showParameters, String title) {
        public static final Options DEFAULT = new Options(Set.of(), Set.of(), true, "");

        public Options withTitle(String t) {
            return new Options(expand, collapse, showParameters, t);
        }
    }

    /** Traces forward once and builds the figure at the given level. */
    public static Figure of(Module model, Supplier<Variable> forward, Figure.Level level, Options options) {
        return of(Trace.of(model, forward), level, options);
    }

    /** Only the part of a figure inside one module (e.g. one attention block), ends drawn as small nodes. */
    public static Figure only(Figure f, String modulePath) {
        return Subgraph.only(f, modulePath);
    }

    /** Builds the figure of an existing trace. */
    public static Figure of(Trace trace, Figure.Level level, Options options) {
        return switch (level) {
            case PAPER -> PaperView.build(trace, options.title());
            case BLOCKS -> Repeats.collapse(GraphBuilder.blocks(trace, options.title(), options.expand(), options.collapse(),
                    false), options.expand());
            case OPS -> GraphBuilder.ops(trace, options.title(), options.collapse(), options.showParameters());
            case NEURONS -> NeuronView.build(trace, options.title());
        };
    }
}
