package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.transformer4j.tensor.Rng;

/**
 * Streaming decode: the text shown piece by piece is the text of all ids decoded at once (GPT-2's byte
 * tokens held until they complete a character), cut before the first stop string, and nothing of a stop
 * string is shown before it is known not to be one.
 */
class StreamingDecoderTest {

    /** Pushes every id and finishes; returns the pieces shown (the finish piece last). */
    private static List<String> stream(StreamingDecoder d, int[] ids) {
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(d.push(id));
        }
        pieces.add(d.finish());
        return pieces;
    }

    @Test
    void multiByteCharactersSplitOverTokensAreHeldUntilComplete() {
        ByteLevelBpeTokenizer gpt2 = TokenizerFixtures.gpt2();
        String text = "Ünïcödé — “quotes” 😀 中文";
        int[] ids = gpt2.encode(text);                               // 21 tokens, many of them single bytes
        List<String> pieces = stream(new StreamingDecoder(gpt2, List.of()), ids);
        assertEquals(text, String.join("", pieces));
        for (String p : pieces) {
            assertFalse(p.contains("\uFFFD"), "a partial character was shown: " + pieces);
        }
        assertEquals(3, pieces.subList(0, ids.length).stream().filter(String::isEmpty).count(), "bytes held back: " + pieces);
        // HF's greedy continuation of that prompt starts with two lone continuation bytes (229 = 0x87): they
        // can never complete a character and are shown as U+FFFD at once, as decode shows them.
        int[] continuation = {229, 229, 45215, 34788, 34788, 15442, 15442, 3228};
        List<String> shown = stream(new StreamingDecoder(gpt2, List.of()), continuation);
        assertEquals("\uFFFD", shown.get(0));
        assertEquals("�� dwindlingtptp Fried Fried!!", String.join("", shown));
    }

    @Test
    void anyByteSequenceStreamsAsItDecodesWhole() {
        ByteLevelBpeTokenizer gpt2 = TokenizerFixtures.gpt2();
        int[] byteIds = new int[256];                               // the id of each single byte
        for (int b = 0; b < 256; b++) {
            byteIds[b] = gpt2.encodeBytes(new byte[] {(byte) b})[0];
        }
        Rng rng = new Rng(5);
        for (int trial = 0; trial < 3000; trial++) {
            int[] ids = new int[1 + rng.nextInt(12)];
            for (int i = 0; i < ids.length; i++) {
                int r = rng.nextInt(10);
                // mostly UTF-8 lead and continuation bytes, sometimes ASCII or a whole multi-byte token
                ids[i] = r < 4 ? byteIds[0x80 + rng.nextInt(0x40)] : r < 8 ? byteIds[0xC0 + rng.nextInt(0x40)]
                        : r < 9 ? byteIds[rng.nextInt(0x80)] : rng.nextInt(50257);
            }
            StreamingDecoder d = new StreamingDecoder(gpt2, List.of());
            String streamed = String.join("", stream(d, ids));
            assertEquals(gpt2.decode(ids), streamed, "ids " + java.util.Arrays.toString(ids));
            assertEquals(streamed, d.text());
        }
    }

    @Test
    void completeLengthFollowsUtf8() {
        assertEquals(0, StreamingDecoder.completeLength(bytes(0xE6)), "a lead byte waits");
        assertEquals(0, StreamingDecoder.completeLength(bytes(0xE6, 0x96)), "lead and one continuation wait");
        assertEquals(3, StreamingDecoder.completeLength(bytes(0xE6, 0x96, 0x87)), "文 is complete");
        assertEquals(1, StreamingDecoder.completeLength(bytes(0x41, 0xF0, 0x9F, 0x98)), "A, then 3 of 😀's 4 bytes");
        assertEquals(1, StreamingDecoder.completeLength(bytes(0x87)), "a lone continuation byte is malformed now");
        assertEquals(2, StreamingDecoder.completeLength(bytes(0xE0, 0x80)), "E0 80 can never complete (overlong)");
        assertEquals(0, StreamingDecoder.completeLength(bytes(0xED, 0xA0)), "ED A0 waits: with a third byte the "
                + "JDK's decoder makes one U+FFFD of the three (an encoded surrogate)");
        assertEquals(2, StreamingDecoder.completeLength(bytes(0xF4, 0x90)), "F4 90 is beyond U+10FFFF");
        assertEquals(0, StreamingDecoder.completeLength(bytes(0xF4, 0x8F)));
        assertEquals(1, StreamingDecoder.completeLength(bytes(0xC0)), "C0 never starts a character");
        assertEquals(1, StreamingDecoder.completeLength(bytes(0xF5)));
        assertEquals(4, StreamingDecoder.completeLength(bytes(0x80, 0x80, 0x80, 0x80)));
        assertEquals(0, StreamingDecoder.completeLength(new byte[0]));
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    @Test
    void stopStringsEndTheTextAndAreNeverShown() {
        ByteLevelBpeTokenizer gpt2 = TokenizerFixtures.gpt2();
        int[] ids = gpt2.encode("Hello world. Goodbye world. Hello again.");
        StreamingDecoder d = new StreamingDecoder(gpt2, List.of(". Good", "again"));
        List<String> pieces = new ArrayList<>();
        int pushed = 0;
        for (int id : ids) {
            pieces.add(d.push(id));
            pushed++;
            if (d.stopped()) {
                break;
            }
        }
        pieces.add(d.finish());
        assertEquals("Hello world", String.join("", pieces));
        assertEquals("Hello world", d.text());
        assertEquals(List.of("Hello", " world", "", "", ""), pieces, "'.' waits: it may start '. Good'");
        assertEquals(4, pushed, "stopped at the token that completed the stop string");
        assertEquals("", d.push(ids[4]), "nothing after a stop");

        // The earliest stop string wins; one inside a token counts; held text comes out at the end when no stop
        // string completes.
        d = new StreamingDecoder(gpt2, List.of("again", "orl"));
        assertEquals("Hello w", String.join("", stream(d, ids)));
        d = new StreamingDecoder(gpt2, List.of("again!"));
        assertEquals("Hello world. Goodbye world. Hello again.", String.join("", stream(d, ids)));
        d = new StreamingDecoder(gpt2, List.of(".\n"));
        List<String> held = stream(d, gpt2.encode("One. Two."));
        assertEquals(List.of("One", "", ". Two", "", "."), held, "a final '.' is held until the end, then shown");
        // A stop string that is itself split over byte tokens.
        d = new StreamingDecoder(gpt2, List.of("文"));
        assertEquals("Ünïcödé — “quotes” 😀 中", String.join("", stream(d, gpt2.encode("Ünïcödé — “quotes” 😀 中文 more"))));
        assertThrows(IllegalArgumentException.class, () -> new StreamingDecoder(gpt2, List.of("")));
    }

    @Test
    void otherTokenizersAndUnknownIds() {
        WordPieceTokenizer bert = TokenizerFixtures.miniLm();
        int[] ids = bert.encodeOrdinary("hello world, unbelievable tokenization");
        String streamed = String.join("", stream(new StreamingDecoder(bert, List.of()), ids));
        assertEquals(bert.decode(ids), streamed);
        StreamingDecoder d = new StreamingDecoder(bert, List.of("world"));
        assertEquals("hello ", String.join("", stream(d, ids)));

        ByteLevelBpeTokenizer gpt2 = TokenizerFixtures.gpt2();
        d = new StreamingDecoder(gpt2, List.of());
        assertEquals("", d.push(50300), "an id beyond the tokenizer's vocabulary adds no text");
        assertEquals("Hi", d.push(gpt2.encode("Hi")[0]));
        assertEquals("Hi", new String(d.text().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }
}
