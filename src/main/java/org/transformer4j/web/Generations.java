package org.transformer4j.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.transformer4j.model.Decoding;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.Generation;
import org.transformer4j.model.GenerationConfig;
import org.transformer4j.model.Streaming;
import org.transformer4j.model.TextGeneration;
import org.transformer4j.model.TextGenerationConfig;
import org.transformer4j.model.Tokens;

/**
 * /api/generate (decoder-only models) and /api/translate (encoder-decoders): the request is checked on the
 * HTTP thread, decoded in a compute slot, and answered as one JSON object or, with {@code "stream": true}
 * (or {@code Accept: text/event-stream}), as Server-Sent Events: a {@code token} event per new id, then
 * {@code done} with the whole result, or {@code error}.
 */
final class Generations {
    static final List<String> GENERATE_FIELDS =
            List.of("prompt", "ids", "max_new_tokens", "temperature", "top_k", "top_p", "seed", "stream");
    static final List<String> TRANSLATE_FIELDS = List.of("text", "ids", "beam", "max_tokens", "stream");
    /** New tokens of a generate that does not say how many (capped by --max-new-tokens). */
    static final int DEFAULT_NEW_TOKENS = 32;

    private final Workbench wb;
    private final ServerLimits limits;
    private final Jobs jobs;

    /** How a checked request decodes: returns the new ids (no bos or eos), handing each to onToken when it can. */
    interface Decode {
        int[] run(IntPredicate onToken);
    }

    /** A checked request. */
    record Plan(int[] input, int maxNew, Decode decode, boolean stream, int beam) {
    }

    Generations(Workbench wb, ServerLimits limits, Jobs jobs) {
        this.wb = wb;
        this.limits = limits;
        this.jobs = jobs;
    }

    /** POST /api/generate. */
    void generate(HttpExchange ex) throws IOException {
        RequestJson req = RequestJson.parse(Http.body(ex, limits.maxBodyBytes()), GENERATE_FIELDS);
        DecoderOnly model = wb.decoderOnly("/api/generate");
        int positions = wb.config().maxPositions();
        int[] prompt = Inputs.read(req, "prompt", wb, limits, positions - 1);
        int maxNew = req.integer("max_new_tokens", Math.min(DEFAULT_NEW_TOKENS, limits.maxNewTokens()), 1,
                limits.maxNewTokens(), "--max-new-tokens");
        if (prompt.length + maxNew > positions) {
            throw ApiError.badRequest("the prompt's " + prompt.length + " tokens and max_new_tokens " + maxNew
                    + " exceed the model's " + positions + " positions");
        }
        Sampling sampling = Sampling.parse(req, wb.config().vocabSize());
        boolean stream = wantsStream(ex, req);
        respond(ex, new Plan(prompt, maxNew, decoderOnly(model, prompt, maxNew, sampling), stream, 1));
    }

    /**
     * How a decoder-only model continues a prompt: greedy settings stream {@link Streaming#greedy}; sampling
     * ones (temperature, top-k, top-p, seed) go through {@link TextGeneration}, whose eos is not returned.
     */
    private Decode decoderOnly(DecoderOnly model, int[] prompt, int maxNew, Sampling sampling) {
        int eos = wb.codec().eos();
        if (sampling.greedy()) {
            return onToken -> Streaming.greedy(model, prompt, maxNew, eos, onToken);
        }
        TextGenerationConfig config = sampling.config(maxNew, eos);
        return onToken -> {
            int[] ids = TextGeneration.generate(model, prompt, config, id -> id == eos || onToken.test(id)).ids();
            return ids.length > 0 && ids[ids.length - 1] == eos ? Arrays.copyOf(ids, ids.length - 1) : ids;
        };
    }

    /** POST /api/translate. */
    void translate(HttpExchange ex) throws IOException {
        RequestJson req = RequestJson.parse(Http.body(ex, limits.maxBodyBytes()), TRANSLATE_FIELDS);
        EncoderDecoder model = wb.encoderDecoder("/api/translate");
        int positions = wb.config().maxPositions();
        int[] source = Inputs.read(req, "text", wb, limits, positions - 1);
        int cap = Math.min(limits.maxNewTokens(), positions - 1);
        int maxTokens = req.integer("max_tokens", cap, 1, cap, "--max-new-tokens and the model's positions");
        int beam = req.integer("beam", 1, 1, limits.maxBeam(), "--max-beam");
        boolean stream = wantsStream(ex, req);
        GenerationConfig hf = wb.hfGeneration();
        Decode decode;
        if (hf != null) {
            // A Hugging Face Marian folder decodes as HF generate does (its bans and forced eos included).
            GenerationConfig g = hf.withNumBeams(beam).withMaxLength(1 + maxTokens);
            decode = onToken -> {
                int[] out = Generation.generate(model, Tokens.of(source), g).get(0);
                int end = out.length > 1 && out[out.length - 1] == g.eosTokenId() ? out.length - 1 : out.length;
                return Arrays.copyOfRange(out, 1, end);
            };
        } else {
            int bos = wb.codec().bos();
            int eos = wb.codec().eos();
            decode = beam == 1 ? onToken -> Streaming.greedy(model, source, bos, eos, maxTokens, onToken)
                    : onToken -> Decoding.beam(model, Tokens.of(source), bos, eos, maxTokens, beam, 1.0).get(0);
        }
        respond(ex, new Plan(source, maxTokens, decode, stream, beam));
    }

    private static boolean wantsStream(HttpExchange ex, RequestJson req) {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        return req.bool("stream", accept != null && accept.contains("text/event-stream"));
    }

    private void respond(HttpExchange ex, Plan plan) throws IOException {
        long t0 = System.nanoTime();
        if (!plan.stream()) {
            int[] out = jobs.run(stop -> {
                int[] ids = plan.decode().run(id -> !stop.now());
                if (stop.now()) {
                    throw jobs.timedOut();
                }
                return ids;
            });
            Http.json(ex, 200, result(plan, out, t0));
            return;
        }
        BlockingQueue<Integer> queue = new LinkedBlockingQueue<>();
        Jobs.Running<int[]> running = jobs.start(stop -> plan.decode().run(id -> {
            queue.add(id);
            return !stop.now();
        }));
        EventStream events;
        try {
            events = EventStream.open(ex);
        } catch (IOException e) {
            running.stop().cancel();
            throw e;
        }
        try {
            int[] sofar = new int[0];
            while (true) {
                Integer id = queue.poll(20, TimeUnit.MILLISECONDS);
                if (id != null) {
                    sofar = Arrays.copyOf(sofar, sofar.length + 1);
                    sofar[sofar.length - 1] = id;
                    events.send("token", new JsonOut().beginObject().name("id").value(id).name("token")
                            .value(wb.codec().label(id)).name("text").value(wb.codec().decode(sofar)).endObject().toString());
                } else if (running.result().isDone() && queue.isEmpty()) {
                    break;
                } else if (running.stop().remainingNanos() < 0) {
                    running.stop().cancel();
                    events.send("error", error(jobs.timedOut().getMessage()));
                    events.close();
                    return;
                }
            }
            int[] out;
            try {
                out = running.result().get();
            } catch (ExecutionException | CompletionException e) {
                RuntimeException r = Jobs.rethrow(e.getCause());
                events.send("error", error(r instanceof ApiError ? r.getMessage() : "internal error: " + r));
                events.close();
                return;
            }
            if (running.stop().now() && out.length < plan.maxNew()) {
                events.send("error", error(jobs.timedOut().getMessage()));
            } else {
                events.send("done", result(plan, out, t0));
            }
            events.close();
        } catch (IOException e) {
            running.stop().cancel();                       // the client went away: stop decoding
            throw e;
        } catch (InterruptedException e) {
            running.stop().cancel();
            Thread.currentThread().interrupt();
        }
    }

    private static String error(String message) {
        return new JsonOut().beginObject().name("error").value(message).endObject().toString();
    }

    private String result(Plan plan, int[] out, long t0) {
        JsonOut j = new JsonOut().beginObject();
        j.name("ids").ints(out);
        j.name("text").value(wb.codec().decode(out));
        j.name("tokens").beginArray();
        for (int id : out) {
            j.value(wb.codec().label(id));
        }
        j.endArray();
        j.name("input_tokens").value(plan.input().length);
        j.name("stop_reason").value(out.length < plan.maxNew() ? "eos" : "length");
        if (plan.beam() > 1) {
            j.name("beam").value(plan.beam());
        }
        j.name("elapsed_ms").value((System.nanoTime() - t0) / 1_000_000);
        return j.endObject().toString();
    }
}
