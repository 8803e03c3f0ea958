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
     * A correct translation of a long source among the first 200 items (reordering shows best); else a
     * non-empty one; else the first item (an untrained model may translate everything as nothing: its map
     * then has the single end-of-sequence row).
     */
    private static int example(TranslationEvaluation e) {
        int best = -1;
        int bestRank = -1;
        for (int i = 0; i < Math.min(200, e.size()); i++) {
            String source = e.sources().get(i);
            if (source.isBlank() || source.length() > 60) {
                continue;
            }
            int rank = (e.correct(i) ? 2 : 0) + (e.outputs().get(i).isBlank() ? 0 : 1);
            if (rank > bestRank || (rank == bestRank && source.length() > e.sources().get(best).length())) {
                best = i;
                bestRank = rank;
            }
        }
        return best;
    }

    private static List<String> labels(TranslationData data, int[] ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(data.token(id).replace(' ', '\u00b7'));
        }
        return out;
    }
}
