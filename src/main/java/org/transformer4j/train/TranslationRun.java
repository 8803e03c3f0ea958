package org.transformer4j.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.transformer4j.data.Batcher;
import org.transformer4j.data.Splits;
import org.transformer4j.data.TextPair;
import org.transformer4j.data.TokenPair;
import org.transformer4j.data.TranslationData;
import org.transformer4j.io.Json;
import org.transformer4j.model.ConfigJson;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.tensor.Rng;

/**
 * A translation run end to end: data (the built-in number words or the Ding dictionary), a BPE
 * tokenizer trained on it, the model, the {@link Trainer}, and the test-set evaluation. The run folder
 * holds config.json, run.json (data set and seed), tokenizer.json, checkpoints, metrics.jsonl, the loss curve and test.json.
 */
public final class TranslationRun {
    /** The file in a run folder that names its data set and seed. */
    public static final String RUN_FILE = "run.json";

    /**
     * What to train.
     *
     * @param data        "numbers" (built in) or "ding" (the TU Chemnitz dictionary)
     * @param config      the model's config (its vocabulary size is set from the tokenizer)
     * @param out         the run folder
     * @param resume      continue from the folder's latest checkpoint
     * @param minutes     wall-clock budget for training (0 = none)
     * @param maxSteps    optimizer steps at most
     * @param peakLr      the learning rate after warmup
     * @param warmup      warmup steps
     * @param seed        seed of data splits, initialisation, dropout and batch order
     */
    public record Options(String data, TransformerConfig config, Path out, boolean resume, double minutes, long maxSteps,
                          double peakLr, int warmup, long seed) {
        public Options {
            if (!data.equals("numbers") && !data.equals("ding")) {
                throw new IllegalArgumentException("--data: unknown data set '" + data + "'; use numbers or ding");
            }
            if (config.architecture() != TransformerConfig.Architecture.ENCODER_DECODER) {
                throw new IllegalArgumentException("translation needs an encoder_decoder config, got " + config.architecture());
            }
        }
    }

    /** What the run measured on the held-out test set (distinct sources; all targets of a source are its references). */
    public record Summary(Trainer.Result training, TranslationEvaluation evaluation, EncoderDecoder model, TranslationData data) {
        public double exactMatch() {
            return evaluation.exactMatch();
        }

        public double bleu() {
            return evaluation.bleu().score();
        }

        public int testSize() {
            return evaluation.size();
        }

        public List<String[]> samples() {
            return evaluation.samples(10);
        }
    }

    private TranslationRun() {
    }

    /** Trains and evaluates; progress goes to out (a bar when terminal). */
    public static Summary run(Options o, PrintStream out, boolean terminal) throws IOException {
        Path configFile = o.out().resolve("config.json");
        Path tokenizerFile = o.out().resolve("tokenizer.json");
        if (o.resume() && !Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException("--resume: " + o.out() + " is not a run folder (no config.json)");
        }
        if (!o.resume() && Files.isDirectory(o.out()) && Checkpoint.latest(o.out()).isPresent()) {
            throw new IllegalArgumentException(o.out() + " already holds a run; use --resume or another --out");
        }
        Files.createDirectories(o.out());
        TranslationData data = TranslationData.prepare(o.data(), o.seed(), tokenizerFile, out::println);
        Splits splits = data.splits();
        List<TokenPair> train = data.train();
        int longest = 0;
        for (TokenPair p : train) {
            longest = Math.max(longest, Math.max(p.source().length, p.target().length + 1));
        }
        TransformerConfig config = o.resume() ? ConfigJson.read(configFile)
                : o.config().withVocabSize(data.vocabSize()).withMaxPositions(Math.max(o.config().maxPositions(), longest + 8));
        if (!o.resume()) {
            CheckpointFiles.replaceAtomically(configFile, ConfigJson.write(config).getBytes(StandardCharsets.UTF_8));
            writeRunInfo(o.out(), o.data(), o.seed());
        }
        Rng modelRng = new Rng(o.seed());
        EncoderDecoder model = new EncoderDecoder(config, modelRng);
        AdamW optimizer = AdamW.of(model.namedParameters(), AdamSettings.paper().withWeightDecay(0.01));
        long horizon = o.maxSteps() < Long.MAX_VALUE / 2 ? o.maxSteps() : estimatedSteps(o.minutes());
        LearningRateSchedule schedule = Schedules.warmupCosine(o.peakLr(), o.warmup(), Math.max(o.warmup() + 1, horizon),
                o.peakLr() / 20);
        Batcher batcher = new Batcher(train, Batcher.Options.of(3000), o.seed(), data.pad(), data.bos(), data.eos());
        List<TextPair> dev = splits.dev().subList(0, Math.min(200, splits.dev().size()));
        TranslationTask task = new TranslationTask(model, data, dev, 0.1f, longest + 8);
        Trainer.Settings settings = new Trainer.Settings(o.maxSteps(), o.minutes() * 60, 1, 1.0, 200, 0, 500);
        Map<String, Rng> rngs = new LinkedHashMap<>();
        rngs.put("model", modelRng);
        Trainer.Result result;
        try (MetricsLog log = new MetricsLog(o.out(), out, terminal)) {
            log.note(String.format("data %s: %,d training pairs, %,d dev, %,d test; BPE vocabulary %d; model %s",
                    o.data(), splits.train().size(), splits.dev().size(), splits.test().size(), data.vocabSize(),
                    parameters(model.parameterCount())));
            result = new Trainer(model, optimizer, schedule, batcher, task, settings, o.out(), rngs, log)
                    .run(o.resume(), ConfigJson.write(config));
        }
        return evaluate(result, model, data, task, splits.test(), o.out());
    }

    private static Summary evaluate(Trainer.Result result, EncoderDecoder model, TranslationData data, TranslationTask task,
                                    List<TextPair> test, Path out) throws IOException {
        TranslationEvaluation e = TranslationEvaluation.of(test, task::translate);
        e.writeJson(out.resolve("test.json"));
        return new Summary(result, e, model, data);
    }

    /**
     * Evaluates a run folder's model (its latest checkpoint, or the given checkpoint directory) on a split
     * of its data with greedy decoding: the split is rebuilt from the data set and seed, the vocabulary is
     * the run's tokenizer.json. limit &gt; 0 keeps the first limit pairs.
     */
    public static TranslationEvaluation evaluateRun(Path run, Path checkpoint, String dataName, long seed, String split,
                                                    int limit, Consumer<String> log) throws IOException {
        for (String f : new String[] {"config.json", "tokenizer.json"}) {
            if (!Files.isRegularFile(run.resolve(f))) {
                throw new IllegalArgumentException(run + " is not a run folder (no " + f + ")");
            }
        }
        Path dir = checkpoint != null ? checkpoint
                : Checkpoint.latest(run).orElseThrow(() -> new IllegalArgumentException(run + " has no checkpoint"));
        TransformerConfig config = ConfigJson.read(run.resolve("config.json"));
        TranslationData data = TranslationData.prepare(dataName, seed, run.resolve("tokenizer.json"), log);
        if (data.vocabSize() != config.vocabSize()) {
            throw new IllegalArgumentException(run.resolve("tokenizer.json") + ": vocabulary of " + data.vocabSize()
                    + " but the model's config.json says " + config.vocabSize());
        }
        EncoderDecoder model = new EncoderDecoder(config, new Rng(0));
        Checkpoint.load(dir, model, null);
        model.eval();
        List<TextPair> pairs = switch (split) {
            case "test" -> data.splits().test();
            case "dev" -> data.splits().dev();
            default -> throw new IllegalArgumentException("--split: unknown split '" + split + "'; use test or dev");
        };
        if (limit > 0 && limit < pairs.size()) {
            pairs = pairs.subList(0, limit);
        }
        TranslationTask task = new TranslationTask(model, data, List.of(), 0f, config.maxPositions() - 1);
        return TranslationEvaluation.of(pairs, task::translate);
    }

    /** Writes run.json: what the run trained on, so evaluation can rebuild its splits. */
    private static void writeRunInfo(Path out, String data, long seed) throws IOException {
        String json = "{\n  \"data\": " + Json.quote(data) + ",\n  \"seed\": " + seed + "\n}\n";
        CheckpointFiles.replaceAtomically(out.resolve(RUN_FILE), json.getBytes(StandardCharsets.UTF_8));
    }

    /** The data set and seed of a run folder from its run.json. */
    public record RunInfo(String data, long seed) {
    }

    /** Reads a run folder's run.json; a missing or garbled file is a one-line error naming it. */
    public static RunInfo readRunInfo(Path run) throws IOException {
        Path file = run.resolve(RUN_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file (a run written before run.json existed: pass --data)");
        }
        try {
            if (!(Json.parse(Files.readString(file)) instanceof Map<?, ?> m) || !(m.get("data") instanceof String d)
                    || !(m.get("seed") instanceof Number n)) {
                throw new IllegalArgumentException("expected {\"data\": string, \"seed\": number}");
            }
            return new RunInfo(d, n.longValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** About 0.3 s a step for the demo model on 2 cores: the cosine horizon for a time budget. */
    private static long estimatedSteps(double minutes) {
        return Math.max(400, (long) (minutes * 60 / 0.3));
    }

    private static String parameters(long n) {
        return n >= 1_000_000 ? String.format("%.1fM parameters", n / 1e6) : String.format("%.0fk parameters", n / 1e3);
    }
}
