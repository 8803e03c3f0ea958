package org.transformer4j.inspect;

import java.util.ArrayList;
import java.util.List;
import org.transformer4j.autograd.Grad;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.Tokens;

/**
 * The cross-attention of one translation: the model reads the source and its own output (teacher
 * forced from the beginning-of-sequence id), and the top decoder layer's cross-attention is drawn with
 * the source tokens as columns and, as rows, the token each decoder position produced.
 */
public final class TranslationAttention {
    private TranslationAttention() {
    }

    /**
     * The heatmap of every head of the last decoder layer's cross-attention.
     *
     * @param sourceIds    the source ids (no bos/eos)
     * @param outputIds    the translation's ids (no bos/eos)
     * @param sourceLabels one label per source id
     * @param outputLabels one label per output id; the row after them is labelled "&lt;/s&gt;"
     */
    public static AttentionHeatmap crossAttention(EncoderDecoder model, int[] sourceIds, int[] outputIds, int bos,
                                                  List<String> sourceLabels, List<String> outputLabels, String title) {
        if (sourceIds.length == 0 || sourceIds.length != sourceLabels.size() || outputIds.length != outputLabels.size()) {
            throw new IllegalArgumentException("need a non-empty source and one label per id; got " + sourceIds.length
                    + " source ids, " + sourceLabels.size() + " labels, " + outputIds.length + " output ids, "
                    + outputLabels.size() + " labels");
        }
        int[] decoderInput = new int[outputIds.length + 1];
        decoderInput[0] = bos;
        System.arraycopy(outputIds, 0, decoderInput, 1, outputIds.length);
        boolean training = model.isTraining();
        model.eval();
        List<AttentionMaps.Map> maps;
        try (Grad.Scope ignored = Grad.off()) {
            maps = AttentionMaps.capture(() -> model.forward(Tokens.of(sourceIds), Tokens.of(decoderInput)));
        } finally {
            if (training) {
                model.train(true);
            }
        }
        AttentionMaps.Map cross = AttentionMaps.last(maps, AttentionMaps.Kind.CROSS);
        List<String> rows = new ArrayList<>(outputLabels);
        rows.add("</s>");
        return AttentionHeatmap.of(cross, 0, sourceLabels, rows, title + " (" + cross.module() + ")");
    }
}
