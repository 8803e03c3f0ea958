package org.transformer4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.transformer4j.autograd.Grad;
import org.transformer4j.autograd.Variable;
import org.transformer4j.model.Decoding;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.EncoderOnly;
import org.transformer4j.model.HfMarian;
import org.transformer4j.model.HfModels;
import org.transformer4j.model.Tokens;
import org.transformer4j.nn.Module;
import org.transformer4j.tokenizer.PretrainedTokenizer;
import org.transformer4j.tokenizer.Tokenizer;

/**
 * The model and the token ids an inspect command looks at: the text through the model's tokenizer (a run
 * folder's tokenizer.json, or a Hugging Face folder's), or, for a preset without one, one id per
 * character (code point modulo the vocabulary). An encoder-decoder reads the text as its source; its
 * target is --target, else a trained run's own greedy translation, else the source ids again.
 */
record InspectInput(ModelSource.Loaded model, int[] source, List<String> sourceLabels, int[] target,
                    List<String> targetLabels, int decoderStart) {

    static InspectInput resolve(String preset, Path modelDir, String text, String targetText, int maxTokens) throws IOException {
        if ((preset == null) == (modelDir == null)) {
            throw new IllegalArgumentException("give --model DIR or --preset NAME");
        }
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the text is empty");
        }
        ModelSource.Loaded m = ModelSource.load(preset, null, modelDir);
        Encoder enc = encoder(modelDir, m.config().vocabSize());
        int[] src = enc.ids(text);
        check(src, maxTokens, m.config().maxPositions(), "text");
        int[] tgt;
        int start = enc.tokenizer() instanceof OwnTokenizer own ? own.t().bos() : 0;
        if (modelDir != null && HfModels.isHfFolder(modelDir) && HfModels.modelType(modelDir).equals("marian")) {
            start = HfMarian.generationConfig(modelDir).decoderStartTokenId();
        }
        if (m.model() instanceof EncoderDecoder ed) {
            if (targetText != null) {
                tgt = enc.ids(targetText);
            } else if (enc.tokenizer() instanceof OwnTokenizer own) {
                try (Grad.Scope ignored = Grad.off()) {
                    int[] out = Decoding.greedy(ed, Tokens.of(src), own.t().bos(), own.t().eos(),
                            Math.max(2, ed.config().maxPositions() - 1)).get(0);
                    tgt = out.length == 0 ? src : out;
                }
            } else {
                tgt = src;
            }
            check(tgt, maxTokens, m.config().maxPositions(), "target");
        } else {
            tgt = src;
        }
        return new InspectInput(m, src, enc.labels(src), tgt, enc.labels(tgt), Math.min(start, m.config().vocabSize() - 1));
    }

    /** The forward pass whose attention is captured. */
    Supplier<Variable> forward() {
        Module model = this.model.model();
        return switch (model) {
            case EncoderDecoder m -> {
                int[] decoderInput = new int[target.length + 1];
                decoderInput[0] = decoderStart;
                System.arraycopy(target, 0, decoderInput, 1, target.length);
                yield () -> m.forward(Tokens.of(source), Tokens.of(decoderInput));
            }
            case DecoderOnly m -> () -> m.forward(Tokens.of(source));
            case EncoderOnly m -> () -> m.forward(Tokens.of(source), null);
            default -> throw new IllegalArgumentException("cannot inspect a " + model.getClass().getSimpleName());
        };
    }

    /** Target labels as the decoder rows see them: the start token, then each target token. */
    List<String> decoderRowLabels() {
        if (!(model.model() instanceof EncoderDecoder)) {
            return targetLabels;
        }
        List<String> out = new ArrayList<>();
        out.add("<s>");
        out.addAll(targetLabels);
        return out;
    }

    private static void check(int[] ids, int maxTokens, int maxPositions, String what) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("the " + what + " has no tokens");
        }
        int limit = Math.min(maxTokens, maxPositions - 1);
        if (ids.length > limit) {
            throw new IllegalArgumentException("the " + what + " is " + ids.length + " tokens; at most " + limit
                    + " here (--max-tokens, and the model's " + maxPositions + " positions)");
        }
    }

    /** Text to ids and ids to labels. */
    private interface Encoder {
        int[] ids(String text);

        List<String> labels(int[] ids);

        Object tokenizer();
    }

    private record OwnTokenizer(Tokenizer t) implements Encoder {
        public int[] ids(String text) {
            return t.encode(text);
        }

        public List<String> labels(int[] ids) {
            List<String> out = new ArrayList<>();
            for (int id : ids) {
                out.add(t.token(id).replace(' ', '\u00b7'));
            }
            return out;
        }

        public Object tokenizer() {
            return this;
        }
    }

    private record Pretrained(PretrainedTokenizer t) implements Encoder {
        public int[] ids(String text) {
            return t.encode(text);
        }

        public List<String> labels(int[] ids) {
            List<String> out = new ArrayList<>();
            for (int id : ids) {
                out.add(t.decode(new int[] {id}).replace(' ', '\u00b7'));
            }
            return out;
        }

        public Object tokenizer() {
            return t;
        }
    }

    private record Characters(int vocab) implements Encoder {
        public int[] ids(String text) {
            return text.codePoints().map(c -> c % vocab).toArray();
        }

        public List<String> labels(int[] ids) {
            List<String> out = new ArrayList<>();
            for (int id : ids) {
                out.add(Character.isValidCodePoint(id) && !Character.isISOControl(id) ? Character.toString(id) : "#" + id);
            }
            return out;
        }

        public Object tokenizer() {
            return null;
        }
    }

    private static Encoder encoder(Path modelDir, int vocab) throws IOException {
        if (modelDir == null) {
            return new Characters(vocab);
        }
        Path own = modelDir.resolve("tokenizer.json");
        if (!HfModels.isHfFolder(modelDir) && Files.isRegularFile(own)) {
            return new OwnTokenizer(Tokenizer.load(own));   // a run folder of ./t4j train or demo
        }
        return new Pretrained(PretrainedTokenizer.load(modelDir));
    }
}
