package org.transformer4j.inspect;

import java.util.ArrayList;
import java.util.List;
import org.transformer4j.tensor.Tensor;

/**
 * What each attention head does on an input, from its captured map (Clark et al. 2019, "What does BERT
 * look at?"; Voita et al. 2019): averages over every query position of every batch row.
 *
 * <ul>
 *   <li>entropy: -sum_k p log p in nats (0 = all weight on one key; log(keys) = uniform);</li>
 *   <li>mean distance: sum_k p |q - k|, how far back or ahead the head looks (positions);</li>
 *   <li>previous: the weight on key q - 1 (queries q >= 1); first: on key 0; diagonal: on key q.</li>
 * </ul>
 * Distances and the diagonal compare query and key positions, so they mean most for self-attention;
 * for cross-attention they compare target and source positions. Padded keys have weight 0 and add
 * nothing; rows of padded queries are included (use unpadded inputs for clean numbers).
 */
public final class HeadSummaries {
    private HeadSummaries() {
    }

    /** One head's averages. */
    public record HeadSummary(String module, AttentionMaps.Kind kind, int head, double entropy, double meanDistance,
                              double previousToken, double firstToken, double diagonal) {
    }

    /** The summaries of every head of every map, in map order. */
    public static List<HeadSummary> of(List<AttentionMaps.Map> maps) {
        List<HeadSummary> out = new ArrayList<>();
        for (AttentionMaps.Map m : maps) {
            for (int h = 0; h < m.heads(); h++) {
                out.add(summarize(m, h));
            }
        }
        return out;
    }

    static HeadSummary summarize(AttentionMaps.Map m, int head) {
        Tensor w = m.weights();   // (B, heads, Tq, Tk)
        int batch = w.dim(0);
        int tq = w.dim(2);
        int tk = w.dim(3);
        double entropy = 0;
        double distance = 0;
        double previous = 0;
        double first = 0;
        double diagonal = 0;
        int rows = 0;
        int previousRows = 0;
        int diagonalRows = 0;
        for (int b = 0; b < batch; b++) {
            Tensor hm = w.select(0, b).select(0, head).contiguous();   // (Tq, Tk)
            float[] p = hm.toArray();
            for (int q = 0; q < tq; q++) {
                double e = 0;
                double dist = 0;
                for (int k = 0; k < tk; k++) {
                    double x = p[q * tk + k];
                    if (x > 0) {
                        e -= x * Math.log(x);
                    }
                    dist += x * Math.abs(q - k);
                }
                entropy += e;
                distance += dist;
                first += p[q * tk];
                if (q >= 1 && q - 1 < tk) {
                    previous += p[q * tk + q - 1];
                    previousRows++;
                }
                if (q < tk) {
                    diagonal += p[q * tk + q];
                    diagonalRows++;
                }
                rows++;
            }
        }
        return new HeadSummary(m.module(), m.kind(), head, entropy / rows, distance / rows,
                previousRows == 0 ? 0 : previous / previousRows, first / rows,
                diagonalRows == 0 ? 0 : diagonal / diagonalRows);
    }
}
