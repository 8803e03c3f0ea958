package org.transformer4j.figure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.transformer4j.model.Models;
import org.transformer4j.nn.Activation;
import org.transformer4j.nn.LayerSpec.AttentionKind;
import org.transformer4j.nn.LayerSpec.Positions;
import org.transformer4j.nn.Module;
import org.transformer4j.nn.NormLayer;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.model.DecoderOnly;
import org.transformer4j.model.EncoderDecoder;
import org.transformer4j.model.ExampleInputs;
import org.transformer4j.model.Tokens;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

/** The neurons level of a traced tiny model: units and weights of linear maps, attention edges, connectivity. */
class NeuronViewTest {
    private static final Pattern HEAD_NODE = Pattern.compile("(.*):head(\\d+):(key|query)(\\d+)");

    private static TransformerConfig tiny(TransformerConfig preset) {
        return preset.withHeads(2).withDModel(8).withDFF(16).withVocabSize(10).withDropout(0f).withMaxPositions(8);
    }

    private static Trace tinyGptTrace() {
        DecoderOnly model = new DecoderOnly(tiny(TransformerConfig.tinyGpt()).withDecoderLayers(1), new Rng(1));
        model.eval();
        return Trace.of(model, () -> model.forward(Tokens.of(1, 2, 3)).softmax(-1));
    }

    private static Map<String, List<String>> successors(Figure f) {
        return f.edges().stream().collect(Collectors.groupingBy(FigureEdge::from,
                Collectors.mapping(FigureEdge::to, Collectors.toList())));
    }

    private static Map<String, List<String>> predecessors(Figure f) {
        return f.edges().stream().collect(Collectors.groupingBy(FigureEdge::to,
                Collectors.mapping(FigureEdge::from, Collectors.toList())));
    }

    private static Set<String> reachable(Set<String> start, Map<String, List<String>> next) {
        return TracedStructureTest.reach(start, next);
    }

    /** The first matmul traced in a module path, as NeuronView names its units. */
    private static String matmulIn(Trace t, String pathSuffix) {
        return t.ops().stream().filter(o -> o.path().endsWith(pathSuffix) && o.op().equals("matmul"))
                .findFirst().orElseThrow().id();
    }

    @Test
    void theFirstFeedForwardLinearHasEveryWeightAsAnEdgeLabelledWithItsValue() {
        Trace t = tinyGptTrace();
        Figure f = NeuronView.build(t, "tiny");
        String linear1 = matmulIn(t, "feed_forward.linear1");
        List<FigureEdge> weights = f.edges().stream()
                .filter(e -> e.from().startsWith(linear1 + ":in:") && e.to().startsWith(linear1 + ":out:")).toList();
        assertEquals(8 * 16, weights.size());
        assertEquals(8 * 16, weights.stream().map(e -> e.from() + e.to()).distinct().count(), "each (in, out) pair once");
        Tensor w = t.ops().stream().filter(o -> o.id().equals(linear1)).findFirst().orElseThrow().inputs().get(1).value();
        for (FigureEdge e : weights) {
            int j = Integer.parseInt(e.from().substring(e.from().lastIndexOf(':') + 1));
            int i = Integer.parseInt(e.to().substring(e.to().lastIndexOf(':') + 1));
            assertEquals(NeuronView.round(w.get(j, i)), e.label(), e.from() + " -> " + e.to());
        }
        assertEquals(8, f.nodes().stream().filter(n -> n.id().startsWith(linear1 + ":in:")).count());
        assertEquals(16, f.nodes().stream().filter(n -> n.id().startsWith(linear1 + ":out:")).count());
        assertEquals(Figure.Level.NEURONS, f.level());
    }

    @Test
    void attentionEdgesAreCausalAndEachQuerysWeightsSumToOne() {
        Trace t = tinyGptTrace();
        Figure f = NeuronView.build(t, "tiny");
        Trace.Op softmax = t.ops().stream().filter(o -> "attention weights".equals(o.name())).findFirst().orElseThrow();
        Tensor a = softmax.output().value();                       // (1, heads, 3, 3)
        Map<String, Double> sums = new HashMap<>();
        int count = 0;
        for (FigureEdge e : f.edges()) {
            Matcher from = HEAD_NODE.matcher(e.from());
            Matcher to = HEAD_NODE.matcher(e.to());
            if (!from.matches() || !to.matches()) {
                continue;
            }
            count++;
            assertEquals("key", from.group(3), e.from());
            assertEquals("query", to.group(3), e.to());
            assertEquals(from.group(2), to.group(2), "attention stays within its head");
            int h = Integer.parseInt(to.group(2));
            int key = Integer.parseInt(from.group(4));
            int query = Integer.parseInt(to.group(4));
            assertTrue(key <= query, "causal: key " + key + " -> query " + query);
            float w = a.get(0, h, query, key);
            assertEquals(NeuronView.round(w), e.label());
            sums.merge(e.to(), (double) w, Double::sum);
        }
        assertEquals(2 * (1 + 2 + 3), count, "2 heads, causal lower triangle of 3 positions");
        assertEquals(2 * 3, sums.size(), "every query of every head has incoming attention");
        sums.forEach((q, s) -> assertEquals(1.0, s, 1e-4, q));
        String path = softmax.path();
        for (int h = 0; h < 2; h++) {
            assertNotNull(f.node(path + ":head" + h + ":query2"));
            Set<String> feeding = new HashSet<>(predecessors(f).get(path + ":head" + h + ":query2"));
            assertTrue(feeding.stream().anyMatch(n -> n.contains(":out:")), "the drawn Q units feed query 2 of head " + h);
            assertTrue(successors(f).get(path + ":head" + h + ":query2").stream().anyMatch(n -> n.contains("out_proj")),
                    "the last query feeds the output projection");
        }
    }

    @Test
    void everyNodeLiesOnAPathFromASourceToASink() {
        Trace t = tinyGptTrace();
        Figure f = NeuronView.build(t, "tiny");
        assertConnected(f, t);
        assertTrue(f.node("#0:out:9") != null, "the output softmax over the 10 tokens is drawn");
    }

    @Test
    void anEncoderDecoderIsDrawnWithCrossAttentionFromTheSourcePositions() {
        EncoderDecoder model = new EncoderDecoder(tiny(TransformerConfig.tinyPaper()).withEncoderLayers(1)
                .withDecoderLayers(1).withSourceVocabSize(10), new Rng(2));
        model.eval();
        Trace t = Trace.of(model, ExampleInputs.forward(model));
        Figure f = Figures.of(t, Figure.Level.NEURONS, Figures.Options.DEFAULT.withTitle("tiny paper"));
        assertEquals(Figure.Level.NEURONS, f.level());
        Trace.Op cross = t.ops().stream().filter(o -> "attention weights".equals(o.name())
                && o.path().endsWith("multihead_attn")).findFirst().orElseThrow();
        int source = ExampleInputs.SOURCE_LENGTH;
        int target = ExampleInputs.TARGET_LENGTH;
        for (int k = 0; k < source; k++) {
            assertNotNull(f.node(cross.path() + ":head0:key" + k), "cross-attention keys are source positions");
        }
        long crossEdges = f.edges().stream().filter(e -> e.from().startsWith(cross.path() + ":head")
                && e.to().startsWith(cross.path() + ":head")).count();
        assertEquals(2L * source * target, crossEdges, "no mask between source and target: every pair");
        Set<String> upstream = reachable(Set.of(cross.path() + ":head0:key" + (source - 1)), predecessors(f));
        assertTrue(upstream.stream().anyMatch(n -> n.startsWith("encoder.")), "K and V of the last source position "
                + "come from the encoder's units");
        assertTrue(upstream.stream().noneMatch(n -> n.startsWith("decoder.embed") || n.startsWith("tgt")),
                "and not from the target side: " + upstream);
        assertConnected(f, t);
    }

    static Stream<TransformerConfig> variants() {
        TransformerConfig gpt = tiny(TransformerConfig.tinyGpt());
        return Stream.of(gpt, gpt.withPositions(Positions.ROPE), gpt.withPositions(Positions.ALIBI),
                gpt.withKvHeads(1), gpt.withGatedFeedForward(true).withActivation(Activation.SILU),
                gpt.withNorm(NormLayer.Kind.RMS_NORM), gpt.withNormPlacement(NormPlacement.POST).withFinalNorm(false),
                gpt.withAttention(AttentionKind.LINEAR), gpt.withTieOutput(false),
                tiny(TransformerConfig.tinyPaper()).withSourceVocabSize(10).withTieOutput(false)
                        .withPositions(Positions.SINUSOIDAL_CONCAT).withPositionalDim(4),
                tiny(TransformerConfig.miniLm()).withEncoderLayers(1).withTokenTypes(2));
    }

    /** Position schemes, grouped queries, gates, norms, linear attention, encoder-only: all drawn and connected. */
    @ParameterizedTest
    @MethodSource("variants")
    void everyVariantIsDrawnConnected(TransformerConfig c) {
        Module model = Models.build(c, new Rng(3));
        model.eval();
        Trace t = Trace.of(model, ExampleInputs.forward(model));
        Figure f = Figures.of(t, Figure.Level.NEURONS, Figures.Options.DEFAULT);
        assertTrue(f.edges().stream().anyMatch(e -> e.label() != null && e.label().matches("-?\\d+\\.\\d\\d")));
        assertConnected(f, t);
    }

    @Test
    void groupsFollowModulePaths() {
        Trace t = tinyGptTrace();
        Figure f = NeuronView.build(t, "tiny");
        Set<String> inGroups = new HashSet<>();
        for (FigureGroup g : f.groups()) {
            assertEquals("group:" + g.path(), g.id());
            assertEquals(1, g.repeat());
            assertTrue(g.label().endsWith(g.path().substring(g.path().lastIndexOf('.') + 1)), g.label());
            inGroups.addAll(g.children());
        }
        for (FigureNode n : f.nodes()) {
            assertEquals(n.path().isEmpty(), !inGroups.contains(n.id()), n.id());
            if (!n.path().isEmpty()) {
                assertTrue(f.groups().stream().anyMatch(g -> g.path().equals(n.path()) && g.children().contains(n.id())),
                        n.id() + " sits in the group of its module");
            }
        }
        assertTrue(f.groups().stream().anyMatch(g -> g.label().equals("MultiHeadAttention self_attn")));
    }

    @Test
    void aModelWiderThanSixteenIsRefusedWithItsWidth() {
        TransformerConfig c = TransformerConfig.tinyGpt().withVocabSize(10).withDecoderLayers(1).withMaxPositions(8);
        DecoderOnly model = new DecoderOnly(c, new Rng(1));
        model.eval();
        Trace t = Trace.of(model, () -> model.forward(Tokens.of(1, 2, 3)).softmax(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Figures.of(t, Figure.Level.NEURONS, Figures.Options.DEFAULT));
        assertTrue(e.getMessage().contains("16") && e.getMessage().contains("64"), e.getMessage());
    }

    /**
     * Every node is reached from a source and reaches a sink, and the ends are what they should be:
     * sources are embedding units or key positions that are not drawn as units, sinks are the output's
     * units or query positions that are not drawn as units.
     */
    private static void assertConnected(Figure f, Trace t) {
        String outputPrefix = t.ops().reversed().stream().map(o -> o.id() + ":")
                .filter(p -> f.nodes().stream().anyMatch(n -> n.id().startsWith(p))).findFirst().orElseThrow();
        Map<String, List<String>> next = successors(f);
        Map<String, List<String>> prev = predecessors(f);
        Set<String> sources = f.nodes().stream().map(FigureNode::id).filter(id -> !prev.containsKey(id))
                .collect(Collectors.toSet());
        Set<String> sinks = f.nodes().stream().map(FigureNode::id).filter(id -> !next.containsKey(id))
                .collect(Collectors.toSet());
        Set<String> fromSource = reachable(sources, next);
        Set<String> toSink = reachable(sinks, prev);
        for (FigureNode n : f.nodes()) {
            assertTrue(fromSource.contains(n.id()), n.id() + " is not reached from any source");
            assertTrue(toSink.contains(n.id()), n.id() + " reaches no sink");
        }
        for (String s : sources) {
            assertTrue(Set.of("embedding", "constant").contains(f.node(s).kind()) || s.matches(".*:head\\d+:key\\d+"), "source " + s);
        }
        for (String s : sinks) {
            assertTrue(s.startsWith(outputPrefix) || s.matches(".*:head\\d+:query\\d+"), "sink " + s);
        }
        assertTrue(sinks.stream().anyMatch(s -> s.startsWith(outputPrefix)), "the output's units are drawn");
    }
}
