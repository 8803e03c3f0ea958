package org.transformer4j.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.transformer4j.data.TextPair;
import org.transformer4j.io.Json;

/**
 * Scores translations of a test split. Pairs that share a source (a dictionary word with several
 * translations) are one test item with all their targets as references: the source is translated once,
 * exact match means equal to any reference, and corpus BLEU is sacreBLEU's multi-reference BLEU.
 *
 * <pre>{@code
 * TranslationEvaluation e = TranslationEvaluation.of(testPairs, task::translate);
 * e.exactMatch(); e.bleu().score(); e.writeJson(runDir.resolve("test.json"));
 * }</pre>
 *
 * @param sources    distinct sources in first-seen order
 * @param outputs    the translation of each source
 * @param references every target of each source, in data order
 * @param pairs      the number of test pairs the items came from
 */
public record TranslationEvaluation(List<String> sources, List<String> outputs, List<List<String>> references, int pairs) {

    /** Groups the pairs by source, translates each distinct source once (translate gets them all in one call). */
    public static TranslationEvaluation of(List<TextPair> test, Function<List<String>, List<String>> translate) {
        Map<String, List<String>> grouped = new LinkedHashMap<>();
        for (TextPair p : test) {
            grouped.computeIfAbsent(p.source(), k -> new ArrayList<>()).add(p.target());
        }
        List<String> sources = List.copyOf(grouped.keySet());
        List<String> outputs = translate.apply(sources);
        if (outputs.size() != sources.size()) {
            throw new IllegalStateException("translated " + outputs.size() + " of " + sources.size() + " sources");
        }
        return new TranslationEvaluation(sources, List.copyOf(outputs),
                grouped.values().stream().map(List::copyOf).toList(), test.size());
    }

    /** The number of distinct sources. */
    public int size() {
        return sources.size();
    }

    /** The fraction (0..1) of sources translated exactly as one of their references. */
    public double exactMatch() {
        if (sources.isEmpty()) {
            return 0;
        }
        int ok = 0;
        for (int i = 0; i < sources.size(); i++) {
            ok += references.get(i).contains(outputs.get(i)) ? 1 : 0;
        }
        return (double) ok / sources.size();
    }

    /** Corpus BLEU against all references of each source (sacreBLEU's defaults). */
    public Bleu.Result bleu() {
        return Bleu.corpusMultiRef(outputs, references, Bleu.Settings.DEFAULT);
    }

    /** Up to n items as {source, output, first reference}, the samples a command prints. */
    public List<String[]> samples(int n) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, sources.size()); i++) {
            out.add(new String[] {sources.get(i), outputs.get(i), references.get(i).get(0)});
        }
        return out;
    }

    /** Whether item i's output equals one of its references. */
    public boolean correct(int i) {
        return references.get(i).contains(outputs.get(i));
    }

    /** Writes the items as a JSON array of {source, output, references, correct}, atomically. */
    public void writeJson(Path file) throws IOException {
        StringBuilder json = new StringBuilder("[\n");
        for (int i = 0; i < sources.size(); i++) {
            json.append(i == 0 ? "" : ",\n").append("{\"source\": ").append(Json.quote(sources.get(i)))
                    .append(", \"output\": ").append(Json.quote(outputs.get(i))).append(", \"references\": [");
            List<String> refs = references.get(i);
            for (int r = 0; r < refs.size(); r++) {
                json.append(r == 0 ? "" : ", ").append(Json.quote(refs.get(r)));
            }
            json.append("], \"correct\": ").append(correct(i)).append('}');
        }
        CheckpointFiles.replaceAtomically(file, json.append("\n]\n").toString().getBytes(StandardCharsets.UTF_8));
    }
}
