package org.transformer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.tokenizer.TokenizerFixtures;

/** {@code t4j tokenize}: ids as JSON arrays for a text or a JSONL file, GPT-2 and BERT; one-line errors, exit 2. */
class TokenizeCommandTest {
    @TempDir
    Path dir;

    private static WeightsCommandTest.Run run(String... args) {
        return WeightsCommandTest.run(args);
    }

    private static String gpt2() {
        return TokenizerFixtures.gpt2Dir().toString();
    }

    @Test
    void oneTextPrintsItsIds() {
        WeightsCommandTest.Run r = run("tokenize", "--tokenizer", gpt2(), "Hello world<|endoftext|>");
        assertEquals(0, r.code(), r.err());
        assertEquals("[15496,995,50256]\n", r.out());
        r = run("tokenize", "--tokenizer", gpt2(), "--no-special-tokens", "<|endoftext|>");
        assertEquals("[27,91,437,1659,5239,91,29]\n", r.out());
        r = run("tokenize", "--tokenizer", gpt2(), "--", "-1");
        assertEquals(0, r.code(), r.err());
        assertEquals("[12,16]\n", r.out()); // "-" and "1", separate pre-tokens
        r = run("tokenize", "--tokenizer", gpt2(), "");
        assertEquals("[]\n", r.out());
    }

    @Test
    void bertAddsClsAndSep() {
        String file = TokenizerFixtures.miniLmTokenizerJson().toString();
        WeightsCommandTest.Run r = run("tokenize", "--tokenizer", file, "Hello, world!");
        assertEquals(0, r.code(), r.err());
        assertEquals("[101,7592,1010,2088,999,102]\n", r.out());
        r = run("tokenize", "--tokenizer", file, "--no-special-tokens", "Hello, world!");
        assertEquals("[7592,1010,2088,999]\n", r.out());
    }

    @Test
    void jsonlPrintsOneArrayPerLineInOrder() throws Exception {
        Path in = dir.resolve("texts.jsonl");
        Files.writeString(in, """
                {"text": "Hello world"}
                {"text": " Hello world", "id": 7}

                {"text": "\\n\\n\\n"}
                {"text": "日本語のテキスト"}
                """, StandardCharsets.UTF_8);
        WeightsCommandTest.Run r = run("tokenize", "--tokenizer", gpt2(), "--jsonl", in.toString());
        assertEquals(0, r.code(), r.err());
        // ids of the reference (gpt-3-encoder) for these texts
        assertEquals(List.of("[15496,995]", "[18435,995]", "[628,198]",
                "[33768,98,17312,105,45739,252,5641,24336,25084,43302]"), r.out().lines().toList());
    }

    @Test
    void badInputIsOneLineAndExitCode2() throws Exception {
        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"text\": \"ok\"}\n{\"txt\": \"no\"}\n");
        Path broken = dir.resolve("tokenizer.json");
        Files.writeString(broken, "{\"model\": {\"type\": \"BPE\", \"vocab\": {");
        String[][] cases = {
            {"t4j: give either TEXT or --jsonl FILE", "tokenize", "--tokenizer", gpt2()},
            {"t4j: give either TEXT or --jsonl FILE, not both", "tokenize", "--tokenizer", gpt2(), "--jsonl", bad.toString(), "x"},
            {"t4j: " + bad + " line 2: expected an object with a \"text\" string", "tokenize", "--tokenizer", gpt2(),
                "--jsonl", bad.toString()},
            {"t4j: " + dir.resolve("none.jsonl") + ": no such file", "tokenize", "--tokenizer", gpt2(), "--jsonl",
                dir.resolve("none.jsonl").toString()},
            {"t4j: tokenizer file " + broken + ": unexpected end of file at line 1", "tokenize", "--tokenizer", dir.toString(), "x"},
            {"t4j: " + dir.resolve("nothing") + ": no such file or folder", "tokenize", "--tokenizer",
                dir.resolve("nothing").toString(), "x"},
        };
        for (String[] c : cases) {
            WeightsCommandTest.Run r = run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, r.code(), r.err());
            assertEquals(1, r.errLines().size(), r.err());
            assertTrue(r.err().startsWith(c[0]), () -> "expected " + c[0] + "\nbut got " + r.err());
        }
        WeightsCommandTest.Run r = run("tokenize", "x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Missing required option: '--tokenizer=DIR|FILE'"), r.err());
    }

    @Test
    void helpDescribesTheCommand() {
        WeightsCommandTest.Run r = run("tokenize", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--jsonl=FILE") && r.out().contains("--no-special-tokens"), r.out());
        assertTrue(run("--help").out().contains("tokenize"));
    }
}
