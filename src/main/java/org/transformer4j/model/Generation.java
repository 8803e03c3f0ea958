package org.transformer4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.nn.DecoderLayer;

/**
 * Output sequences of an encoder-decoder as Hugging Face transformers' {@code generate} makes them, with the
 * settings of a {@link GenerationConfig}: greedy decoding, and beam search with HF's scoring and stopping.
 * (For the GNMT length penalty and this project's own conventions see {@link Decoding}.)
 *
 * <p>Each returned sequence is what generate returns for its row: the decoder start token, the generated
 * ids, and eos when it was generated; at most {@code maxLength} ids in all. Before choosing, the scores of
 * banned tokens become -inf and, at length {@code maxLength - 1}, every token but the forced eos does.
 *
 * <p>Beam search keeps {@code numBeams} running hypotheses ranked by summed log-probability. Each step
 * ranks the best {@code 2 numBeams} continuations of all of them; a continuation that ends (eos, or
 * {@code maxLength} reached) joins the finished hypotheses only if it ranks among the first
 * {@code numBeams}, scored sum(log p) / length^lengthPenalty with length counting the generated ids,
 * eos included and the start token not. The best {@code numBeams} non-ending continuations run on; the
 * best {@code numBeams} finished ones are kept. A row stops as {@link GenerationConfig.EarlyStopping} says,
 * or at {@code maxLength}, and returns its best finished hypothesis. Rows are independent (HF since 4.56
 * decides early stopping per row too); ties go to the lower beam and then the lower token id.
 *
 * <pre>{@code
 * List<int[]> out = Generation.generate(model, Tokens.of(5, 17, 0), HfMarian.generationConfig(dir));
 * }</pre>
 */
public final class Generation {
    private Generation() {
    }

    /** The decoder seen one step at a time by n slots (sequences); package-private so tests can script it. */
    interface Steps {
        /** Logits (n, vocab), row-major, for the next token of every slot given its last token. */
        float[] next(int[] last);

        /** Slot i continues from the state (cache) slot parents[i] had. */
        void reorder(int[] parents);
    }

    /** Greedy decoding when {@code numBeams} is 1, else beam search. */
    public static List<int[]> generate(EncoderDecoder model, Tokens src, GenerationConfig g) {
        return g.numBeams() == 1 ? greedy(model, src, g) : beam(model, src, g);
    }

    /** Greedy decoding of every source row at once (numBeams is ignored). */
    public static List<int[]> greedy(EncoderDecoder model, Tokens src, GenerationConfig g) {
        check(model, src, g);
        try (Grad.Scope ignored = Grad.off()) {
            return greedy(steps(model, src, 1), src.batch(), model.config().vocabSize(), g);
        }
    }

    /** Beam search with {@code numBeams} beams per source row, all rows in one decoder batch. */
    public static List<int[]> beam(EncoderDecoder model, Tokens src, GenerationConfig g) {
        check(model, src, g);
        try (Grad.Scope ignored = Grad.off()) {
            return beam(steps(model, src, g.numBeams()), src.batch(), model.config().vocabSize(), g);
        }
    }

    static List<int[]> greedy(Steps steps, int rows, int vocab, GenerationConfig g) {
        List<int[]> out = new ArrayList<>(rows);
        int[][] seq = new int[rows][g.maxLength()];
        boolean[] done = new boolean[rows];
        int[] feed = new int[rows];
        Arrays.fill(feed, g.decoderStartTokenId());
        int remaining = rows;
        int length = 1;                                              // HF's cur_len: the start token is position 0
        for (int[] s : seq) {
            s[0] = g.decoderStartTokenId();
        }
        int[] lengths = new int[rows];
        Arrays.fill(lengths, 1);
        while (remaining > 0) {
            float[] logits = steps.next(feed);                       // (rows, vocab)
            for (int r = 0; r < rows; r++) {
                if (done[r]) {
                    continue;
                }
                float[] scores = process(logits, r * vocab, vocab, length, g, false);
                int best = 0;
                for (int v = 1; v < vocab; v++) {
                    if (scores[v] > scores[best]) {
                        best = v;                                    // the first maximum, as torch.argmax
                    }
                }
                seq[r][lengths[r]++] = best;
                feed[r] = best;
                if (best == g.eosTokenId() || lengths[r] >= g.maxLength()) {
                    done[r] = true;
                    remaining--;
                }
            }
            length++;
        }
        for (int r = 0; r < rows; r++) {
            out.add(Arrays.copyOf(seq[r], lengths[r]));
        }
        return out;
    }

    /** A running hypothesis: generated ids (start token not included), summed log-probability, slot. */
    private record Running(int[] ids, float logProb, int slot) {
    }

    /** A finished hypothesis and its length-penalised score. */
    private record Finished(int[] ids, float score) {
    }

    /** A continuation: the running hypothesis it extends (index), the token, the new summed log-probability. */
    private record Candidate(int parent, int token, float logProb) {
    }

    /** One source row's beams. */
    private static final class Row {
        List<Running> running = new ArrayList<>();
        final List<Finished> finished = new ArrayList<>();          // best first, at most numBeams
        boolean open = true;
        boolean improvable = true;                                  // HF's is_early_stop_heuristic_unsatisfied
    }

    static List<int[]> beam(Steps steps, int rows, int vocab, GenerationConfig g) {
        int k = g.numBeams();
        int n = rows * k;
        Row[] state = new Row[rows];
        for (int r = 0; r < rows; r++) {
            state[r] = new Row();
            state[r].running.add(new Running(new int[0], 0f, r * k));
        }
        int[] feed = new int[n];
        Arrays.fill(feed, g.decoderStartTokenId());
        for (int length = 1; anyOpen(state); length++) {            // length: tokens so far, start token included
            float[] logits = steps.next(feed);                       // (rows k, vocab)
            int[] parents = new int[n];
            for (int r = 0; r < rows; r++) {
                Row row = state[r];
                int base = r * k;
                for (int j = 0; j < k; j++) {
                    parents[base + j] = base + j;
                }
                if (!row.open) {
                    continue;
                }
                step(row, logits, vocab, length, g);
                for (int j = 0; j < row.running.size(); j++) {
                    Running h = row.running.get(j);
                    parents[base + j] = h.slot();
                    feed[base + j] = h.ids()[h.ids().length - 1];
                    row.running.set(j, new Running(h.ids(), h.logProb(), base + j));
                }
            }
            // Parents never leave their source row and a row's beams share its encoder output, so only the
            // self-attention caches need reordering.
            steps.reorder(parents);
        }
        List<int[]> out = new ArrayList<>(rows);
        for (Row row : state) {
            int[] ids = row.finished.isEmpty() ? row.running.get(0).ids() : row.finished.get(0).ids();
            int[] seq = new int[ids.length + 1];
            seq[0] = g.decoderStartTokenId();
            System.arraycopy(ids, 0, seq, 1, ids.length);
            out.add(seq);
        }
        return out;
    }

    /** One beam-search step of one row, as HF's _beam_search; length counts the start token. */
    private static void step(Row row, float[] logits, int vocab, int length, GenerationConfig g) {
        int k = g.numBeams();
        float[][] logProbs = new float[row.running.size()][];
        for (int j = 0; j < logProbs.length; j++) {
            logProbs[j] = process(logits, row.running.get(j).slot() * vocab, vocab, length, g, true);
        }
        List<Candidate> top = topContinuations(row.running, logProbs, vocab, 2 * k);
        boolean atMax = length + 1 >= g.maxLength();
        boolean[] ends = new boolean[top.size()];
        boolean allEnd = true;
        for (int c = 0; c < top.size(); c++) {
            ends[c] = atMax || top.get(c).token() == g.eosTokenId();
            allEnd &= ends[c];
        }
        // Finished hypotheses: only ending continuations among the first k, while the row can still improve.
        boolean full = row.finished.size() == k;
        if (row.improvable && !(full && g.earlyStopping() == GenerationConfig.EarlyStopping.ON)) {
            double penalty = Math.pow(length, g.lengthPenalty());   // generated ids with the new one, start excluded
            for (int c = 0; c < Math.min(k, top.size()); c++) {
                Candidate cand = top.get(c);
                if (ends[c] && cand.logProb() != Float.NEGATIVE_INFINITY) {
                    addFinished(row, new Finished(extend(row.running.get(cand.parent()).ids(), cand.token()),
                            (float) (cand.logProb() / penalty)), k);
                }
            }
        }
        // Running hypotheses: the best k that do not end (ending ones sink by 1e9, as HF ranks them).
        List<Running> next = new ArrayList<>(k);
        List<Integer> order = new ArrayList<>();
        for (int c = 0; c < top.size(); c++) {
            order.add(c);
        }
        order.sort((a, b) -> Float.compare(penalised(top.get(b), ends[b]), penalised(top.get(a), ends[a])));
        for (int i = 0; i < Math.min(k, order.size()); i++) {
            Candidate cand = top.get(order.get(i));
            Running parent = row.running.get(cand.parent());
            next.add(new Running(extend(parent.ids(), cand.token()), penalised(cand, ends[order.get(i)]), parent.slot()));
        }
        row.running = next;
        // Can the best running hypothesis still beat the worst finished one? (HF's early-stop heuristic)
        int newLength = length + 1;
        int hypothetical = g.earlyStopping() == GenerationConfig.EarlyStopping.NEVER && g.lengthPenalty() > 0
                ? g.maxLength() - 1 : newLength - 1;
        double bestPossible = next.get(0).logProb() / Math.pow(hypothetical, g.lengthPenalty());
        double worstFinished = row.finished.size() == k ? row.finished.get(k - 1).score() : -1.0e9;
        row.improvable &= bestPossible > worstFinished;
        boolean allFinished = row.finished.size() == k && g.earlyStopping() == GenerationConfig.EarlyStopping.ON;
        row.open = row.improvable && !allFinished && !allEnd;
    }

    private static float penalised(Candidate c, boolean ends) {
        return ends ? c.logProb() - 1.0e9f : c.logProb();
    }

    /** Inserts by score, best first, after equal scores (earlier hypotheses win ties); keeps the best k. */
    private static void addFinished(Row row, Finished f, int k) {
        int at = row.finished.size();
        while (at > 0 && f.score() > row.finished.get(at - 1).score()) {
            at--;
        }
        if (at < k) {
            row.finished.add(at, f);
            if (row.finished.size() > k) {
                row.finished.remove(k);
            }
        }
    }

    /** The m best (hypothesis, token) pairs by summed log-probability, best first, lower beam then id on ties. */
    private static List<Candidate> topContinuations(List<Running> running, float[][] logProbs, int vocab, int m) {
        int total = Math.min(m, running.size() * vocab);
        Candidate[] best = new Candidate[total];
        int filled = 0;
        for (int j = 0; j < running.size(); j++) {
            float base = running.get(j).logProb();
            for (int v = 0; v < vocab; v++) {
                float s = base + logProbs[j][v];
                if (filled == total && !(s > best[total - 1].logProb())) {
                    continue;
                }
                int pos = filled < total ? filled++ : total - 1;
                while (pos > 0 && s > best[pos - 1].logProb()) {
                    best[pos] = best[pos - 1];
                    pos--;
                }
                best[pos] = new Candidate(j, v, s);
            }
        }
        return List.of(best);
    }

    /**
     * One slot's scores: the logits, as log-probabilities when asked (beam search ranks those), banned tokens
     * at -inf, only the forced eos allowed at length maxLength - 1, renormalised when configured.
     */
    static float[] process(float[] logits, int offset, int vocab, int length, GenerationConfig g, boolean logSoftmax) {
        float[] s = Arrays.copyOfRange(logits, offset, offset + vocab);
        if (logSoftmax) {
            logSoftmax(s);
        }
        for (int id : g.badTokenIds()) {
            s[id] = Float.NEGATIVE_INFINITY;
        }
        if (g.forcedEosTokenId() >= 0 && length == g.maxLength() - 1) {
            Arrays.fill(s, Float.NEGATIVE_INFINITY);
            s[g.forcedEosTokenId()] = 0f;
        }
        if (logSoftmax && g.renormalizeLogits()) {
            logSoftmax(s);
        }
        return s;
    }

    /** In place: x - max - log(sum exp(x - max)); -inf entries stay -inf. */
    private static void logSoftmax(float[] x) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : x) {
            sum += Math.exp(v - max);
        }
        float logZ = (float) (max + Math.log(sum));
        for (int i = 0; i < x.length; i++) {
            x[i] -= logZ;
        }
    }

    private static int[] extend(int[] ids, int token) {
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = token;
        return out;
    }

    private static boolean anyOpen(Row[] rows) {
        for (Row r : rows) {
            if (r.open) {
                return true;
            }
        }
        return false;
    }

    /** The decoder of a model over a source batch whose rows are each repeated {@code copies} times. */
    private static Steps steps(EncoderDecoder model, Tokens src, int copies) {
        int n = src.batch() * copies;
        int[] expand = new int[n];                                   // slot r*copies + j serves source row r
        for (int i = 0; i < n; i++) {
            expand[i] = i / copies;
        }
        Tokens srcN = Decoding.repeatRows(src, expand);
        Variable memory = Variable.constant(Decoding.gatherRows(model.encode(src).value(), expand)); // (n, S, d)
        List<DecoderLayer.Cache> cache = model.newCache();
        return new Steps() {
            @Override
            public float[] next(int[] last) {
                return model.decode(new Tokens(last, n, 1, null), memory, srcN, cache).value().toArray(); // (n, 1, V)
            }

            @Override
            public void reorder(int[] parents) {
                for (DecoderLayer.Cache c : cache) {
                    c.self().reorder(parents);
                }
            }
        };
    }

    private static void check(EncoderDecoder model, Tokens src, GenerationConfig g) {
        TransformerConfig c = model.config();
        for (int id : new int[] {g.decoderStartTokenId(), g.eosTokenId(), g.forcedEosTokenId()}) {
            if (id >= c.vocabSize()) {
                throw new IllegalArgumentException("generation: token id " + id + " is outside the target vocabulary of "
                        + c.vocabSize());
            }
        }
        for (int id : g.badTokenIds()) {
            if (id >= c.vocabSize()) {
                throw new IllegalArgumentException("generation: banned id " + id + " is outside the target vocabulary of "
                        + c.vocabSize());
            }
        }
        for (int i = 0; i < src.ids().length; i++) {
            if (src.ids()[i] < 0 || src.ids()[i] >= c.sourceVocabSize()) {
                throw new IllegalArgumentException("input id " + src.ids()[i] + " is outside the source vocabulary (0.."
                        + (c.sourceVocabSize() - 1) + ")");
            }
        }
        if (src.length() > c.maxPositions()) {
            throw new IllegalArgumentException("input of " + src.length() + " ids is longer than the model's "
                    + c.maxPositions() + " positions");
        }
        if (g.maxLength() - 1 > c.maxPositions()) {
            throw new IllegalArgumentException("max_length " + g.maxLength() + " needs " + (g.maxLength() - 1)
                    + " decoder positions; the model has " + c.maxPositions());
        }
        requireMemory(c, src.batch(), src.length(), g, Runtime.getRuntime().maxMemory());
    }

    /**
     * Refuses, with the numbers, a decoding whose caches would take more than half of maxHeap, rather than run
     * out of memory halfway (a generation_config.json may ask for any num_beams): keys and values of every
     * decoder layer for each beam over the target so far and the source (float32), and each beam's logits.
     */
    static void requireMemory(TransformerConfig c, int sources, int sourceLength, GenerationConfig g, long maxHeap) {
        long rows = (long) sources * g.numBeams();
        long cache = rows * c.decoderLayers() * 2L * c.dModel() * ((long) g.maxLength() + sourceLength) * Float.BYTES * 2;
        long logits = rows * c.vocabSize() * (long) Float.BYTES * 4;
        long budget = maxHeap / 2;
        if (cache + logits > budget) {
            throw new IllegalArgumentException("generation: " + sources + " sources x " + g.numBeams() + " beams x "
                    + g.maxLength() + " tokens needs about " + (cache + logits) / (1 << 20) + " MB of caches, more than half "
                    + "the heap (" + maxHeap / (1 << 20) + " MB); use fewer beams or a smaller max_length");
        }
    }
}
