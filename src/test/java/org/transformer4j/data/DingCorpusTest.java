package org.transformer4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a few lines written for this test in the format of the TU Chemnitz dictionary (not the real data). */
class DingCorpusTest {
    private static final List<String> SAMPLE = List.of(
            "# Version :: test",
            "# a comment line",
            "",
            "Abend {m}; Abendzeit {f} [poet.] | Abende {pl} :: evening; eve [poet.] | evenings",
            "Haus {n} (Gebäude) | Häuser {pl} | das Haus verlassen :: house | houses | to leave the house",
            "neben {prp; +Dat.} :: next to; beside",
            "Wanze {f} [ugs.] <Abhörwanze> /W./ :: bug (hidden microphone) /B./",
            "(nur eine Anmerkung) :: (only a note)",
            "kein Trenner hier",
            "eins | zwei :: one",
            "offen ( Klammer :: open ( bracket",
            "Haus {n} :: house",
            "Er sagt (leise) , dass ... :: He says (quietly) , that ...");

    private static DingCorpus parse(List<String> lines, DingCorpus.Options options) {
        return DingCorpus.parse(lines.iterator(), options);
    }

    @Test
    void stripsAnnotationsAndAlignsPositions() {
        DingCorpus d = parse(SAMPLE, DingCorpus.Options.defaults());
        assertEquals(List.of(
                p("Abend", "evening"), p("Abend", "eve"), p("Abendzeit", "evening"), p("Abendzeit", "eve"),
                p("Abende", "evenings"),
                p("Haus", "house"), p("Häuser", "houses"), p("das Haus verlassen", "to leave the house"),
                p("neben", "next to"), p("neben", "beside"),
                p("Wanze", "bug"),
                p("Er sagt, dass ...", "He says, that ...")), d.pairs());
        assertEquals(List.of(4, 5, 6, 7, 13), d.entries().stream().map(DingCorpus.Entry::line).toList());
        assertEquals(new LoadReport(13, 2, 1, 3, 0, 1, 5, 12, 1), d.report());
    }

    @Test
    void firstPairingTakesTheFirstVariantOfEachSide() {
        DingCorpus d = parse(SAMPLE.subList(3, 4), DingCorpus.Options.defaults().withPairing(DingCorpus.Pairing.FIRST));
        assertEquals(List.of(p("Abend", "evening"), p("Abende", "evenings")), d.pairs());
    }

    @Test
    void longLinesKeepTheirLeadingPositionsThatFit() {
        String line = "eins | zwei | drei :: one | two | three";
        DingCorpus d = parse(List.of(line), DingCorpus.Options.defaults().withMaxLineChars(30));
        assertEquals(List.of(p("eins", "one")), d.pairs());
        assertEquals(1, d.report().truncated());
        assertEquals(3, parse(List.of(line), DingCorpus.Options.defaults()).pairs().size());
    }

    @Test
    void bracketsProtectSeparatorsAndMustBalance() {
        assertEquals(List.of("a {x; y}", " b"), DingCorpus.splitTopLevel("a {x; y}; b", ';'));
        assertEquals(List.of("a (b | c) [d]"), DingCorpus.splitTopLevel("a (b | c) [d]", '|'));
        assertNull(DingCorpus.splitTopLevel("a (b]", '|'));
        assertNull(DingCorpus.splitTopLevel("a )b(", '|'));
        assertEquals("to pigeonhole sth.", DingCorpus.clean(" to pigeonhole sth. [adm.] {vt} "));
        assertEquals("Abfallwirtschaftsgesetz", DingCorpus.clean("Abfallwirtschaftsgesetz {n} /AWG/"));
        assertEquals("an der Abendkasse/Abendkassa", DingCorpus.clean("an der Abendkasse/Abendkassa"));
    }

    @Test
    void splitsByEntryDeterministically() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            lines.add("Wort" + i + " {n} | Wörter" + i + " {pl} :: word" + i + " | words" + i);
        }
        DingCorpus d = parse(lines, DingCorpus.Options.defaults());
        Splits s = d.split(3, 0.1, 0.2);
        assertEquals(140, s.train().size());
        assertEquals(20, s.dev().size());
        assertEquals(40, s.test().size());
        Map<String, Integer> splitOf = new HashMap<>();
        List<List<TextPair>> parts = List.of(s.train(), s.dev(), s.test());
        for (int k = 0; k < 3; k++) {
            for (TextPair p : parts.get(k)) {
                String entry = p.target().replaceAll("\\D", "");
                Integer before = splitOf.put(entry, k);
                assertEquals(before == null ? k : before, k, "entry " + entry + " in two splits");
            }
        }
        assertEquals(s, d.split(3, 0.1, 0.2));
        assertNotEquals(s.test(), d.split(4, 0.1, 0.2).test());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.split(3, 0.6, 0.5));
        assertEquals("dev and test fractions must be non-negative with a sum of at most 1, got dev 0.6, test 0.5",
                e.getMessage());
    }

    @Test
    void loadsAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("de-en");
        Files.write(f, SAMPLE);
        assertEquals(parse(SAMPLE, DingCorpus.Options.defaults()).pairs(),
                DingCorpus.load(f, DingCorpus.Options.defaults()).pairs());
    }

    private static TextPair p(String de, String en) {
        return new TextPair(de, en);
    }
}
