package org.transformer4j.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.transformer4j.autograd.Grad;
import org.transformer4j.model.ConfigJson;
import org.transformer4j.model.Decoding;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.Tokens;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tokenizer.Tokenizer;
import org.transformer4j.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code t4j translate}: translate with a trained run. */
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate TEXT (or each line of standard input) with a trained run.")
public final class TranslateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "A run folder from ./t4j demo or ./t4j train.")
    Path run;

    @Option(names = "--beam", defaultValue = "1", description = "Beam width; 1 is greedy (default: ${DEFAULT-VALUE}).")
    int beam;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "The text; without it, standard input line by line.")
    List<String> text;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (beam < 1 || beam > 64) {
            throw new IllegalArgumentException("--beam must be in 1..64, got " + beam);
        }
        for (String f : new String[] {"config.json", "tokenizer.json"}) {
            if (!Files.isRegularFile(run.resolve(f))) {
                throw new IllegalArgumentException(run + " is not a run folder (no " + f + ")");
            }
        }
        TransformerConfig config = ConfigJson.read(run.resolve("config.json"));
        Tokenizer tokenizer = Tokenizer.load(run.resolve("tokenizer.json"));
        EncoderDecoder model = new EncoderDecoder(config, new Rng(0));
        Path checkpoint = Checkpoint.latest(run).orElseThrow(() -> new IllegalArgumentException(run + " has no checkpoint"));
        Checkpoint.load(checkpoint, model, null);
        model.eval();
        PrintWriter w = spec.commandLine().getOut();
        if (text != null && !text.isEmpty()) {
            w.println(translate(model, tokenizer, String.join(" ", text), config));
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                w.println(line.isBlank() ? "" : translate(model, tokenizer, line.strip(), config));
                w.flush();
            }
        }
        w.flush();
        return 0;
    }

    private String translate(EncoderDecoder model, Tokenizer tokenizer, String line, TransformerConfig config) {
        int[] ids = tokenizer.encode(line);
        if (ids.length == 0) {
            return "";
        }
        int limit = config.maxPositions() - 1;
        if (ids.length > limit) {
            throw new IllegalArgumentException("input of " + ids.length + " tokens is longer than the model's " + limit);
        }
        try (Grad.Scope ignored = Grad.off()) {
            Tokens src = Tokens.of(ids);
            int[] out = beam == 1 ? Decoding.greedy(model, src, tokenizer.bos(), tokenizer.eos(), limit).get(0)
                    : Decoding.beam(model, src, tokenizer.bos(), tokenizer.eos(), limit, beam, 1.0).get(0);
            return tokenizer.decode(out);
        }
    }
}
