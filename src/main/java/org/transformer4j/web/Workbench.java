package org.transformer4j.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.GenerationConfig;
import org.transformer4j.model.HfMarian;
import org.transformer4j.model.HfModels;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.nn.Module;

/**
 * What the web workbench serves: one model in eval mode, how its text becomes ids, and optionally a
 * training log to follow. Made by {@code ./t4j serve} from a preset or a model folder.
 *
 * <pre>{@code
 * Workbench wb = Workbench.preset("tiny-gpt", model, config);
 * try (WebServer s = WebServer.start(wb, "127.0.0.1", 8080, ServerLimits.defaults())) { ... }
 * }</pre>
 *
 * @param name        shown on the pages
 * @param model       the model (put in eval mode here)
 * @param config      its config
 * @param codec       text to ids and back
 * @param hfGeneration for a Hugging Face Marian folder, its generation settings (decoded as HF generate); else null
 * @param trainingLog the metrics.jsonl the Training page follows, or null
 */
public record Workbench(String name, Module model, TransformerConfig config, TextCodec codec, GenerationConfig hfGeneration,
                        Path trainingLog) {

    public Workbench {
        if (name == null || model == null || config == null || codec == null) {
            throw new IllegalArgumentException("a workbench needs a name, a model, its config and a text codec");
        }
        model.eval();
    }

    /** A preset (random weights): text is mapped character by character (see {@link TextCodec#characters}). */
    public static Workbench preset(String name, Module model, TransformerConfig config) {
        boolean decoderOnly = config.architecture() != TransformerConfig.Architecture.ENCODER_DECODER;
        return new Workbench(name, model, config, TextCodec.characters(inputVocab(config), decoderOnly), null, null);
    }

    /**
     * A model folder: a training run (its tokenizer.json; its metrics.jsonl is followed), or a Hugging Face
     * GPT-2 folder or Marian folder (their tokenizer files; a Marian folder without source.spm, target.spm and
     * vocab.json takes ids only).
     */
    public static Workbench folder(String name, Module model, TransformerConfig config, Path dir) throws IOException {
        TextCodec codec = TextCodec.ofFolder(dir);
        GenerationConfig g = null;
        if (HfModels.isHfFolder(dir) && HfModels.modelType(dir).equals("marian")) {
            g = HfMarian.generationConfig(dir);
            if (codec == null) {
                codec = TextCodec.none(g.decoderStartTokenId(), g.eosTokenId(),
                        "this Marian folder has no tokenizer files (source.spm, target.spm, vocab.json)");
            }
        }
        if (codec == null) {
            codec = TextCodec.none(-1, -1, "this model folder has no tokenizer");
        }
        Path log = dir.resolve("metrics.jsonl");
        return new Workbench(name, model, config, codec, g, Files.isRegularFile(log) ? log : null);
    }

    /** The same workbench following another training log (a metrics.jsonl, or a run folder holding one). */
    public Workbench withTrainingLog(Path log) {
        Path file = Files.isDirectory(log) ? log.resolve("metrics.jsonl") : log;
        return new Workbench(name, model, config, codec, hfGeneration, file);
    }

    /** "encoder_decoder", "decoder_only" or "encoder_only". */
    public String architecture() {
        return config.architecture().name().toLowerCase(Locale.ROOT);
    }

    /** The model as an encoder-decoder, or a 400 naming the endpoint to use instead. */
    EncoderDecoder encoderDecoder(String endpoint) {
        if (model instanceof EncoderDecoder m) {
            return m;
        }
        throw ApiError.badRequest(endpoint + " needs an encoder-decoder model; this one is " + architecture()
                + (model instanceof DecoderOnly ? " (use /api/generate)" : ""));
    }

    /** The model as a decoder-only language model, or a 400 naming the endpoint to use instead. */
    DecoderOnly decoderOnly(String endpoint) {
        if (model instanceof DecoderOnly m) {
            return m;
        }
        throw ApiError.badRequest(endpoint + " needs a decoder-only model; this one is " + architecture()
                + (model instanceof EncoderDecoder ? " (use /api/translate)" : ""));
    }

    /** Parameter counts and classes of every module by its path on the figure ("" is the whole model). */
    Map<String, Module> modules() {
        Map<String, Module> out = new LinkedHashMap<>();
        walk("", model, out);
        return out;
    }

    private static void walk(String path, Module m, Map<String, Module> out) {
        out.putIfAbsent(path, m);
        m.pathChildren().forEach((label, child) -> walk(path.isEmpty() ? label : path + "." + label, child, out));
    }

    /** The vocabulary of the model's input: the source vocabulary of an encoder-decoder. */
    static int inputVocab(TransformerConfig c) {
        return c.architecture() == TransformerConfig.Architecture.ENCODER_DECODER ? c.sourceVocabSize() : c.vocabSize();
    }
}
