package org.transformer4j.figure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.transformer4j.model.ExampleInputs;
import org.transformer4j.model.Models;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.nn.LayerSpec.AttentionKind;
import org.transformer4j.nn.LayerSpec.Positions;
import org.transformer4j.nn.Module;
import org.transformer4j.nn.NormPlacement;
import org.transformer4j.tensor.Rng;

/** The figure's structure, not its pixels: what the traced graph says about norm placement, repeats and connectivity. */
class TracedStructureTest {

    private static Figure figure(TransformerConfig c, Figure.Level level) {
        Module m = Models.build(c, new Rng(1));
        m.eval();
        return Figures.of(m, ExampleInputs.forward(m), level, Figures.Options.DEFAULT);
    }

    private static TransformerConfig paper(NormPlacement p) {
        return TransformerConfig.tinyPaper().withEncoderLayers(3).withDecoderLayers(2).withNormPlacement(p);
    }

    private static Map<String, List<String>> successors(Figure f) {
        return f.edges().stream().collect(Collectors.groupingBy(FigureEdge::from,
                Collectors.mapping(FigureEdge::to, Collectors.toList())));
    }

    private static Map<String, List<String>> predecessors(Figure f) {
        return f.edges().stream().collect(Collectors.groupingBy(FigureEdge::to,
                Collectors.mapping(FigureEdge::from, Collectors.toList())));
    }

    @Test
    void postLnEveryResidualAddFeedsANormAndTheStreamContinuesFromTheNorm() {
        Figure f = figure(paper(NormPlacement.POST), Figure.Level.OPS);
        Map<String, List<String>> next = successors(f);
        List<FigureNode> adds = f.nodes().stream().filter(n -> n.label().equals("residual add")).toList();
        assertEquals(2 * 3 + 3 * 2, adds.size(), "two residual adds per encoder layer, three per decoder layer");
        for (FigureNode add : adds) {
            List<String> consumers = next.get(add.id());
            assertEquals(1, consumers.size(), add.id() + " must feed only its norm, not the next sublayer");
            assertEquals("layer_norm", f.node(consumers.get(0)).kind(), add.id());
        }
    }

    @Test
    void preLnEverySublayerReadsAFreshNormAndEachStackEndsWithAFinalNorm() {
        Figure f = figure(paper(NormPlacement.PRE), Figure.Level.OPS);
        Map<String, List<String>> next = successors(f);
        Map<String, List<String>> prev = predecessors(f);
        for (FigureNode n : f.nodes()) {
            if (n.label().equals("QKV projection") || (n.label().equals("Q") && n.path().endsWith("multihead_attn"))) {
                // The sublayer's input comes (through its matmul) from a layer norm.
                assertTrue(upstreamKinds(f, prev, n.id(), 3).contains("layer_norm"), n.id() + " does not read a norm");
            }
            if (n.label().equals("residual add")) {
                assertTrue(next.get(n.id()).stream().anyMatch(s -> f.node(s).kind().equals("layer_norm")),
                        n.id() + ": the stream must go on to a fresh norm");
                assertTrue(next.get(n.id()).size() >= 2 || n.path().equals("encoder.layers.2")
                        || n.path().equals("decoder.layers.1"), n.id() + ": the residual stream also bypasses the norm");
            }
        }
        assertTrue(f.nodes().stream().anyMatch(n -> n.path().equals("encoder.norm") && n.kind().equals("layer_norm")));
        assertTrue(f.nodes().stream().anyMatch(n -> n.path().equals("decoder.norm") && n.kind().equals("layer_norm")));
    }

    private static Set<String> upstreamKinds(Figure f, Map<String, List<String>> prev, String id, int depth) {
        Set<String> kinds = new HashSet<>();
        Set<String> frontier = Set.of(id);
        for (int d = 0; d < depth; d++) {
            Set<String> nextFrontier = new HashSet<>();
            for (String x : frontier) {
                for (String p : prev.getOrDefault(x, List.of())) {
                    kinds.add(f.node(p).kind());
                    nextFrontier.add(p);
                }
            }
            frontier = nextFrontier;
        }
        return kinds;
    }

    @ParameterizedTest
    @EnumSource(NormPlacement.class)
    void paperLevelDrawsTheNormWhereTheModelPutsIt(NormPlacement p) {
        Figure f = figure(paper(p), Figure.Level.PAPER);
        long addAndNorm = f.nodes().stream().filter(n -> n.label().equals("Add & Norm")).count();
        long norms = f.nodes().stream().filter(n -> n.label().equals("Norm")).count();
        long adds = f.nodes().stream().filter(n -> n.label().equals("Add")).count();
        if (p == NormPlacement.POST) {
            assertEquals(2 + 3, addAndNorm, "one per sublayer of the drawn encoder and decoder layer");
            assertEquals(0, norms + adds);
        } else {
            assertEquals(0, addAndNorm);
            assertEquals(2 + 3 + 2, norms, "a norm before each sublayer plus each stack's final norm");
            assertEquals(2 + 3, adds);
        }
        Map<Integer, Long> repeats = f.groups().stream().filter(g -> g.repeat() > 1)
                .collect(Collectors.groupingBy(FigureGroup::repeat, Collectors.counting()));
        assertEquals(Map.of(3, 1L, 2, 1L), repeats, "\"N x\" must equal the config's layer counts");
        assertTrue(f.nodes().stream().anyMatch(n -> n.label().equals("Masked Multi-Head\nAttention")));
        assertTrue(f.nodes().stream().anyMatch(n -> n.label().equals("Outputs\n(shifted right)")));
        assertConnected(f);
    }

    @ParameterizedTest
    @EnumSource(Figure.Level.class)
    void everyNodeLiesOnAPathFromAnInputToAnOutput(Figure.Level level) {
        if (level == Figure.Level.NEURONS) {
            return; // covered by NeuronViewTest on a tiny model
        }
        for (TransformerConfig c : List.of(paper(NormPlacement.POST), TransformerConfig.tinyGpt(),
                TransformerConfig.tinyGpt().withPositions(Positions.ROPE).withKvHeads(2),
                TransformerConfig.tinyGpt().withAttention(AttentionKind.LINEAR).withPositions(Positions.SINUSOIDAL),
                TransformerConfig.miniLm().withHeads(4).withDModel(32).withDFF(64).withVocabSize(50).withEncoderLayers(2))) {
            assertConnected(figure(c, level));
        }
    }

    @Test
    void qkvEachHaveAnIncomingArrowAndIdsAreStable() {
        Figure a = figure(paper(NormPlacement.POST), Figure.Level.OPS);
        Figure b = figure(paper(NormPlacement.POST), Figure.Level.OPS);
        Map<String, List<String>> prev = predecessors(a);
        for (String qkv : List.of("Q", "K", "V")) {
            List<FigureNode> nodes = a.nodes().stream().filter(n -> n.label().equals(qkv)).toList();
            assertFalse(nodes.isEmpty(), qkv);
            nodes.forEach(n -> assertFalse(prev.getOrDefault(n.id(), List.of()).isEmpty(), n.id() + " has no input"));
        }
        assertEquals(a.nodes().stream().map(FigureNode::id).toList(), b.nodes().stream().map(FigureNode::id).toList());
        assertTrue(a.nodes().stream().filter(n -> n.path().equals("encoder.layers.0.self_attn") && !n.kind().equals("parameter"))
                .allMatch(n -> n.id().matches("encoder\\.layers\\.0\\.self_attn#\\d+")), "ids are module path # op index");
    }

    @Test
    void theDiffOfPostAndPreHighlightsTheNorms() {
        Figure post = figure(paper(NormPlacement.POST), Figure.Level.PAPER);
        Figure pre = figure(paper(NormPlacement.PRE), Figure.Level.PAPER);
        Figure d = FigureDiff.sideBySide(post, "Post-LN", pre, "Pre-LN");
        assertEquals(post.nodes().size() + pre.nodes().size(), d.nodes().size());
        assertEquals("diff-changed", d.node("a/encoder.layers.0.norm1").style());
        assertEquals("diff-added", d.node("b/encoder.norm").style());
        assertEquals("diff-added", d.node("b/encoder.layers.0#0").style());
        assertTrue(FigureDiff.differences(FigureDiff.sideBySide(post, "a", post, "b")) == 0, "a figure equals itself");
    }

    @Test
    void exportsOfATracedFigureRoundTripAndParametersAreInputsAtTheOpsLevel() {
        Figure f = figure(paper(NormPlacement.PRE), Figure.Level.OPS);
        assertEquals(DotWriter.write(f), DotWriter.write(DotReader.read(DotWriter.write(f))));
        assertEquals(GraphMlWriter.write(f), GraphMlWriter.write(GraphMlReader.read(GraphMlWriter.write(f))));
        assertEquals(FigureJson.write(f), FigureJson.write(FigureJson.read(FigureJson.write(f))));
        assertTrue(f.nodes().stream().anyMatch(n -> n.id().equals("param:encoder.layers.0.self_attn.in_proj_weight")));
        Module m = Models.build(paper(NormPlacement.PRE), new Rng(1));
        Figure hidden = Figures.of(m, ExampleInputs.forward(m), Figure.Level.OPS,
                new Figures.Options(Set.of(), Set.of(), false, ""));
        assertTrue(hidden.nodes().stream().noneMatch(n -> n.kind().equals("parameter")));
    }

    @Test
    void blocksCollapseRepeatsUnlessExpanded() {
        Module m = Models.build(paper(NormPlacement.POST), new Rng(1));
        Figure collapsed = Figures.of(m, ExampleInputs.forward(m), Figure.Level.BLOCKS, Figures.Options.DEFAULT);
        Figure open = Figures.of(m, ExampleInputs.forward(m), Figure.Level.BLOCKS,
                new Figures.Options(Set.of("encoder.layers"), Set.of("decoder.layers.1"), false, ""));
        assertTrue(collapsed.groups().stream().anyMatch(g -> g.path().equals("encoder.layers.0") && g.repeat() == 3));
        assertTrue(open.nodes().stream().anyMatch(n -> n.path().startsWith("encoder.layers.2")), "expanded: every layer drawn");
        assertTrue(open.node("decoder.layers.1") != null, "--collapse draws the module as one box");
        assertConnected(open);
    }

    /** Every node is reachable from a source (no incoming arrows) and reaches a sink that is an output. */
    static void assertConnected(Figure f) {
        Map<String, List<String>> next = successors(f);
        Map<String, List<String>> prev = predecessors(f);
        Set<String> sources = f.nodes().stream().map(FigureNode::id).filter(id -> !prev.containsKey(id)).collect(Collectors.toSet());
        Set<String> sinks = f.nodes().stream().map(FigureNode::id).filter(id -> !next.containsKey(id)).collect(Collectors.toSet());
        assertEquals(1, sinks.size(), f.level() + ": one output expected, sinks " + sinks);
        Set<String> fromInputs = reach(sources, next);
        Set<String> toOutput = reach(sinks, prev);
        for (FigureNode n : f.nodes()) {
            assertTrue(fromInputs.contains(n.id()) && toOutput.contains(n.id()), f.level() + ": " + n.id() + " is disconnected");
        }
    }

    static Set<String> reach(Set<String> start, Map<String, List<String>> adj) {
        Set<String> seen = new HashSet<>(start);
        ArrayDeque<String> q = new ArrayDeque<>(start);
        while (!q.isEmpty()) {
            for (String n : adj.getOrDefault(q.poll(), List.of())) {
                if (seen.add(n)) {
                    q.add(n);
                }
            }
        }
        return seen;
    }
}
