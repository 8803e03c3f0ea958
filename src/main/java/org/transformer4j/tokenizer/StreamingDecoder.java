package org.transformer4j.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns generated token ids into text as they arrive, for printing while a model generates, and stops at
 * stop strings.
 *
 * <p>A byte-level BPE token can be part of a character (GPT-2 splits many characters into several byte
 * tokens), so bytes are held back until they complete a UTF-8 sequence; bytes that can never complete one
 * become U+FFFD at once, exactly as {@code tokenizer.decode(allIds)} shows them. Text that could be the start
 * of a stop string is held back too, and when a stop string appears the text ends before it. The text
 * shown, joined, always equals {@link #text()}, which is the decode of all ids pushed, cut at the first
 * stop string.
 *
 * <pre>{@code
 * StreamingDecoder stream = new StreamingDecoder(gpt2, List.of("\n\n"));
 * for (int id : ids) {
 *     System.out.print(stream.push(id));
 *     if (stream.stopped()) break;
 * }
 * System.out.print(stream.finish());
 * }</pre>
 *
 * <p>Tokenizers other than byte-level BPE are decoded as a whole after each token and the new end of the text
 * is shown. Ids outside the tokenizer's vocabulary (a model whose vocabulary is padded beyond the
 * tokenizer's) add no text.
 */
public final class StreamingDecoder {
    private final PretrainedTokenizer tokenizer;
    private final ByteLevelBpeTokenizer bytes;
    private final List<String> stops;
    private final int longestStop;
    private final StringBuilder text = new StringBuilder();
    private final List<Integer> ids = new ArrayList<>();
    private byte[] pending = new byte[0];                       // bytes of an incomplete UTF-8 character
    private int shown;                                          // chars of text already returned
    private boolean stopped;

    /** A decoder for the tokenizer's ids; the stop strings must not be empty (the list may be). */
    public StreamingDecoder(PretrainedTokenizer tokenizer, List<String> stopStrings) {
        for (String s : stopStrings) {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("a stop string must not be empty");
            }
        }
        this.tokenizer = tokenizer;
        this.bytes = tokenizer instanceof ByteLevelBpeTokenizer b ? b : null;
        this.stops = List.copyOf(stopStrings);
        this.longestStop = stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds one token and returns the text that can be shown now (often empty); nothing after a stop. */
    public String push(int id) {
        if (stopped || id < 0 || id >= tokenizer.vocabSize()) {
            return "";
        }
        int before = text.length();
        if (bytes != null) {
            byte[] b = bytes.decodeBytes(new int[] {id});
            byte[] all = Arrays.copyOf(pending, pending.length + b.length);
            System.arraycopy(b, 0, all, pending.length, b.length);
            int complete = completeLength(all);
            text.append(new String(all, 0, complete, StandardCharsets.UTF_8));
            pending = Arrays.copyOfRange(all, complete, all.length);
        } else {
            ids.add(id);
            String full = tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray());
            text.setLength(0);
            text.append(full);
            before = Math.min(before, shown);
        }
        return release(before, false);
    }

    /** Whether a stop string has appeared; push then adds nothing. */
    public boolean stopped() {
        return stopped;
    }

    /** The rest of the text at the end of generation: held-back bytes (as U+FFFD) and held-back text. */
    public String finish() {
        if (stopped) {
            return "";
        }
        int before = text.length();
        text.append(new String(pending, StandardCharsets.UTF_8));
        pending = new byte[0];
        return release(before, true);
    }

    /** All text so far, shown or held back, cut before the first stop string; after finish, all of it. */
    public String text() {
        return text.toString();
    }

    /** Looks for a stop string in text that arrived after {@code before}; returns what may be shown now. */
    private String release(int before, boolean all) {
        int end = text.length();
        if (!stops.isEmpty()) {
            int from = Math.max(0, before - longestStop + 1);
            int at = -1;
            for (String s : stops) {
                int i = text.indexOf(s, from);
                if (i >= 0 && (at < 0 || i < at)) {
                    at = i;
                }
            }
            if (at >= 0) {
                stopped = true;
                text.setLength(at);
                end = at;
            } else if (!all) {
                end -= heldForStops();
            }
        }
        end = Math.max(end, shown);
        String out = text.substring(Math.min(shown, text.length()), Math.min(end, text.length()));
        shown = Math.max(shown, end);
        return out;
    }

    /** The length of the longest end of text that is the beginning of a stop string (which may yet complete). */
    private int heldForStops() {
        int n = text.length();
        for (int k = Math.min(n, longestStop - 1); k > 0; k--) {
            for (String s : stops) {
                if (k < s.length() && CharSequence.compare(text.subSequence(n - k, n), s.subSequence(0, k)) == 0) {
                    return k;
                }
            }
        }
        return 0;
    }

    /**
     * How many leading bytes decode now as they would in the whole stream: all of them unless they end with
     * the beginning of a multi-byte sequence that more bytes may still complete. "Complete" is judged as the
     * JDK's UTF-8 decoder, which {@code decode} uses, judges it: E0 needs A0..BF next, F0 90..BF, F4 80..8F,
     * and ED followed by A0..BF waits for its third byte (the JDK then replaces all three, an encoded
     * surrogate, by one U+FFFD).
     */
    static int completeLength(byte[] b) {
        int n = b.length;
        int i = n - 1;
        while (i >= 0 && n - i <= 3 && (b[i] & 0xC0) == 0x80) {
            i--;                                                // back over continuation bytes to the lead byte
        }
        if (i < 0) {
            return n;
        }
        int lead = b[i] & 0xFF;
        int need = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 1;
        int have = n - i;
        if (have >= need) {
            return n;                                           // complete, or malformed whatever follows
        }
        if (have >= 2) {
            int second = b[i + 1] & 0xFF;
            int lo = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
            int hi = lead == 0xF4 ? 0x8F : 0xBF;
            if (second < lo || second > hi) {
                return n;
            }
        }
        return i;
    }
}
