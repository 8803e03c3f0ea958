package org.transformer4j.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads pretrained tokenizer files: a tokenizer.json of HF tokenizers (BPE as GPT-2, WordPiece as BERT), GPT-2's
 * vocab.json + merges.txt, and this project's own saved files. Every component the file names is checked against
 * what is implemented, so an unsupported normalizer, pre-tokenizer regex or option is an error naming it rather
 * than ids that silently differ; regexes in a file are compared with the known pattern, never run.
 */
final class TokenizerFiles {
    /** Ids must be below this (16M, far above any real vocabulary), so a hostile file cannot make us allocate 8 GB. */
    static final int MAX_ID = 1 << 24;

    private TokenizerFiles() {
    }

    /** id, checked to lie in [0, MAX_ID). */
    static int checkId(int id, String token) {
        if (id < 0 || id >= MAX_ID) {
            throw new IllegalArgumentException("the id of " + TokenizerJson.quote(token) + " is " + id
                    + ", outside [0, " + MAX_ID + ")");
        }
        return id;
    }

    /** A tokenizer.json, or a file saved by {@link Tokenizer#save}. */
    static PretrainedTokenizer readJsonFile(Path file) throws IOException {
        boolean saved;
        try {
            Map<String, Object> json = TokenizerJson.readStandardObject(file);
            if (json.get("model") instanceof Map) { // GPT-2's vocab.json has a token "model" too
                return fromTokenizerJson(json);
            }
            saved = json.containsKey("type") && json.containsKey("specials");
            if (!saved) {
                boolean vocabOnly = !json.isEmpty() && json.values().stream().allMatch(v -> v instanceof Long);
                throw new IllegalArgumentException(vocabOnly
                        ? "this looks like a vocab.json; pass the folder that holds it and merges.txt"
                        : "not a tokenizer file (no \"model\" field)");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tokenizer file " + file + ": " + e.getMessage(), e);
        }
        return new SavedTokenizer(Tokenizer.load(file));
    }

    /** GPT-2's vocab.json (token to id) and merges.txt ("#version" line, then one "left right" pair per line). */
    static ByteLevelBpeTokenizer readVocabAndMerges(Path vocabFile, Path mergesFile) throws IOException {
        Map<String, Integer> vocab = new HashMap<>();
        try {
            for (Map.Entry<String, Object> e : TokenizerJson.readStandardObject(vocabFile).entrySet()) {
                vocab.put(e.getKey(), TokenizerJson.integer(e.getValue(), "the id of " + TokenizerJson.quote(e.getKey())));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tokenizer file " + vocabFile + ": " + e.getMessage(), e);
        }
        List<String[]> merges = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        try {
            String[] lines = utf8(Files.readAllBytes(mergesFile)).split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isEmpty() || i == 0 && line.startsWith("#version")) {
                    continue;
                }
                String[] pair = line.split(" ", -1);
                if (pair.length != 2 || pair[0].isEmpty() || pair[1].isEmpty()) {
                    throw new IllegalArgumentException("line " + (i + 1) + ": expected two tokens separated by one space, found "
                            + TokenizerJson.quote(line.length() > 80 ? line.substring(0, 80) + "..." : line));
                }
                merges.add(pair);
                lineNumbers.add(i + 1);
            }
            if (merges.isEmpty()) {
                throw new IllegalArgumentException("no merges");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tokenizer file " + mergesFile + ": " + e.getMessage(), e);
        }
        List<AddedTokens.Token> specials = new ArrayList<>();
        if (vocab.containsKey("<|endoftext|>")) {
            specials.add(new AddedTokens.Token("<|endoftext|>", vocab.get("<|endoftext|>"), true));
        }
        Path folder = vocabFile.toAbsolutePath().getParent();
        if (folder != null) {
            legacyAddedTokens(folder, specials);
        }
        try {
            return new ByteLevelBpeTokenizer(vocab, merges, r -> "line " + lineNumbers.get(r), specials,
                    ByteLevelBpeTokenizer.Options.GPT2);
        } catch (IllegalArgumentException e) {
            Path culprit = e.getMessage().startsWith("merge ") ? mergesFile : vocabFile;
            throw new IllegalArgumentException("tokenizer file " + culprit + ": " + e.getMessage(), e);
        }
    }

    /**
     * The added tokens a folder of vocab.json + merges.txt keeps beside them, as HF transformers reads them:
     * added_tokens.json ({content: id}) and tokenizer_config.json's added_tokens_decoder ({id: {content, ...}}).
     * They are matched in text before BPE, as the tokens of a tokenizer.json's added_tokens.
     */
    private static void legacyAddedTokens(Path folder, List<AddedTokens.Token> tokens) throws IOException {
        java.util.Set<String> have = new java.util.HashSet<>();
        tokens.forEach(t -> have.add(t.content()));
        Path addedFile = folder.resolve("added_tokens.json");
        if (Files.isRegularFile(addedFile)) {
            try {
                for (Map.Entry<String, Object> e : TokenizerJson.readStandardObject(addedFile).entrySet()) {
                    int id = TokenizerJson.integer(e.getValue(), "the id of " + TokenizerJson.quote(e.getKey()));
                    if (have.add(e.getKey())) {
                        tokens.add(new AddedTokens.Token(e.getKey(), checkedId(id, e.getKey()), false));
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tokenizer file " + addedFile + ": " + e.getMessage(), e);
            }
        }
        Path configFile = folder.resolve("tokenizer_config.json");
        if (Files.isRegularFile(configFile)) {
            try {
                Object decoder = TokenizerJson.readStandardObject(configFile).get("added_tokens_decoder");
                if (decoder instanceof Map<?, ?> byId) {
                    for (Map.Entry<?, ?> e : byId.entrySet()) {
                        String where = "added_tokens_decoder[" + TokenizerJson.quote(String.valueOf(e.getKey())) + "]";
                        if (!(e.getValue() instanceof Map<?, ?> m)) {
                            throw new IllegalArgumentException(where + " is not an object");
                        }
                        @SuppressWarnings("unchecked")
                        Map<String, Object> t = (Map<String, Object>) m;
                        String content = TokenizerJson.string(t, "content");
                        int id;
                        try {
                            id = Integer.parseInt(String.valueOf(e.getKey()));
                        } catch (NumberFormatException x) {
                            throw new IllegalArgumentException(where + ": the key is not an id");
                        }
                        for (String flag : new String[] {"lstrip", "rstrip", "single_word"}) {
                            if (bool(t, flag, false)) {
                                throw new IllegalArgumentException(where + " (" + TokenizerJson.quote(content) + "): " + flag
                                        + " = true is not supported");
                            }
                        }
                        if (have.add(content)) {
                            tokens.add(new AddedTokens.Token(content, checkedId(id, content), bool(t, "special", false)));
                        }
                    }
                } else if (decoder != null && decoder != TokenizerJson.NULL) {
                    throw new IllegalArgumentException("\"added_tokens_decoder\" is not an object");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tokenizer file " + configFile + ": " + e.getMessage(), e);
            }
        }
    }

    private static int checkedId(int id, String content) {
        if (id < 0 || id > MAX_ID) {
            throw new IllegalArgumentException("the id of " + TokenizerJson.quote(content) + " is " + id + ", outside 0.."
                    + MAX_ID);
        }
        return id;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8 text");
        }
    }

    // ---- tokenizer.json ----

    private static PretrainedTokenizer fromTokenizerJson(Map<String, Object> json) {
        Map<String, Object> model = object(json, "model");
        String type = model.containsKey("type") ? TokenizerJson.string(model, "type")
                : model.containsKey("merges") ? "BPE" : "WordPiece"; // files of old versions leave it out
        List<AddedTokens.Token> raw = new ArrayList<>();
        List<AddedTokens.Token> normalized = new ArrayList<>();
        addedTokens(json, raw, normalized);
        return switch (type) {
            case "BPE" -> byteLevelBpe(json, model, raw, normalized);
            case "WordPiece" -> wordPiece(json, model, raw, normalized);
            default -> throw new IllegalArgumentException("model type " + TokenizerJson.quote(type)
                    + " is not supported (supported: BPE with GPT-2's byte-level pre-tokenizer, WordPiece as BERT)");
        };
    }

    private static void addedTokens(Map<String, Object> json, List<AddedTokens.Token> raw,
            List<AddedTokens.Token> normalized) {
        Object list = optional(json, "added_tokens");
        if (list == null) {
            return;
        }
        if (!(list instanceof List<?> items)) {
            throw new IllegalArgumentException("\"added_tokens\" is not an array");
        }
        for (int i = 0; i < items.size(); i++) {
            String where = "\"added_tokens\"[" + i + "]";
            if (!(items.get(i) instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(where + " is not an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) m;
            String content = TokenizerJson.string(t, "content");
            for (String flag : new String[] {"lstrip", "rstrip", "single_word"}) {
                if (bool(t, flag, false)) {
                    throw new IllegalArgumentException(where + " (" + TokenizerJson.quote(content) + "): " + flag
                            + " = true is not supported");
                }
            }
            boolean special = bool(t, "special", false);
            AddedTokens.Token token = new AddedTokens.Token(content, TokenizerJson.integer(t, "id"), special);
            (bool(t, "normalized", !special) ? normalized : raw).add(token);
        }
    }

    private static ByteLevelBpeTokenizer byteLevelBpe(Map<String, Object> json, Map<String, Object> model,
            List<AddedTokens.Token> raw, List<AddedTokens.Token> normalized) {
        Map<String, Object> normalizer = optionalObject(json, "normalizer");
        if (normalizer != null) {
            throw unsupported("normalizer", normalizer, "none, as GPT-2");
        }
        boolean addPrefixSpace = byteLevelPreTokenizer(optionalObject(json, "pre_tokenizer"));
        Map<String, Object> decoder = optionalObject(json, "decoder");
        if (decoder != null && !typeOf(decoder).equals("ByteLevel")) {
            throw unsupported("decoder", decoder, "ByteLevel");
        }
        if (optional(model, "dropout") instanceof Number d && d.doubleValue() != 0) {
            throw new IllegalArgumentException("BPE dropout " + d + " is not supported (encoding would be random)");
        }
        if (bool(model, "byte_fallback", false)) {
            throw new IllegalArgumentException("BPE byte_fallback = true is not supported");
        }
        for (String key : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (optional(model, key) instanceof String s && !s.isEmpty()) {
                throw new IllegalArgumentException("BPE " + key + " " + TokenizerJson.quote(s) + " is not supported");
            }
        }
        Map<String, Integer> vocab = vocab(model);
        List<?> list = TokenizerJson.array(model, "merges");
        List<String[]> merges = new ArrayList<>(list.size());
        for (int r = 0; r < list.size(); r++) {
            Object m = list.get(r);
            String[] pair = m instanceof String s ? s.split(" ", -1)
                    : m instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)
                            ? l.toArray(new String[0]) : null;
            if (pair == null || pair.length != 2 || pair[0].isEmpty() || pair[1].isEmpty()) {
                throw new IllegalArgumentException("\"merges\"[" + r + "] is not two tokens (\"a b\" or [\"a\", \"b\"])");
            }
            merges.add(pair);
        }
        List<AddedTokens.Token> added = new ArrayList<>(raw);
        added.addAll(normalized); // without a normalizer both match the text as written
        ByteLevelBpeTokenizer.Options options = new ByteLevelBpeTokenizer.Options(addPrefixSpace,
                bool(model, "ignore_merges", false), template(optionalObject(json, "post_processor")), true);
        return new ByteLevelBpeTokenizer(vocab, merges, r -> "\"merges\"[" + r + "]", added, options);
    }

    /**
     * Checks the pre-tokenizer is GPT-2's (ByteLevel with its regex, or a Split with GPT-2's pattern followed by
     * ByteLevel without one) and returns its add_prefix_space.
     */
    private static boolean byteLevelPreTokenizer(Map<String, Object> pre) {
        String supported = "ByteLevel, or a Sequence of a Split with GPT-2's pattern and ByteLevel";
        if (pre == null) {
            throw new IllegalArgumentException("BPE without a pre_tokenizer is not supported (supported: " + supported + ")");
        }
        if (typeOf(pre).equals("ByteLevel") && bool(pre, "use_regex", true)) {
            return bool(pre, "add_prefix_space", false);
        }
        if (typeOf(pre).equals("Sequence")) {
            List<?> steps = TokenizerJson.array(pre, "pretokenizers");
            if (steps.size() == 2 && steps.get(0) instanceof Map<?, ?> split && steps.get(1) instanceof Map<?, ?> bl) {
                @SuppressWarnings("unchecked")
                Map<String, Object> s = (Map<String, Object>) split;
                @SuppressWarnings("unchecked")
                Map<String, Object> b = (Map<String, Object>) bl;
                if (typeOf(s).equals("Split") && typeOf(b).equals("ByteLevel") && !bool(b, "use_regex", true)) {
                    checkGpt2Split(s);
                    if (bool(b, "add_prefix_space", false)) {
                        // HF adds the space to every piece the Split made, not once per text: not implemented.
                        throw unsupported("pre_tokenizer", pre, "a Split followed by ByteLevel without add_prefix_space");
                    }
                    return false;
                }
            }
        }
        throw unsupported("pre_tokenizer", pre, supported);
    }

    private static void checkGpt2Split(Map<String, Object> split) {
        Map<String, Object> pattern = object(split, "pattern");
        Object regex = pattern.get("Regex");
        if (!(regex instanceof String r) || !r.equals(Gpt2PreTokenizer.PATTERN)) {
            throw new IllegalArgumentException("the Split pre-tokenizer's pattern " + TokenizerJson.quote(
                    String.valueOf(regex instanceof String ? regex : pattern)) + " is not supported: regexes from"
                    + " tokenizer files are not run; only GPT-2's " + TokenizerJson.quote(Gpt2PreTokenizer.PATTERN)
                    + " is implemented (by a linear scanner)");
        }
        String behavior = optional(split, "behavior") instanceof String b ? b : "Isolated";
        if (!behavior.equals("Isolated") || bool(split, "invert", false)) {
            throw new IllegalArgumentException("the Split pre-tokenizer's behavior " + TokenizerJson.quote(behavior)
                    + (bool(split, "invert", false) ? " with invert" : "") + " is not supported (supported: Isolated)");
        }
    }

    private static WordPieceTokenizer wordPiece(Map<String, Object> json, Map<String, Object> model,
            List<AddedTokens.Token> raw, List<AddedTokens.Token> normalized) {
        Map<String, Object> n = optionalObject(json, "normalizer");
        BertNormalizer normalizer = null;
        if (n != null) {
            if (!typeOf(n).equals("BertNormalizer")) {
                throw unsupported("normalizer", n, "BertNormalizer");
            }
            boolean lowercase = bool(n, "lowercase", true);
            normalizer = new BertNormalizer(bool(n, "clean_text", true), bool(n, "handle_chinese_chars", true),
                    bool(n, "strip_accents", lowercase), lowercase); // strip_accents null follows lowercase, as in BERT
        }
        Map<String, Object> pre = optionalObject(json, "pre_tokenizer");
        if (pre == null || !typeOf(pre).equals("BertPreTokenizer")) {
            throw unsupported("pre_tokenizer", pre, "BertPreTokenizer");
        }
        String prefix = optional(model, "continuing_subword_prefix") instanceof String s ? s : "##";
        Map<String, Object> decoder = optionalObject(json, "decoder");
        boolean cleanup = false;
        if (decoder != null) {
            if (!typeOf(decoder).equals("WordPiece")) {
                throw unsupported("decoder", decoder, "WordPiece");
            }
            cleanup = bool(decoder, "cleanup", true);
        }
        int maxChars = model.containsKey("max_input_chars_per_word")
                ? TokenizerJson.integer(model, "max_input_chars_per_word") : 100;
        String unk = optional(model, "unk_token") instanceof String u ? u : "[UNK]";
        return new WordPieceTokenizer(vocab(model), new WordPieceTokenizer.Options(unk, prefix, maxChars, cleanup),
                normalizer, raw, normalized, template(optionalObject(json, "post_processor")));
    }

    /** The special tokens a post-processor adds around a single text. */
    private static SpecialTokenTemplate template(Map<String, Object> post) {
        if (post == null) {
            return SpecialTokenTemplate.NONE;
        }
        switch (typeOf(post)) {
            case "ByteLevel":
                return SpecialTokenTemplate.NONE; // it only trims offsets
            case "BertProcessing", "RobertaProcessing": {
                int cls = namedId(TokenizerJson.array(post, "cls"), "cls");
                int sep = namedId(TokenizerJson.array(post, "sep"), "sep");
                return new SpecialTokenTemplate(new int[] {cls}, new int[] {sep});
            }
            case "TemplateProcessing":
                return templateProcessing(post);
            case "Sequence": {
                SpecialTokenTemplate t = SpecialTokenTemplate.NONE;
                for (Object step : TokenizerJson.array(post, "processors")) {
                    if (!(step instanceof Map<?, ?> m)) {
                        throw new IllegalArgumentException("a post_processor of the Sequence is not an object");
                    }
                    @SuppressWarnings("unchecked")
                    Map<String, Object> p = (Map<String, Object>) m;
                    t = t.then(template(p));
                }
                return t;
            }
            default:
                throw unsupported("post_processor", post,
                        "TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence");
        }
    }

    private static int namedId(List<?> pair, String key) {
        if (pair.size() != 2 || !(pair.get(0) instanceof String)) {
            throw new IllegalArgumentException("post_processor \"" + key + "\" is not [token, id]");
        }
        return TokenizerJson.integer(pair.get(1), "post_processor \"" + key + "\"[1]");
    }

    private static SpecialTokenTemplate templateProcessing(Map<String, Object> post) {
        Map<String, Object> specials = object(post, "special_tokens");
        IntList prefix = new IntList();
        IntList suffix = new IntList();
        boolean sequenceSeen = false;
        List<?> single = TokenizerJson.array(post, "single");
        for (int i = 0; i < single.size(); i++) {
            String where = "post_processor \"single\"[" + i + "]";
            if (!(single.get(i) instanceof Map<?, ?> m) || m.size() != 1) {
                throw new IllegalArgumentException(where + " is not {\"SpecialToken\": ...} or {\"Sequence\": ...}");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) m;
            if (item.containsKey("Sequence")) {
                String id = TokenizerJson.string(object(item, "Sequence"), "id");
                if (!id.equals("A") || sequenceSeen) {
                    throw new IllegalArgumentException(where + ": a single-text template must hold sequence A once, found "
                            + TokenizerJson.quote(id));
                }
                sequenceSeen = true;
            } else if (item.containsKey("SpecialToken")) {
                String name = TokenizerJson.string(object(item, "SpecialToken"), "id");
                if (!(specials.get(name) instanceof Map<?, ?> s)) {
                    throw new IllegalArgumentException(where + ": special token " + TokenizerJson.quote(name)
                            + " is not in \"special_tokens\"");
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> special = (Map<String, Object>) s;
                for (Object id : TokenizerJson.array(special, "ids")) {
                    (sequenceSeen ? suffix : prefix).add(TokenizerJson.integer(id, "the ids of " + TokenizerJson.quote(name)));
                }
            } else {
                throw new IllegalArgumentException(where + " is not {\"SpecialToken\": ...} or {\"Sequence\": ...}");
            }
        }
        if (!sequenceSeen) {
            throw new IllegalArgumentException("post_processor \"single\" has no sequence A");
        }
        return new SpecialTokenTemplate(prefix.toArray(), suffix.toArray());
    }

    private static Map<String, Integer> vocab(Map<String, Object> model) {
        Map<String, Object> json = object(model, "vocab");
        Map<String, Integer> vocab = new HashMap<>(json.size() * 2);
        for (Map.Entry<String, Object> e : json.entrySet()) {
            vocab.put(e.getKey(), TokenizerJson.integer(e.getValue(), "the id of " + TokenizerJson.quote(e.getKey())));
        }
        return vocab;
    }

    // ---- small readers ----

    /** The value of key, or null when it is missing or JSON null. */
    private static Object optional(Map<String, Object> obj, String key) {
        Object v = obj.get(key);
        return v == TokenizerJson.NULL ? null : v;
    }

    private static Map<String, Object> optionalObject(Map<String, Object> obj, String key) {
        Object v = optional(obj, key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("\"" + key + "\" is not an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) m;
        return map;
    }

    private static Map<String, Object> object(Map<String, Object> obj, String key) {
        Map<String, Object> m = optionalObject(obj, key);
        if (m == null) {
            throw new IllegalArgumentException("missing field \"" + key + "\"");
        }
        return m;
    }

    private static boolean bool(Map<String, Object> obj, String key, boolean fallback) {
        Object v = optional(obj, key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("\"" + key + "\" is not true or false");
        }
        return b;
    }

    private static String typeOf(Map<String, Object> component) {
        return optional(component, "type") instanceof String s ? s : "(no type)";
    }

    private static IllegalArgumentException unsupported(String what, Map<String, Object> component, String supported) {
        return new IllegalArgumentException(what + " " + (component == null ? "null" : TokenizerJson.quote(typeOf(component)))
                + " is not supported (supported: " + supported + ")");
    }

    /** A tokenizer saved by {@link Tokenizer#save} seen as a pretrained one; its specials are not matched in text. */
    private record SavedTokenizer(Tokenizer tokenizer) implements PretrainedTokenizer {
        @Override
        public int[] encode(String text) {
            return tokenizer.encode(text);
        }

        @Override
        public int[] encodeOrdinary(String text) {
            return tokenizer.encode(text);
        }

        @Override
        public String decode(int[] ids) {
            return tokenizer.decode(ids);
        }

        @Override
        public int vocabSize() {
            return tokenizer.vocabSize();
        }

        @Override
        public String token(int id) {
            return tokenizer.token(id);
        }

        @Override
        public Map<String, Integer> specialTokens() {
            Map<String, Integer> m = new LinkedHashMap<>();
            for (int id = 0; id < Tokenizer.SPECIALS.size(); id++) {
                m.put(Tokenizer.SPECIALS.get(id), id);
            }
            return m;
        }
    }
}
