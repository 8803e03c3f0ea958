package org.transformer4j.data;

/**
 * What loading a corpus did with its lines: how many were read, skipped (and why), truncated, and how many
 * phrase pairs were kept.
 *
 * @param lines every line read
 * @param comments lines starting with '#'
 * @param blank empty or all-space lines
 * @param malformed skipped lines: no single "::", unbalanced brackets, or sides with different numbers of
 *     '|' positions
 * @param truncated lines longer than the limit, cut to their leading '|' positions that fit
 * @param empty well-formed lines that left no phrase pair after annotations were stripped
 * @param entries lines that gave at least one new phrase pair
 * @param pairs distinct phrase pairs kept
 * @param duplicates phrase pairs dropped because an earlier line gave them already
 */
public record LoadReport(int lines, int comments, int blank, int malformed, int truncated, int empty, int entries,
        int pairs, int duplicates) {

    /** One line for logs. */
    public String summary() {
        return lines + " lines: " + entries + " entries, " + pairs + " phrase pairs (" + duplicates
                + " duplicates dropped); skipped " + comments + " comments, " + blank + " blank, " + malformed
                + " malformed, " + empty + " empty; truncated " + truncated;
    }
}
