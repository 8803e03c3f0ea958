package org.transformer4j.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The branches that need no network; apt-get is never run here. */
class DataCacheTest {

    @Test
    void cacheFolderComesFromT4jCacheElseTheHomeFolder() {
        assertEquals(Path.of("/data/t4j"), DataCache.resolveDir(Map.of("T4J_CACHE", "/data/t4j"), "/home/ada"));
        assertEquals(Path.of("/home/ada/.cache/transformer4j"), DataCache.resolveDir(Map.of(), "/home/ada"));
        assertEquals(Path.of("/home/ada/.cache/transformer4j"),
                DataCache.resolveDir(Map.of("T4J_CACHE", " "), "/home/ada"));
        assertThrows(IllegalArgumentException.class, () -> DataCache.resolveDir(Map.of(), null));
    }

    @Test
    void usesTheInstalledDictionaryWhenPresent(@TempDir Path dir) throws Exception {
        Path installed = dir.resolve("de-en");
        Files.writeString(installed, "Haus {n} :: house\n");
        List<String> log = new ArrayList<>();
        DataCache cache = new DataCache(dir.resolve("cache"), log::add, List.of());
        assertEquals(installed, cache.fetchDing(installed));
        assertEquals(List.of("using the installed dictionary " + installed), log);
    }

    @Test
    void usesTheCachedCopyWithoutAnyTools(@TempDir Path dir) throws Exception {
        Path cached = dir.resolve("trans-de-en/usr/share/trans/de-en");
        Files.createDirectories(cached.getParent());
        Files.writeString(cached, "Haus {n} :: house\n");
        List<String> log = new ArrayList<>();
        DataCache cache = new DataCache(dir, log::add, List.of());
        assertEquals(cached, cache.fetchDing(dir.resolve("missing")));
        assertEquals(List.of("using the cached dictionary " + cached), log);
    }

    @Test
    void missingToolsFailWithOneLine(@TempDir Path dir) {
        DataCache cache = new DataCache(dir, s -> { }, List.of(dir.resolve("bin")));
        IOException e = assertThrows(IOException.class, () -> cache.fetchDing(dir.resolve("missing")));
        assertEquals("cannot fetch the German-English dictionary: apt-get is not on the PATH; install the Debian"
                + " package trans-de-en or put its de-en file at " + dir.resolve("trans-de-en/usr/share/trans/de-en"),
                e.getMessage());
        assertTrue(Files.notExists(dir.resolve("trans-de-en")));
    }

    @Test
    void searchPathIsSplitOnTheSeparator() {
        assertEquals(List.of(Path.of("/usr/bin"), Path.of("/bin")), DataCache.pathOf("/usr/bin::/bin"));
        assertEquals(List.of(), DataCache.pathOf(null));
    }
}
