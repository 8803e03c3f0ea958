package org.transformer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.transformer4j.io.Json;
import org.transformer4j.model.ConfigJson;
import org.transformer4j.model.TransformerConfig;

/** {@code t4j presets}: the table, the JSON list, one preset's config, and an unknown name. */
class PresetsCommandTest {

    @Test
    void listsEveryPresetWithItsParameterCount() {
        WeightsCommandTest.Run r = WeightsCommandTest.run("presets");
        assertEquals(0, r.code(), r.err());
        for (String name : TransformerConfig.presetNames()) {
            assertTrue(r.out().contains(name), name);
        }
        assertTrue(r.out().contains("124.4M"), r.out()); // GPT-2 small
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonListParses() {
        WeightsCommandTest.Run r = WeightsCommandTest.run("presets", "--json");
        List<Map<String, Object>> list = (List<Map<String, Object>>) Json.parse(r.out());
        assertEquals(TransformerConfig.presetNames().size(), list.size());
        Map<String, Object> gpt2 = list.stream().filter(m -> m.get("name").equals("gpt2-124m")).findFirst().orElseThrow();
        assertEquals(124_439_808L, gpt2.get("parameters"));
        assertEquals("pre", gpt2.get("norm_placement"));
    }

    @Test
    void oneNamePrintsItsConfigAsJson() {
        WeightsCommandTest.Run r = WeightsCommandTest.run("presets", "paper-base");
        assertEquals(TransformerConfig.preset("paper-base"), ConfigJson.parse(r.out()));
    }

    @Test
    void anUnknownNameIsOneLineAndExitCode2() {
        WeightsCommandTest.Run r = WeightsCommandTest.run("presets", "gpt5");
        assertEquals(2, r.code());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().startsWith("t4j: unknown preset 'gpt5'"), r.err());
    }
}
