package org.transformer4j.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.transformer4j.io.Json;
import org.transformer4j.tokenizer.PretrainedTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code t4j tokenize}: the token ids of a text, or of each line of a JSONL file, as JSON arrays. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Print the token ids of TEXT as a JSON array, or with --jsonl one array",
            "per {\"text\": ...} line. The tokenizer: a tokenizer.json (GPT-2 byte-level",
            "BPE or BERT WordPiece), a folder with one or with GPT-2's vocab.json and",
            "merges.txt, a SentencePiece model (*.model, *.spm), an Opus-MT folder",
            "(source.spm, target.spm, vocab.json), or a run folder of ./t4j train."})
public final class TokenizeCommand implements Callable<Integer> {

    @Option(names = "--tokenizer", required = true, paramLabel = "DIR|FILE",
            description = "The tokenizer's folder or file.")
    Path tokenizerPath;

    @Option(names = "--jsonl", paramLabel = "FILE",
            description = "Read lines {\"text\": ...} from FILE ('-' for standard input); blank lines are skipped.")
    String jsonl;

    @Option(names = "--no-special-tokens",
            description = "Tokenize text such as <|endoftext|> or [SEP] as ordinary text and add no [CLS]/[SEP]"
                    + " (what gpt-3-encoder computes for GPT-2).")
    boolean ordinary;

    @Parameters(arity = "0..1", paramLabel = "TEXT", description = "The text (use -- before a text that starts with -).")
    String text;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if ((text == null) == (jsonl == null)) {
            throw new IllegalArgumentException("give either TEXT or --jsonl FILE" + (text != null ? ", not both" : ""));
        }
        PretrainedTokenizer tokenizer = PretrainedTokenizer.load(tokenizerPath);
        PrintWriter w = spec.commandLine().getOut();
        if (text != null) {
            w.println(ids(tokenizer, text));
            w.flush();
            return 0;
        }
        if (!jsonl.equals("-") && !Files.isRegularFile(Path.of(jsonl))) {
            throw new IllegalArgumentException(jsonl + ": no such file");
        }
        try (BufferedReader in = jsonl.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(jsonl), StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                w.println(ids(tokenizer, textOf(line, lineNumber)));
            }
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IllegalArgumentException(jsonl + ": not UTF-8 text");
        }
        w.flush();
        return 0;
    }

    private String textOf(String line, int lineNumber) {
        Object value;
        try {
            value = Json.parse(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(jsonl + " line " + lineNumber + ": " + e.getMessage(), e);
        }
        if (!(value instanceof Map<?, ?> m) || !(m.get("text") instanceof String s)) {
            throw new IllegalArgumentException(jsonl + " line " + lineNumber + ": expected an object with a \"text\" string");
        }
        return s;
    }

    private String ids(PretrainedTokenizer tokenizer, String s) {
        int[] ids = ordinary ? tokenizer.encodeOrdinary(s) : tokenizer.encode(s);
        StringBuilder sb = new StringBuilder(ids.length * 6 + 2).append('[');
        for (int i = 0; i < ids.length; i++) {
            sb.append(i == 0 ? "" : ",").append(ids[i]);
        }
        return sb.append(']').toString();
    }
}
