package org.transformer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.io.Json;

/**
 * {@code t4j translate} on a Hugging Face Marian folder: the printed ids are HF generate's (the fixture's,
 * without the decoder start token), and bad input is one line with exit code 2.
 */
class HfTranslateCommandTest {
    private static final Path MARIAN = Path.of("src/test/resources/fixtures/hf/marian-tiny");
    private static final Path GPT2 = Path.of("src/test/resources/fixtures/hf/gpt2-tiny-trimmed");

    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstCase() throws IOException {
        Map<String, Object> ref = (Map<String, Object>) Json.parse(Files.readString(MARIAN.resolve("reference.json")));
        return ((List<Map<String, Object>>) ref.get("cases")).get(0);
    }

    /** The reference ids without the decoder start token, printed as the command prints them. */
    private static String withoutStart(Object ids) {
        List<?> l = (List<?>) ids;
        return l.subList(1, l.size()).stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }

    @Test
    void printsHfGreedyAndBeamIdsWithoutTheStartToken() throws IOException {
        Map<String, Object> c = firstCase();
        String input = String.valueOf(c.get("input_ids"));
        // The fixture was generated with max_new_tokens 12 (see HfMarianTest).
        WeightsCommandTest.Run greedy = WeightsCommandTest.run("translate", "--model", MARIAN.toString(),
                "--input-ids", input, "--ids", "--max-new-tokens", "12");
        assertEquals(0, greedy.code(), greedy.err());
        assertEquals(withoutStart(c.get("greedy_ids")), greedy.out().strip());
        // Every beam of this fixture ends at the forced eos, so the folder's early_stopping (false) gives the
        // fixture's early_stopping=true result too.
        WeightsCommandTest.Run beam = WeightsCommandTest.run("translate", "--model", MARIAN.toString(),
                "--input-ids", input, "--ids", "--beam", "4", "--max-new-tokens", "12");
        assertEquals(0, beam.code(), beam.err());
        assertEquals(withoutStart(c.get("beam4_ids")), beam.out().strip());
        // Without tokenizer files the output of a Hugging Face folder is ids even without --ids; without a limit
        // in the files, HF's 20 new tokens after the start token (max_length 21).
        WeightsCommandTest.Run plain = WeightsCommandTest.run("translate", "--model", MARIAN.toString(), "--input-ids", input);
        assertEquals(0, plain.code(), plain.err());
        int[] ids = Arrays.stream(plain.out().strip().replaceAll("[\\[\\] ]", "").split(",")).mapToInt(Integer::parseInt).toArray();
        assertEquals(20, ids.length, plain.out());
        assertEquals(0, ids[19], "the forced eos at max_length - 1");
    }

    @Test
    void textIsTokenizedByTheFoldersSentencePieceFiles() throws Exception {
        // The tiny Marian model (vocabulary 1000) with an Opus-MT-style tokenizer of 939 ids (MarianTokenizerTest).
        Path folder = Files.createDirectories(dir.resolve("opus"));
        for (String f : new String[] {"config.json", "generation_config.json", "model.safetensors"}) {
            Files.copy(MARIAN.resolve(f), folder.resolve(f));
        }
        org.transformer4j.tokenizer.MarianTokenizerTest.folder(folder);
        org.transformer4j.tokenizer.MarianTokenizer t = org.transformer4j.tokenizer.MarianTokenizer.load(folder);
        String text = "Guten Morgen!";
        WeightsCommandTest.Run asIds = WeightsCommandTest.run("translate", "--model", folder.toString(),
                "--input-ids", Arrays.toString(t.encode(text)), "--ids", "--beam", "2", "--max-new-tokens", "8");
        assertEquals(0, asIds.code(), asIds.err());
        WeightsCommandTest.Run textIds = WeightsCommandTest.run("translate", "--model", folder.toString(), text, "--ids",
                "--beam", "2", "--max-new-tokens", "8");
        assertEquals(asIds.out(), textIds.out(), "text goes through MarianTokenizer.encode");
        int[] out = Arrays.stream(asIds.out().strip().replaceAll("[\\[\\] ]", "").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        WeightsCommandTest.Run translated = WeightsCommandTest.run("translate", "--model", folder.toString(), text,
                "--beam", "2", "--max-new-tokens", "8");
        assertEquals(0, translated.code(), translated.err());
        assertEquals(t.decodeTranslation(out), translated.out().strip());
        assertFalse(translated.out().contains("["), "text, not ids: " + translated.out());
    }

    @Test
    void badInputIsOneLineWithExitCode2() throws IOException {
        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.copy(MARIAN.resolve("config.json"), broken.resolve("config.json"));
        byte[] weights = Files.readAllBytes(MARIAN.resolve("model.safetensors"));
        Files.write(broken.resolve("model.safetensors"), Arrays.copyOf(weights, weights.length / 2));
        Path bart = Files.createDirectories(dir.resolve("bart"));
        Files.writeString(bart.resolve("config.json"), Files.readString(MARIAN.resolve("config.json"))
                .replace("\"marian\"", "\"bart\""));
        String m = MARIAN.toString();
        for (String[] args : List.of(
                new String[] {"translate", "--model", m, "--input-ids", "[5, 17"},
                new String[] {"translate", "--model", m, "--input-ids", "{\"ids\": [5]}"},
                new String[] {"translate", "--model", m, "--input-ids", "[]"},
                new String[] {"translate", "--model", m, "--input-ids", "[5, -1, 0]"},
                new String[] {"translate", "--model", m, "--input-ids", "[5, 1.5, 0]"},
                new String[] {"translate", "--model", m, "--input-ids", "[5, 1000, 0]"},
                new String[] {"translate", "--model", m, "Guten Tag"},
                new String[] {"translate", "--model", m, "--input-ids", "[5]", "Guten Tag"},
                new String[] {"translate", "--model", m, "--input-ids", "[5]", "--beam", "0"},
                new String[] {"translate", "--model", m, "--input-ids", "[5]", "--max-new-tokens", "100"},
                new String[] {"translate", "--model", GPT2.toString(), "--input-ids", "[5]"},
                new String[] {"translate", "--model", broken.toString(), "--input-ids", "[5, 0]"},
                new String[] {"translate", "--model", bart.toString(), "--input-ids", "[5, 0]"})) {
            WeightsCommandTest.Run r = WeightsCommandTest.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("t4j: ") && r.err().strip().lines().count() == 1, String.join(" ", args) + ": " + r.err());
            assertEquals("", r.out(), String.join(" ", args));
        }
        WeightsCommandTest.Run r = WeightsCommandTest.run("translate", "--model", m, "--input-ids", "[5, 1000, 0]");
        assertTrue(r.err().contains("input id 1000") && r.err().contains("0..999"), r.err());
        r = WeightsCommandTest.run("translate", "--model", bart.toString(), "--input-ids", "[5, 0]");
        assertTrue(r.err().contains("model_type 'bart' is not supported"), r.err());
        r = WeightsCommandTest.run("--verbose", "translate", "--model", broken.toString(), "--input-ids", "[5, 0]");
        assertEquals(2, r.code());
        assertTrue(r.err().lines().count() > 1 && r.err().contains("at org.transformer4j"), "--verbose shows the stack trace");
    }

    @Test
    void figureAndHelpKnowHuggingFaceFolders() {
        Path fig = dir.resolve("marian.json");
        WeightsCommandTest.Run f = WeightsCommandTest.run("figure", "--model", MARIAN.toString(), "-o", fig.toString());
        assertEquals(0, f.code(), f.err());
        assertTrue(Files.exists(fig));
        WeightsCommandTest.Run help = WeightsCommandTest.run("translate", "--help");
        assertEquals(0, help.code());
        String text = help.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("--input-ids") && text.contains("eos included when it was generated"), help.out());
        assertFalse(help.out().isBlank());
    }
}
