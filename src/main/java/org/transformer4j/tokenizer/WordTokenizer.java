package org.transformer4j.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tokenizer with one id per word or punctuation character seen in training, each carrying the single
 * space before it, so that decode(encode(s)) == s whenever every token of s is known.
 *
 * <p>Tokens are those of the shared pre-tokenizer: a word (letters, digits, combining marks) or one other
 * non-space character, optionally with the one plain space before it (" world" and "world" are different
 * tokens, like GPT-2's "Ġworld"), and every other whitespace character alone. An unknown " word" becomes
 * the space token and unk, so unknown words do not eat the spaces around them; the space token is always
 * in the vocabulary.
 */
public final class WordTokenizer implements Tokenizer {
    static final String TYPE = "word";
    private static final int FIRST = SPECIALS.size();

    private final String[] tokens; // id = FIRST + index
    private final Map<String, Integer> ids;
    private final int space;

    private WordTokenizer(String[] tokens) {
        this.tokens = tokens;
        this.ids = new HashMap<>(tokens.length * 2);
        for (int i = 0; i < tokens.length; i++) {
            if (ids.put(tokens[i], FIRST + i) != null) {
                throw new IllegalArgumentException("token " + TokenizerJson.quote(tokens[i]) + " appears twice");
            }
        }
        Integer s = ids.get(" ");
        if (s == null) {
            throw new IllegalArgumentException("the vocabulary lacks the space token \" \"");
        }
        this.space = s;
    }

    /** The tokenizer of every token that occurs in texts. */
    public static WordTokenizer train(Iterable<String> texts) {
        return train(texts, Integer.MAX_VALUE);
    }

    /**
     * The tokenizer of the most frequent tokens in texts, at most maxVocab ids in all (specials and the
     * space token included); ties in frequency are broken by the token's string order.
     */
    public static WordTokenizer train(Iterable<String> texts, int maxVocab) {
        Objects.requireNonNull(texts, "texts");
        if (maxVocab < FIRST + 1) {
            throw new IllegalArgumentException("maxVocab must be at least " + (FIRST + 1) + ", got " + maxVocab);
        }
        Map<String, long[]> counts = new HashMap<>();
        for (String text : texts) {
            for (String t : PreTokenizer.split(text)) {
                counts.computeIfAbsent(t, k -> new long[1])[0]++;
            }
        }
        counts.remove(" ");
        List<Map.Entry<String, long[]>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0])
                : a.getKey().compareTo(b.getKey()));
        int keep = (int) Math.min(sorted.size(), (long) maxVocab - FIRST - 1);
        String[] tokens = new String[keep + 1];
        tokens[0] = " ";
        for (int i = 0; i < keep; i++) {
            tokens[i + 1] = sorted.get(i).getKey();
        }
        return new WordTokenizer(tokens);
    }

    @Override
    public int[] encode(String text) {
        List<String> pieces = PreTokenizer.split(text);
        int[] out = new int[pieces.size() * 2];
        int n = 0;
        for (String p : pieces) {
            Integer id = ids.get(p);
            if (id != null) {
                out[n++] = id;
            } else if (p.length() > 1 && p.charAt(0) == ' ') {
                out[n++] = space;
                Integer bare = ids.get(p.substring(1));
                out[n++] = bare != null ? bare : UNK;
            } else {
                out[n++] = UNK;
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length * 4);
        for (int id : ids) {
            checkId(id);
            if (id >= FIRST) {
                sb.append(tokens[id - FIRST]);
            } else if (id == UNK) {
                sb.append('\uFFFD');
            }
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return FIRST + tokens.length;
    }

    @Override
    public String token(int id) {
        checkId(id);
        return id < FIRST ? SPECIALS.get(id) : tokens[id - FIRST];
    }

    /** The id of token, or unk when it is not in the vocabulary. */
    public int id(String token) {
        return ids.getOrDefault(token, UNK);
    }

    @Override
    public void save(Path path) throws IOException {
        StringBuilder sb = new StringBuilder(TokenizerJson.header(TYPE)).append("  \"tokens\": [");
        for (int i = 0; i < tokens.length; i++) {
            sb.append("\n    ").append(TokenizerJson.quote(tokens[i])).append(i + 1 < tokens.length ? "," : "");
        }
        TokenizerJson.write(path, sb.append("\n  ]\n}\n").toString());
    }

    static WordTokenizer fromJson(Map<String, Object> json) {
        List<String> list = TokenizerJson.strings(json, "tokens");
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).isEmpty()) {
                throw new IllegalArgumentException("\"tokens\"[" + i + "] is empty");
            }
        }
        return new WordTokenizer(list.toArray(String[]::new));
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocabSize()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabSize() + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WordTokenizer w && Arrays.equals(tokens, w.tokens);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "WordTokenizer[vocabSize=" + vocabSize() + "]";
    }
}
