package org.transformer4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.transformer4j.model.DecodeEngine;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.HfGpt2;
import org.transformer4j.model.HfModels;
import org.transformer4j.model.TextGeneration;
import org.transformer4j.model.TextGenerationConfig;
import org.transformer4j.tensor.WeightMatrix;
import org.transformer4j.tokenizer.PretrainedTokenizer;
import org.transformer4j.tokenizer.StreamingDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code t4j generate}: continue a prompt with a GPT-2 model from a Hugging Face folder, printing as it goes. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue a prompt with a GPT-2 model from a Hugging Face folder (config.json,",
            "model.safetensors or a sharded index, and GPT-2's tokenizer: tokenizer.json or",
            "vocab.json + merges.txt). The new text is printed as it is generated.",
            "",
            "Each step applies, as Hugging Face generate: repetition penalty, then (when",
            "sampling) temperature, top-k and top-p, then a draw seeded by --seed.",
            "Generation stops at eos, a stop string, --max-new-tokens or the model's context."},
        footer = {"", "Examples (gpt2/ holds a GPT-2 saved by Hugging Face transformers):",
            "  ./t4j generate --model gpt2 --prompt \"Hello, I'm a\" --temperature 0",
            "  ./t4j generate --model gpt2 --prompt Once --top-k 40 --seed 1 --stop $'\\n'",
            "  ./t4j generate --model gpt2 --prompt-ids \"[15496, 11]\" --temperature 0 --ids"})
public final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A Hugging Face GPT-2 folder.")
    Path model;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "The prompt (an empty one starts from bos).")
    String prompt;

    @Option(names = "--prompt-ids", paramLabel = "JSON",
            description = "The prompt as token ids, e.g. \"[15496, 11]\" (needs no tokenizer).")
    String promptIds;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "50",
            description = "Generate at most N tokens (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1",
            description = "Divide the logits by T before sampling; 0 is greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0",
            description = "Sample from the K most probable tokens; 0 is off (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1",
            description = "Sample from the fewest most probable tokens whose probabilities sum to P or more; "
                    + "1 is off (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--repetition-penalty", paramLabel = "R", defaultValue = "1",
            description = "Penalise tokens of the prompt and the output (CTRL); 1 is off (default: ${DEFAULT-VALUE}).")
    double repetitionPenalty;

    @Option(names = "--seed", paramLabel = "S",
            description = "The sampler's seed: the same seed gives the same output (default: a random seed, "
                    + "reported on standard error).")
    Long seed;

    @Option(names = "--stop", paramLabel = "STR",
            description = "Stop when the new text contains STR, and leave STR out (repeatable).")
    List<String> stops = new ArrayList<>();

    @Option(names = "--truncate", description = "Drop the oldest prompt tokens so that the prompt and "
            + "--max-new-tokens fit the model's context, instead of refusing a prompt that fills it.")
    boolean truncate;

    @Option(names = "--weights", paramLabel = "FORMAT", defaultValue = "f32",
            description = "Weights for decoding: f32 (as stored, memory-mapped), bf16 or q8_0 (converted when loading; "
                    + "faster, logits within about 1%% of fp32's) (default: ${DEFAULT-VALUE}).")
    String weights;

    @Option(names = "--engine", paramLabel = "fast|module", defaultValue = "fast",
            description = "fast: the allocation-free decoder (DecodeEngine); module: the model's own forward pass "
                    + "(f32 only) (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--ids", description = "After the text, print the new token ids (eos included when generated) "
            + "as a JSON array on the last line. Without a tokenizer only the ids are printed.")
    boolean ids;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TextGenerationConfig settings = settings();
        if ((prompt == null) == (promptIds == null)) {
            throw new IllegalArgumentException("give either --prompt TEXT or --prompt-ids JSON" + (prompt != null ? ", not both" : ""));
        }
        WeightMatrix.Format format = WeightMatrix.Format.parse(weights);
        if (!engine.equals("fast") && !engine.equals("module")) {
            throw new IllegalArgumentException("--engine must be fast or module, got '" + engine + "'");
        }
        if (engine.equals("module") && format != WeightMatrix.Format.F32) {
            throw new IllegalArgumentException("--weights " + weights + " needs --engine fast");
        }
        checkFolder();
        try (DecodeEngine fast = engine.equals("fast") ? HfGpt2.decodeEngine(model, format) : null) {
            return generate(fast, fast == null ? HfGpt2.load(model) : null, settings);
        }
    }

    /** Generates with the fast engine, or with the module when fast is null. */
    private int generate(DecodeEngine fast, DecoderOnly gpt2, TextGenerationConfig settings) throws IOException {
        HfGpt2.SpecialTokens special = HfGpt2.specialTokens(model);
        PretrainedTokenizer tokenizer = loadTokenizer();
        if (tokenizer == null && (prompt != null || !stops.isEmpty())) {
            throw new IllegalArgumentException(model + " has no tokenizer (tokenizer.json, or vocab.json and merges.txt) "
                    + "for " + (prompt != null ? "--prompt" : "--stop") + "; give the prompt as --prompt-ids \"[...]\"");
        }
        int[] input = prompt(tokenizer, special);
        int context = (fast != null ? fast.config() : gpt2.config()).maxPositions();
        if (truncate && input.length + maxNewTokens > context) {
            int keep = Math.max(1, context - maxNewTokens);
            if (input.length > keep) {
                note("the prompt of " + input.length + " tokens is truncated to its last " + keep);
                input = Arrays.copyOfRange(input, input.length - keep, input.length);
            }
        }
        if (input.length >= context) {
            throw new IllegalArgumentException("the prompt of " + input.length + " tokens does not fit the model's context of "
                    + context + " positions with room for new tokens (at most " + (context - 1) + "; --truncate keeps "
                    + "its end)");
        }
        settings = settings.withEosTokenIds(special.eosTokenIds());
        boolean randomSeed = settings.sampling() && seed == null;
        if (randomSeed) {
            settings = settings.withSeed(ThreadLocalRandom.current().nextLong());
        }
        PrintWriter out = spec.commandLine().getOut();
        StreamingDecoder stream = tokenizer == null ? null : new StreamingDecoder(tokenizer, stops);
        List<Integer> eos = settings.eosTokenIds();
        TextGeneration.TokenListener listener = token -> {
            if (stream == null || eos.contains(token)) {
                return true;
            }
            String text = stream.push(token);
            if (!text.isEmpty()) {
                out.print(text);
                out.flush();
            }
            return !stream.stopped();
        };
        TextGeneration.Result result = fast != null ? TextGeneration.generate(fast, input, settings, listener)
                : TextGeneration.generate(gpt2, input, settings, listener);
        if (stream != null) {
            out.println(stream.finish());
        }
        if (ids || stream == null) {
            out.println(TranslateCommand.json(result.ids()));
        }
        out.flush();
        if (randomSeed) {
            note("seed " + settings.seed() + " (--seed " + settings.seed() + " repeats this output)");
        }
        if (result.stopReason() == TextGeneration.StopReason.CONTEXT) {
            note("stopped at the model's context of " + context + " positions");
        }
        return 0;
    }

    /** The options as a config, each bad value a one-line error naming the option. */
    private TextGenerationConfig settings() {
        require(maxNewTokens >= 1, "--max-new-tokens must be >= 1, got " + maxNewTokens);
        require(temperature >= 0 && Double.isFinite(temperature), "--temperature must be >= 0 (0 is greedy), got "
                + temperature);
        require(topK >= 0, "--top-k must be >= 0 (0 is off), got " + topK);
        require(topP >= 0 && topP <= 1, "--top-p must be in [0, 1] (1 is off), got " + topP);
        require(repetitionPenalty > 0 && Double.isFinite(repetitionPenalty),
                "--repetition-penalty must be > 0 (1 is off), got " + repetitionPenalty);
        require(stops.stream().noneMatch(String::isEmpty), "--stop must not be empty");
        return TextGenerationConfig.greedy(maxNewTokens).withTemperature(temperature).withTopK(topK).withTopP(topP)
                .withRepetitionPenalty(repetitionPenalty).withSeed(seed == null ? 0 : seed);
    }

    private void checkFolder() throws IOException {
        if (!Files.isDirectory(model)) {
            throw new IllegalArgumentException(model + ": no such folder");
        }
        if (!HfModels.isHfFolder(model)) {
            throw new IllegalArgumentException(model + " is not a Hugging Face model folder (no config.json with a "
                    + "model_type); generate runs GPT-2 folders");
        }
        String type = HfModels.modelType(model);
        HfModels.config(model);                                      // refuses unsupported model types by name
        if (!type.equals("gpt2")) {
            throw new IllegalArgumentException(model + " holds a " + type + " model, which does not generate text: use "
                    + (type.equals("bert") ? "./t4j embed --model " : "./t4j translate --model ") + model);
        }
    }

    /** The folder's tokenizer, or null when it has none. */
    private PretrainedTokenizer loadTokenizer() throws IOException {
        boolean has = Files.isRegularFile(model.resolve("tokenizer.json"))
                || Files.isRegularFile(model.resolve("vocab.json")) && Files.isRegularFile(model.resolve("merges.txt"))
                || Files.isRegularFile(model.resolve("encoder.json")) && Files.isRegularFile(model.resolve("vocab.bpe"));
        return has ? PretrainedTokenizer.load(model) : null;
    }

    private int[] prompt(PretrainedTokenizer tokenizer, HfGpt2.SpecialTokens special) {
        if (promptIds != null) {
            return TranslateCommand.parseIds("--prompt-ids", promptIds);
        }
        int[] encoded = tokenizer.encode(prompt);
        if (encoded.length > 0) {
            return encoded;
        }
        if (special.bosTokenId() < 0) {
            throw new IllegalArgumentException("the prompt is empty and " + model + " has no bos_token_id to start from");
        }
        return new int[] {special.bosTokenId()};
    }

    private void note(String message) {
        spec.commandLine().getErr().println("t4j: " + message);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
