package org.transformer4j.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.transformer4j.autograd.Grad;
import org.transformer4j.inspect.AttentionMaps;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.EncoderOnly;
import org.transformer4j.model.Generation;
import org.transformer4j.model.GenerationConfig;
import org.transformer4j.model.Streaming;
import org.transformer4j.model.Tokens;
import org.transformer4j.tensor.Tensor;

/**
 * POST /api/attention: every attention map of one real forward pass ({@link AttentionMaps#capture}). An
 * encoder-decoder reads the text as its source and, as its target, its own greedy translation (or the
 * request's "target"), so there are encoder self-, decoder self- and cross-attention maps; other models
 * read the text as their one sequence.
 */
final class AttentionService {
    static final List<String> FIELDS = List.of("text", "ids", "target");
    /** The most attention weights one response may carry (all maps, heads, queries and keys together). */
    static final long MAX_VALUES = 2_000_000;
    private static final Pattern LAYER = Pattern.compile("layers\\.(\\d+)");

    private final Workbench wb;
    private final ServerLimits limits;
    private final Jobs jobs;

    AttentionService(Workbench wb, ServerLimits limits, Jobs jobs) {
        this.wb = wb;
        this.limits = limits;
        this.jobs = jobs;
    }

    /** The sequences the maps are drawn over, and the maps. */
    private record Captured(List<String> source, List<String> target, String output, List<AttentionMaps.Map> maps) {
    }

    void handle(HttpExchange ex) throws IOException {
        RequestJson req = RequestJson.parse(Http.body(ex, limits.maxBodyBytes()), FIELDS);
        int positions = wb.config().maxPositions();
        boolean encDec = wb.model() instanceof EncoderDecoder;
        int[] input = Inputs.read(req, "text", wb, limits, encDec ? positions - 1 : positions);
        String target = req.string("target");
        if (target != null && !encDec) {
            throw ApiError.badRequest("\"target\" is for encoder-decoder models; this one is " + wb.architecture());
        }
        int[] targetIds = null;
        if (target != null) {
            if (target.isBlank()) {
                throw ApiError.badRequest("\"target\" is empty");
            }
            targetIds = wb.codec().encode(target);
            int cap = Math.min(limits.maxNewTokens(), positions - 1);
            if (targetIds.length > cap) {
                throw ApiError.badRequest("\"target\" of " + targetIds.length + " tokens is longer than the limit of " + cap);
            }
            for (int id : targetIds) {
                if (id >= wb.config().vocabSize()) {
                    throw ApiError.badRequest("\"target\" holds id " + id + ", outside the target vocabulary");
                }
            }
        }
        int[] given = targetIds;
        Captured c = jobs.run(stop -> capture(input, given));
        long values = 0;
        for (AttentionMaps.Map m : c.maps()) {
            values += m.weights().size();
        }
        if (values > MAX_VALUES) {
            throw ApiError.badRequest("the attention maps of this input hold " + values + " weights, more than the limit of "
                    + MAX_VALUES + "; use a shorter input");
        }
        Http.json(ex, 200, write(c));
    }

    private Captured capture(int[] input, int[] target) {
        TextCodec codec = wb.codec();
        List<String> source = labels(input);
        try (Grad.Scope ignored = Grad.off()) {
            return switch (wb.model()) {
                case EncoderDecoder m -> {
                    int[] out = target != null ? target : translate(m, input);
                    int bos = wb.hfGeneration() != null ? wb.hfGeneration().decoderStartTokenId() : codec.bos();
                    int[] dec = new int[out.length + 1];
                    dec[0] = bos;
                    System.arraycopy(out, 0, dec, 1, out.length);
                    List<AttentionMaps.Map> maps = AttentionMaps.capture(() -> m.forward(Tokens.of(input), Tokens.of(dec)));
                    List<String> tgt = new ArrayList<>(labels(dec));
                    tgt.set(0, "<s>");
                    yield new Captured(source, tgt, codec.decode(out), maps);
                }
                case DecoderOnly m -> new Captured(source, null, null, AttentionMaps.capture(() -> m.forward(Tokens.of(input))));
                case EncoderOnly m -> new Captured(source, null, null,
                        AttentionMaps.capture(() -> m.forward(Tokens.of(input), null)));
                default -> throw ApiError.badRequest("no attention for a " + wb.model().getClass().getSimpleName());
            };
        }
    }

    private int[] translate(EncoderDecoder m, int[] input) {
        int cap = Math.min(limits.maxNewTokens(), wb.config().maxPositions() - 1);
        GenerationConfig hf = wb.hfGeneration();
        if (hf != null) {
            GenerationConfig g = hf.withNumBeams(1).withMaxLength(1 + cap);
            int[] out = Generation.generate(m, Tokens.of(input), g).get(0);
            int end = out.length > 1 && out[out.length - 1] == g.eosTokenId() ? out.length - 1 : out.length;
            return Arrays.copyOfRange(out, 1, end);
        }
        return Streaming.greedy(m, input, wb.codec().bos(), wb.codec().eos(), cap, id -> true);
    }

    private List<String> labels(int[] ids) {
        List<String> out = new ArrayList<>(ids.length);
        for (int id : ids) {
            out.add(wb.codec().label(id));
        }
        return out;
    }

    private String write(Captured c) {
        boolean encDec = c.target() != null;
        JsonOut j = new JsonOut().beginObject();
        j.name("architecture").value(wb.architecture());
        j.name("sequences").beginObject();
        j.name(encDec ? "source" : "tokens").strings(c.source());
        if (encDec) {
            j.name("target").strings(c.target());
        }
        j.endObject();
        if (c.output() != null) {
            j.name("output").value(c.output());
        }
        j.name("maps").beginArray();
        for (AttentionMaps.Map m : c.maps()) {
            String queries;
            String keys;
            if (!encDec) {
                queries = "tokens";
                keys = "tokens";
            } else {
                queries = m.kind() == AttentionMaps.Kind.SELF ? "source" : "target";
                keys = m.kind() == AttentionMaps.Kind.CAUSAL_SELF ? "target" : "source";
            }
            Matcher layer = LAYER.matcher(m.module());
            j.beginObject().name("module").value(m.module())
                    .name("kind").value(m.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .name("layer").value(layer.find() ? Integer.parseInt(layer.group(1)) : -1)
                    .name("queries").value(queries).name("keys").value(keys)
                    .name("heads").value(m.heads());
            j.name("weights").beginArray();
            for (int h = 0; h < m.heads(); h++) {
                Tensor w = m.head(0, h);                                  // (Tq, Tk)
                float[] v = w.toArray();
                int tk = w.dim(1);
                j.beginArray();
                for (int q = 0; q < w.dim(0); q++) {
                    j.beginArray();
                    for (int k = 0; k < tk; k++) {
                        j.rounded(v[q * tk + k]);
                    }
                    j.endArray();
                }
                j.endArray();
            }
            j.endArray().endObject();
        }
        return j.endArray().endObject().toString();
    }
}
