package org.transformer4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.transformer4j.tensor.Rng;

/**
 * German-English phrase pairs from the TU Chemnitz dictionary ("Ding" format, Debian package trans-de-en,
 * GPL-2+), split into train, dev and test by entry.
 *
 * <p>A line is one entry, {@code German :: English}. Each side lists '|'-separated positions that align one
 * to one (a headword, its plural, then phrases using it); within a position ';' separates variants.
 * Annotations are stripped: {@code {f}}, {@code {pl}}, {@code {vt}} (grammar), {@code [med.]}, {@code [Br.]}
 * (domain, region), {@code (...)} (explanations), {@code <...>} (search keys) and {@code /ABBR/}
 * (abbreviations). Separators inside brackets, as in {@code {prp; +Dat.}}, do not split. Each position
 * gives the pairs of its German and English variants (all combinations, or only the first of each);
 * a pair that occurred before is dropped, so no pair can sit in two splits.
 *
 * <pre>{@code
 * DingCorpus ding = DingCorpus.load(DataCache.standard(System.err::println).fetchDing(), Options.defaults());
 * System.err.println(ding.report().summary());
 * Splits s = ding.split(42, 0.01, 0.01);
 * }</pre>
 */
public final class DingCorpus {
    private static final Pattern ABBREVIATION = Pattern.compile("(?<=^|\\s)/[^/\\s]+/(?=\\s|$)");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern SPACE_BEFORE_PUNCTUATION = Pattern.compile(" (?=[,;:!?]|\\.(?!\\.))");

    /** Which variants of a position are paired. */
    public enum Pairing {
        /** Every German variant with every English variant. */
        ALL,
        /** The first German variant with the first English variant. */
        FIRST
    }

    /**
     * How lines are read.
     *
     * @param maxLineChars lines longer than this keep only their leading positions that fit
     * @param pairing which variants of a position are paired
     */
    public record Options(int maxLineChars, Pairing pairing) {
        public Options {
            if (maxLineChars < 1) {
                throw new IllegalArgumentException("maxLineChars must be positive, got " + maxLineChars);
            }
            java.util.Objects.requireNonNull(pairing, "pairing");
        }

        /** Lines up to 1000 characters, all variant pairs. */
        public static Options defaults() {
            return new Options(1000, Pairing.ALL);
        }

        public Options withMaxLineChars(int maxLineChars) {
            return new Options(maxLineChars, pairing);
        }

        public Options withPairing(Pairing pairing) {
            return new Options(maxLineChars, pairing);
        }
    }

    /** The phrase pairs of one dictionary line, numbered from 1 as in the file. */
    public record Entry(int line, List<TextPair> pairs) {
        public Entry {
            pairs = List.copyOf(pairs);
        }
    }

    private final List<Entry> entries;
    private final LoadReport report;

    private DingCorpus(List<Entry> entries, LoadReport report) {
        this.entries = List.copyOf(entries);
        this.report = report;
    }

    /** Reads a dictionary file (UTF-8). */
    public static DingCorpus load(Path file, Options options) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(in.lines().iterator(), options);
        } catch (java.io.UncheckedIOException e) {
            throw new IOException("cannot read " + file + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Parses dictionary lines. */
    public static DingCorpus parse(Iterator<String> lines, Options options) {
        int total = 0;
        int comments = 0;
        int blank = 0;
        int malformed = 0;
        int truncated = 0;
        int empty = 0;
        int duplicates = 0;
        Set<TextPair> seen = new HashSet<>();
        List<Entry> entries = new ArrayList<>();
        while (lines.hasNext()) {
            String line = lines.next();
            total++;
            if (line.isBlank()) {
                blank++;
                continue;
            }
            if (line.startsWith("#")) {
                comments++;
                continue;
            }
            String[] sides = line.split("::", -1);
            List<String> de = sides.length == 2 ? splitTopLevel(sides[0], '|') : null;
            List<String> en = sides.length == 2 ? splitTopLevel(sides[1], '|') : null;
            if (de == null || en == null || de.size() != en.size()) {
                malformed++;
                continue;
            }
            int positions = de.size();
            if (line.length() > options.maxLineChars()) {
                truncated++;
                int used = 0;
                positions = 0;
                while (positions < de.size()) {
                    used += de.get(positions).length() + en.get(positions).length() + 6; // " | " on each side
                    if (used > options.maxLineChars()) {
                        break;
                    }
                    positions++;
                }
            }
            List<TextPair> pairs = new ArrayList<>();
            boolean any = false;
            for (int i = 0; i < positions; i++) {
                List<String> dv = variants(de.get(i));
                List<String> ev = variants(en.get(i));
                if (dv == null || ev == null) {
                    continue;
                }
                if (options.pairing() == Pairing.FIRST && !dv.isEmpty() && !ev.isEmpty()) {
                    dv = dv.subList(0, 1);
                    ev = ev.subList(0, 1);
                }
                for (String d : dv) {
                    for (String e : ev) {
                        TextPair p = new TextPair(d, e);
                        any = true;
                        if (seen.add(p)) {
                            pairs.add(p);
                        } else {
                            duplicates++;
                        }
                    }
                }
            }
            if (!pairs.isEmpty()) {
                entries.add(new Entry(total, pairs));
            } else if (!any) {
                empty++;
            }
        }
        LoadReport report = new LoadReport(total, comments, blank, malformed, truncated, empty, entries.size(),
                seen.size(), duplicates);
        return new DingCorpus(entries, report);
    }

    /** The entries that gave at least one new pair, in file order. */
    public List<Entry> entries() {
        return entries;
    }

    /** What loading did. */
    public LoadReport report() {
        return report;
    }

    /** Every pair, in file order. */
    public List<TextPair> pairs() {
        List<TextPair> out = new ArrayList<>();
        entries.forEach(e -> out.addAll(e.pairs()));
        return out;
    }

    /**
     * Splits by entry: a seeded shuffle of the entries gives round(devFraction x entries) to dev,
     * round(testFraction x entries) to test and the rest to train; each split keeps file order.
     */
    public Splits split(long seed, double devFraction, double testFraction) {
        if (!(devFraction >= 0 && testFraction >= 0 && devFraction + testFraction <= 1)) {
            throw new IllegalArgumentException("dev and test fractions must be non-negative with a sum of at most 1,"
                    + " got dev " + devFraction + ", test " + testFraction);
        }
        int n = entries.size();
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        Rng rng = new Rng(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int nTest = (int) Math.round(testFraction * n);
        int nDev = Math.min(n - nTest, (int) Math.round(devFraction * n));
        int[] split = new int[n]; // 0 train, 1 dev, 2 test
        for (int k = 0; k < n; k++) {
            split[order[k]] = k < nTest ? 2 : k < nTest + nDev ? 1 : 0;
        }
        List<List<TextPair>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < n; i++) {
            parts.get(split[i]).addAll(entries.get(i).pairs());
        }
        return new Splits(parts.get(0), parts.get(1), parts.get(2));
    }

    /** The cleaned, non-empty variants of one position, or null when its brackets do not balance. */
    static List<String> variants(String position) {
        List<String> raw = splitTopLevel(position, ';');
        if (raw == null) {
            return null;
        }
        List<String> out = new ArrayList<>(raw.size());
        for (String r : raw) {
            String c = clean(r);
            if (!c.isEmpty() && !out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** text without annotations, with single spaces and no space before punctuation. */
    static String clean(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        int depth = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isOpen(c)) {
                depth++;
            } else if (isClose(c)) {
                depth = Math.max(0, depth - 1);
                sb.append(' ');
            } else if (depth == 0) {
                sb.append(c);
            }
        }
        String s = ABBREVIATION.matcher(sb).replaceAll(" ");
        s = SPACES.matcher(s).replaceAll(" ").strip();
        return SPACE_BEFORE_PUNCTUATION.matcher(s).replaceAll("");
    }

    /** text split at sep outside brackets, or null when its brackets do not balance. */
    static List<String> splitTopLevel(String text, char sep) {
        List<String> parts = new ArrayList<>();
        StringBuilder stack = new StringBuilder();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isOpen(c)) {
                stack.append(closer(c));
            } else if (isClose(c)) {
                if (stack.isEmpty() || stack.charAt(stack.length() - 1) != c) {
                    return null;
                }
                stack.setLength(stack.length() - 1);
            } else if (c == sep && stack.isEmpty()) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        if (!stack.isEmpty()) {
            return null;
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static boolean isOpen(char c) {
        return c == '(' || c == '[' || c == '{' || c == '<';
    }

    private static boolean isClose(char c) {
        return c == ')' || c == ']' || c == '}' || c == '>';
    }

    private static char closer(char open) {
        return switch (open) {
            case '(' -> ')';
            case '[' -> ']';
            case '{' -> '}';
            default -> '>';
        };
    }
}
