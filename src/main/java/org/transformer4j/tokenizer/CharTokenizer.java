package org.transformer4j.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A tokenizer with one id per Unicode code point seen in training (ids 4.. in code point order); unseen
 * code points become unk, and decoding inverts encoding exactly for seen ones (unpaired surrogates too).
 */
public final class CharTokenizer implements Tokenizer {
    static final String TYPE = "char";
    private static final int FIRST = SPECIALS.size();

    private final int[] codePoints; // ascending; id = FIRST + index

    private CharTokenizer(int[] codePoints) {
        this.codePoints = codePoints;
    }

    /** The tokenizer of every code point that occurs in texts. */
    public static CharTokenizer train(Iterable<String> texts) {
        Objects.requireNonNull(texts, "texts");
        BitSet seen = new BitSet(Character.MAX_CODE_POINT + 1);
        for (String text : texts) {
            text.codePoints().forEach(seen::set);
        }
        return new CharTokenizer(seen.stream().toArray());
    }

    /** The tokenizer of exactly the code points of alphabet (duplicates ignored). */
    public static CharTokenizer of(String alphabet) {
        return train(List.of(alphabet));
    }

    @Override
    public int[] encode(String text) {
        return text.codePoints().map(cp -> {
            int i = Arrays.binarySearch(codePoints, cp);
            return i >= 0 ? FIRST + i : UNK;
        }).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            checkId(id);
            if (id >= FIRST) {
                sb.appendCodePoint(codePoints[id - FIRST]);
            } else if (id == UNK) {
                sb.append('\uFFFD');
            }
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return FIRST + codePoints.length;
    }

    @Override
    public String token(int id) {
        checkId(id);
        return id < FIRST ? SPECIALS.get(id) : Character.toString(codePoints[id - FIRST]);
    }

    /** The id of code point cp, or unk when it was not seen in training. */
    public int id(int cp) {
        int i = Arrays.binarySearch(codePoints, cp);
        return i >= 0 ? FIRST + i : UNK;
    }

    @Override
    public void save(Path path) throws IOException {
        StringBuilder sb = new StringBuilder(TokenizerJson.header(TYPE)).append("  \"tokens\": [");
        for (int i = 0; i < codePoints.length; i++) {
            sb.append(i % 16 == 0 ? "\n    " : " ").append(TokenizerJson.quote(Character.toString(codePoints[i])))
                    .append(i + 1 < codePoints.length ? "," : "");
        }
        TokenizerJson.write(path, sb.append("\n  ]\n}\n").toString());
    }

    static CharTokenizer fromJson(Map<String, Object> json) {
        List<String> tokens = TokenizerJson.strings(json, "tokens");
        int[] cps = new int[tokens.size()];
        for (int i = 0; i < cps.length; i++) {
            String t = tokens.get(i);
            if (t.isEmpty() || t.codePointCount(0, t.length()) != 1) {
                throw new IllegalArgumentException("\"tokens\"[" + i + "] is not one code point: "
                        + TokenizerJson.quote(t));
            }
            cps[i] = t.codePointAt(0);
            if (i > 0 && cps[i] <= cps[i - 1]) {
                throw new IllegalArgumentException("\"tokens\"[" + i + "] " + TokenizerJson.quote(t)
                        + " is out of code point order or repeated");
            }
        }
        return new CharTokenizer(cps);
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocabSize()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + vocabSize() + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharTokenizer c && Arrays.equals(codePoints, c.codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }

    @Override
    public String toString() {
        return "CharTokenizer[vocabSize=" + vocabSize() + "]";
    }
}
