package org.transformer4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BERT's WordPiece (all-MiniLM-L6-v2's tokenizer.json) against HF tokenizers on 2000 random texts of many scripts
 * with control, format, private-use and unassigned code points and every kind of whitespace
 * (tools/make_wordpiece_fixture.py): the ids must be equal.
 */
class WordPieceUnicodeTest {

    @Test
    void randomUnicodeTextGivesHfTokenizersIds() {
        PretrainedTokenizer t = TokenizerFixtures.miniLm();
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (String line : TokenizerFixtures.gunzip("/fixtures/wordpiece-unicode.jsonl.gz").split("\n")) {
            Map<String, Object> json = TokenizerJson.parseObject(line.getBytes(StandardCharsets.UTF_8), true);
            if (!json.containsKey("text")) {
                continue;                                                   // the header line
            }
            n++;
            String text = TokenizerJson.string(json, "text");
            int[] expected = TokenizerJson.array(json, "ids").stream().mapToInt(o -> TokenizerJson.integer(o, "id")).toArray();
            int[] got = t.encode(text);
            if (!Arrays.equals(expected, got)) {
                failures.add(TokenizerJson.quote(text) + ": expected " + Arrays.toString(expected) + " got " + Arrays.toString(got));
            }
        }
        assertTrue(n == 2000, "texts: " + n);
        assertTrue(failures.isEmpty(), failures.size() + " texts differ, e.g.\n"
                + String.join("\n", failures.subList(0, Math.min(5, failures.size()))));
    }
}
