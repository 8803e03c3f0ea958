package org.transformer4j.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.transformer4j.autograd.Grad;
import org.transformer4j.io.Json;
import org.transformer4j.model.ConfigJson;
import org.transformer4j.model.Decoding;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.Generation;
import org.transformer4j.model.GenerationConfig;
import org.transformer4j.model.HfMarian;
import org.transformer4j.model.HfModels;
import org.transformer4j.model.Tokens;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tokenizer.MarianTokenizer;
import org.transformer4j.tokenizer.Tokenizer;
import org.transformer4j.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code t4j translate}: translate with a trained run or a Hugging Face Marian folder. */
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = {"Translate TEXT (or each line of standard input) with a trained run or a Hugging Face Marian "
                + "folder (Opus-MT).",
            "",
            "A Hugging Face folder (config.json, model.safetensors, generation_config.json, and for text "
                + "source.spm, target.spm and vocab.json) decodes as HF generate with the folder's generation "
                + "settings (greedy, or beam search with num_beams) and tokenizes as HF's MarianTokenizer. "
                + "--input-ids gives the source as ids instead; --ids prints ids."},
        footer = {"", "Examples (a downloaded Helsinki-NLP/opus-mt-de-en; see docs/MODELS.md):",
            "  ./t4j translate --model opus-mt-de-en \"Guten Morgen!\"",
            "  ./t4j translate --model opus-mt-de-en --input-ids \"[5, 17, 0]\" --beam 4 --ids"})
public final class TranslateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "A run folder from ./t4j demo or ./t4j train, or a Hugging Face Marian folder.")
    Path run;

    @Option(names = "--beam", paramLabel = "N", description = "Beam width; 1 is greedy (default: 1 for a run; the "
            + "folder's num_beams for a Hugging Face model).")
    Integer beam;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Generate at most N ids, eos included (default: "
            + "the model's positions for a run; the folder's max_length for a Hugging Face model, HF's 20 if unset).")
    Integer maxNewTokens;

    @Option(names = "--input-ids", paramLabel = "JSON",
            description = "The source as token ids, a JSON array such as \"[5, 17, 0]\" (Marian sources end with eos).")
    String inputIds;

    @Option(names = "--ids", description = "Print a JSON array of output ids instead of text: the generated ids "
            + "without the decoder start token, eos included when it was generated (HF generate's output without "
            + "its first id). Always on for a Hugging Face folder without tokenizer files.")
    boolean ids;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "The text; without it, standard input line by line.")
    List<String> text;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (beam != null && (beam < 1 || beam > 64)) {
            throw new IllegalArgumentException("--beam must be in 1..64, got " + beam);
        }
        if (maxNewTokens != null && maxNewTokens < 1) {
            throw new IllegalArgumentException("--max-new-tokens must be >= 1, got " + maxNewTokens);
        }
        if (inputIds != null && text != null && !text.isEmpty()) {
            throw new IllegalArgumentException("give either TEXT or --input-ids, not both");
        }
        int[] source = inputIds == null ? null : parseIds(inputIds);
        PrintWriter w = spec.commandLine().getOut();
        if (HfModels.isHfFolder(run)) {
            translateHf(source, w);
            return 0;
        }
        for (String f : new String[] {"config.json", "tokenizer.json"}) {
            if (!Files.isRegularFile(run.resolve(f))) {
                throw new IllegalArgumentException(run + " is not a run folder or a Hugging Face model folder (no " + f + ")");
            }
        }
        TransformerConfig config = ConfigJson.read(run.resolve("config.json"));
        Tokenizer tokenizer = Tokenizer.load(run.resolve("tokenizer.json"));
        EncoderDecoder model = new EncoderDecoder(config, new Rng(0));
        Path checkpoint = Checkpoint.latest(run).orElseThrow(() -> new IllegalArgumentException(run + " has no checkpoint"));
        Checkpoint.load(checkpoint, model, null);
        model.eval();
        if (source != null) {
            w.println(output(model, tokenizer, source, config));
        } else if (text != null && !text.isEmpty()) {
            w.println(output(model, tokenizer, tokenizer.encode(String.join(" ", text)), config));
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                w.println(line.isBlank() ? "" : output(model, tokenizer, tokenizer.encode(line.strip()), config));
                w.flush();
            }
        }
        w.flush();
        return 0;
    }

    /** A Marian folder: HF generate's output for the source (ids, text or standard input's lines). */
    private void translateHf(int[] source, PrintWriter w) throws Exception {
        String type = HfModels.modelType(run);
        HfModels.config(run);                                         // refuses unsupported model types
        if (!type.equals("marian")) {
            throw new IllegalArgumentException(run + " holds a " + type + " model; translate needs an encoder-decoder "
                    + "(marian)");
        }
        MarianTokenizer tokenizer = MarianTokenizer.isMarianFolder(run) ? MarianTokenizer.load(run) : null;
        if (source == null && tokenizer == null) {
            throw new IllegalArgumentException(run + " has no tokenizer files (source.spm, target.spm, vocab.json): give "
                    + "the source as --input-ids \"[...]\" (output: ids)");
        }
        EncoderDecoder model = HfMarian.load(run);
        GenerationConfig g = HfMarian.generationConfig(run);
        if (beam != null) {
            g = g.withNumBeams(beam);
        }
        if (maxNewTokens != null) {
            g = g.withMaxLength(1 + maxNewTokens);                      // HF's max_length counts the start token
        }
        boolean printIds = ids || tokenizer == null;
        if (source != null) {
            w.println(hfOutput(model, g, source, tokenizer, printIds));
        } else if (text != null && !text.isEmpty()) {
            w.println(hfOutput(model, g, tokenizer.encode(String.join(" ", text)), tokenizer, printIds));
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                w.println(line.isBlank() ? "" : hfOutput(model, g, tokenizer.encode(line.strip()), tokenizer, printIds));
                w.flush();
            }
        }
        w.flush();
    }

    /** HF generate's output for source ids without the decoder start token, as ids or as text. */
    private static String hfOutput(EncoderDecoder model, GenerationConfig g, int[] source, MarianTokenizer tokenizer,
                                   boolean printIds) {
        int[] out = Generation.generate(model, Tokens.of(source), g).get(0);
        int[] generated = Arrays.copyOfRange(out, 1, out.length);
        return printIds ? json(generated) : tokenizer.decodeTranslation(generated);
    }

    /** A run folder's translation of source ids, as text or (with --ids) as ids with eos when generated. */
    private String output(EncoderDecoder model, Tokenizer tokenizer, int[] src, TransformerConfig config) {
        if (src.length == 0) {
            return ids ? "[]" : "";
        }
        int positions = config.maxPositions() - 1;
        if (src.length > positions) {
            throw new IllegalArgumentException("input of " + src.length + " tokens is longer than the model's " + positions);
        }
        int limit = maxNewTokens == null ? positions : Math.min(positions, maxNewTokens);
        for (int id : src) {
            if (id < 0 || id >= config.sourceVocabSize()) {
                throw new IllegalArgumentException("input id " + id + " is outside the source vocabulary (0.."
                        + (config.sourceVocabSize() - 1) + ")");
            }
        }
        int width = beam == null ? 1 : beam;
        int[] out;
        try (Grad.Scope ignored = Grad.off()) {
            Tokens s = Tokens.of(src);
            out = width == 1 ? Decoding.greedy(model, s, tokenizer.bos(), tokenizer.eos(), limit).get(0)
                    : Decoding.beam(model, s, tokenizer.bos(), tokenizer.eos(), limit, width, 1.0).get(0);
        }
        if (!ids) {
            return tokenizer.decode(out);
        }
        // Decoding leaves eos out; a sequence shorter than the limit ended with it.
        int[] withEos = out.length < limit ? Arrays.copyOf(out, out.length + 1) : out;
        if (out.length < limit) {
            withEos[out.length] = tokenizer.eos();
        }
        return json(withEos);
    }

    /** A JSON array of token ids; anything else is a one-line error. */
    static int[] parseIds(String text) {
        return parseIds("--input-ids", text);
    }

    /** A JSON array of token ids given with the option; anything else is a one-line error naming it. */
    static int[] parseIds(String option, String text) {
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " is not valid JSON (" + e.getMessage() + "); expected an "
                    + "array of token ids such as \"[5, 17, 0]\"");
        }
        if (!(parsed instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(option + " must be a non-empty JSON array of token ids such as "
                    + "\"[5, 17, 0]\", got " + Json.kind(parsed));
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long l) || l < 0 || l > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(option + ": element " + i + " is not a token id (a non-negative "
                        + "integer): " + list.get(i));
            }
            out[i] = l.intValue();
        }
        return out;
    }

    static String json(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
