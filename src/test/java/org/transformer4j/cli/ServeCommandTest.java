package org.transformer4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code t4j serve} as a real process: it prints where it listens, serves, and refuses bad options with exit code 2. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void servesAPresetAndPrintsWhereItListens() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "org.transformer4j.cli.Main", "serve", "--preset", "tiny-gpt", "--port", "0", "--max-new-tokens", "7"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            Matcher m = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+))").matcher(line == null ? "" : line);
            assertTrue(m.matches(), "first line: " + line);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/api/health"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertTrue(health.body().contains("\"model\":\"tiny-gpt\""), health.body());
            HttpResponse<String> tooMany = client.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/api/generate"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"a\", \"max_new_tokens\": 8}"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(400, tooMany.statusCode(), "--max-new-tokens 7 is the limit: " + tooMany.body());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "serve stops on SIGTERM");
        }
    }

    @Test
    void badOptionsAreOneLineWithExitCode2() {
        for (String[] args : List.of(
                new String[] {"serve", "--preset", "no-such-preset", "--port", "0"},
                new String[] {"serve", "--model", dir.resolve("none").toString(), "--port", "0"},
                new String[] {"serve", "--preset", "tiny-gpt", "--port", "70000"},
                new String[] {"serve", "--preset", "tiny-gpt", "--port", "0", "--max-concurrent", "0"},
                new String[] {"serve", "--preset", "tiny-gpt", "--port", "0", "--timeout", "-1"},
                new String[] {"serve", "--preset", "tiny-gpt", "--port", "0", "--run", dir.resolve("none").toString()},
                new String[] {"serve", "--preset", "tiny-gpt", "--model", dir.toString()})) {
            WeightsCommandTest.Run r = WeightsCommandTest.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().startsWith("t4j: ") && r.err().strip().lines().count() <= 2, r.err());
        }
    }
}
