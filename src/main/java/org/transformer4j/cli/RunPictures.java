package org.transformer4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.transformer4j.data.TranslationData;
import org.transformer4j.figure.Figure;
import org.transformer4j.figure.FigureLayout;
import org.transformer4j.figure.Figures;
import org.transformer4j.figure.PngWriter;
import org.transformer4j.inspect.AttentionHeatmap;
import org.transformer4j.inspect.TranslationAttention;
import org.transformer4j.model.ExampleInputs;
import org.transformer4j.train.TranslationEvaluation;
import org.transformer4j.train.TranslationRun;

/** The pictures a finished translation run leaves in its folder: the model's figure and one example's attention. */
final class RunPictures {
    private RunPictures() {
    }

    /** Writes figure.png and attention.svg/png; returns the example whose attention was drawn. */
    static String write(TranslationRun.Summary s, Path dir, String title) throws IOException {
        Figure figure = Figures.of(s.model(), ExampleInputs.forward(s.model()), Figure.Level.PAPER,
                Figures.Options.DEFAULT.withTitle(title));
        PngWriter.write(FigureLayout.layout(figure), 1.5, dir.resolve("figure.png"));
        TranslationEvaluation e = s.evaluation();
        int item = example(e);
        if (item < 0) {
            return null;
        }
        TranslationData data = s.data();
        int[] src = data.encode(e.sources().get(item));
        int[] out = data.encode(e.outputs().get(item));
        AttentionHeatmap map = TranslationAttention.crossAttention(s.model(), src, out, data.bos(), labels(data, src),
                labels(data, out), "\"" + e.sources().get(item) + "\" -> \"" + e.outputs().get(item) + "\"");
        map.writeSvg(dir.resolve("attention.svg"));
        map.writePng(dir.resolve("attention.png"));
        return e.sources().get(item);
    }

    /**
     * A correct translation of a long source among the first 200 items (reordering shows best), else the first
     * one with an output; when the model translates everything to nothing (early in training it may emit eos
     * at once), the first source, whose map is then the one row of eos.
     */
    private static int example(TranslationEvaluation e) {
        int best = -1;
        int firstSource = -1;
        for (int i = 0; i < Math.min(200, e.size()); i++) {
            if (firstSource < 0 && !e.sources().get(i).isBlank()) {
                firstSource = i;
            }
            if (e.sources().get(i).isBlank() || e.outputs().get(i).isBlank()) {
                continue;
            }
            boolean better = best < 0 || (e.correct(i) && !e.correct(best))
                    || (e.correct(i) == e.correct(best) && e.sources().get(i).length() > e.sources().get(best).length()
                        && e.sources().get(i).length() <= 60);
            if (better) {
                best = i;
            }
        }
        return best >= 0 ? best : firstSource;
    }

    private static List<String> labels(TranslationData data, int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(data.token(id).replace(' ', '\u00b7'));
        }
        return out;
    }
}
