package org.transformer4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transformer4j.io.SafeTensorsFile;
import org.transformer4j.io.TensorEntry;
import org.transformer4j.model.ConfigJson;
import org.transformer4j.model.Models;
import org.transformer4j.model.TransformerConfig;
import org.transformer4j.nn.Module;
import org.transformer4j.tensor.Rng;
import org.transformer4j.tensor.Tensor;

class CheckpointTest {
    @TempDir
    Path run;

    private static void assertSameValues(Module want, Module got) {
        Map<String, Tensor> w = want.stateDict();
        got.stateDict().forEach((k, t) -> assertArrayEquals(w.get(k).toArray(), t.toArray(), k));
    }

    @Test
    void roundTripOfARealModelRestoresModelOptimizerAndStateExactly() throws IOException {
        TransformerConfig config = TransformerConfig.tinyGpt();
        Module model = Models.build(config, new Rng(1));
        AdamW opt = AdamW.of(model.namedParameters(), AdamSettings.adamW());
        Rng data = new Rng(5);
        for (int step = 1; step <= 2; step++) {
            for (var v : model.parameters()) {
                v.setGrad(Tensor.randn(data, 0f, 1f, v.shape()));
            }
            opt.step(1e-3);
        }
        TrainingState state = new TrainingState(2, Schedules.noam(64, 10, 1).name(),
                Map.of("dropout", Long.MIN_VALUE, "data", -1L, "init", Long.MAX_VALUE),
                Map.of("epoch", 0L, "batch", 2L), Map.of("tokenizer", "bpe \"v2\"\n ü ✓"), ConfigJson.write(config));
        Path saved = Checkpoint.save(run, model, opt, state);
        assertEquals(run.resolve("checkpoint-2"), saved);
        assertEquals("checkpoint-2\n", Files.readString(run.resolve("latest")));

        Module fresh = Models.build(config, new Rng(2));
        AdamW freshOpt = AdamW.of(fresh.namedParameters(), AdamSettings.adamW());
        assertEquals(state, Checkpoint.resume(run, fresh, freshOpt).orElseThrow());
        assertEquals(config, ConfigJson.parse(Checkpoint.readState(saved).configJson()));
        assertSameValues(model, fresh);
        assertEquals(opt.state().metadata(), freshOpt.state().metadata());

        // One more identical step on both: the resumed run continues exactly.
        for (var pair : List.of(model, fresh)) {
            Rng g = new Rng(9);
            for (var v : pair.parameters()) {
                v.setGrad(Tensor.randn(g, 0f, 1f, v.shape()));
            }
        }
        opt.step(1e-3);
        freshOpt.step(1e-3);
        assertSameValues(model, fresh);
    }

    @Test
    void tiedParametersAreWrittenOnceUnderTheirFirstName() throws IOException {
        Module model = Models.build(TransformerConfig.tinyGpt(), new Rng(1));
        assertTrue(model.namedParameters().containsKey("lm_head.weight"));
        Path saved = Checkpoint.save(run, model, null, TrainingState.at(0, "none"));
        try (SafeTensorsFile f = SafeTensorsFile.open(saved.resolve(Checkpoint.MODEL_FILE))) {
            List<String> names = f.entries().stream().map(TensorEntry::name).toList();
            assertTrue(names.contains("embed.tokens.weight"));
            assertFalse(names.contains("lm_head.weight"));
            assertEquals(model.parameters().size(), names.size());
            assertEquals("embed.tokens.weight", f.metadata().get("tied:lm_head.weight"));
        }
        Module fresh = Models.build(TransformerConfig.tinyGpt(), new Rng(3));
        Checkpoint.load(saved, fresh, null);
        assertSameValues(model, fresh);
        assertFalse(Files.exists(saved.resolve(Checkpoint.OPTIMIZER_FILE)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(saved, fresh,
                Sgd.of(fresh.namedParameters(), SgdSettings.plain())));
        assertEquals("checkpoint " + saved + " has no optimizer state (it was saved without one)", e.getMessage());
    }

    @Test
    void loadingIntoAModelOfAnotherConfigFailsWithOneLineAndChangesNothing() throws IOException {
        TransformerConfig config = TransformerConfig.tinyGpt();
        Path saved = Checkpoint.save(run, Models.build(config, new Rng(1)), null, TrainingState.at(7, "none"));

        Module narrower = Models.build(config.withDModel(32), new Rng(4));
        Map<String, Tensor> before = Map.copyOf(narrower.stateDict());
        float[] firstBefore = narrower.stateDict().get("embed.tokens.weight").toArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(saved, narrower, null));
        assertEquals("checkpoint " + saved + ": tensor 'embed.tokens.weight' has shape (128, 64) in the checkpoint"
                + " but (128, 32) in the model (a different config?)", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertArrayEquals(firstBefore, narrower.stateDict().get("embed.tokens.weight").toArray());
        assertEquals(before.keySet(), narrower.stateDict().keySet());

        Module shallower = Models.build(config.withDecoderLayers(1), new Rng(4));
        assertEquals("checkpoint " + saved + ": the checkpoint has tensor 'decoder.layers.1.linear1.weight' (256, 64)"
                        + " that the model does not have (" + shallower.namedParameters().size() + " parameters)",
                assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(saved, shallower, null))
                        .getMessage());
    }

    @Test
    void anOptimizerOfAnotherKindIsRefusedBeforeTheModelChanges() throws IOException {
        ToyModel model = new ToyModel(1);
        Path saved = Checkpoint.save(run, model, ToyModel.optimizer(model), TrainingState.at(1, "none"));
        ToyModel other = new ToyModel(2);
        float[] before = other.stateDict().get("proj").toArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(saved, other, Sgd.of(other.namedParameters(), SgdSettings.heavyBall())));
        assertEquals("checkpoint " + saved + ": optimizer state is for AdamW but this optimizer is SGD", e.getMessage());
        assertArrayEquals(before, other.stateDict().get("proj").toArray());
    }

    @Test
    void leftoversOfACrashedWriterAreIgnoredAndThenRemoved() throws IOException {
        ToyModel model = new ToyModel(1);
        Checkpoint.save(run, model, ToyModel.optimizer(model), TrainingState.at(3, "none"));
        // A writer killed mid-save leaves a temporary folder (even with a complete-looking name inside) and a
        // half-deleted one; a killed pointer update leaves latest.tmp-*.
        Path tmp = Files.createDirectory(run.resolve("checkpoint-9.tmp-1a2b"));
        Files.writeString(tmp.resolve(Checkpoint.STATE_FILE), "{\"format\": \"transformer4j-checkpoint\", \"st");
        Files.createDirectory(run.resolve("checkpoint-8.trash-3c"));
        Files.writeString(run.resolve("latest.tmp-4d"), "checkpoint-9");
        assertEquals(List.of(run.resolve("checkpoint-3")), Checkpoint.list(run));
        assertEquals(Optional.of(run.resolve("checkpoint-3")), Checkpoint.latest(run));

        Checkpoint.save(run, model, ToyModel.optimizer(model), TrainingState.at(4, "none"));
        try (var files = Files.list(run)) {
            assertEquals(List.of(".lock", "checkpoint-3", "checkpoint-4", "latest"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void latestFallsBackToTheHighestStepWhenThePointerIsMissingOrStale() throws IOException {
        ToyModel model = new ToyModel(1);
        assertEquals(Optional.empty(), Checkpoint.latest(run));
        assertEquals(Optional.empty(), Checkpoint.resume(run, model, null));
        for (long step : new long[] {9, 10, 100}) {
            Checkpoint.save(run, model, null, TrainingState.at(step, "none"));
        }
        assertEquals(List.of("checkpoint-9", "checkpoint-10", "checkpoint-100"),
                Checkpoint.list(run).stream().map(p -> p.getFileName().toString()).toList());
        Files.writeString(run.resolve("latest"), "checkpoint-10\n");
        assertEquals(run.resolve("checkpoint-10"), Checkpoint.latest(run).orElseThrow());
        Files.writeString(run.resolve("latest"), "checkpoint-11\n");
        assertEquals(run.resolve("checkpoint-100"), Checkpoint.latest(run).orElseThrow());
        Files.delete(run.resolve("latest"));
        assertEquals(run.resolve("checkpoint-100"), Checkpoint.latest(run).orElseThrow());
    }

    @Test
    void keepLastPrunesOldCheckpointsAndSavingAStepAgainReplacesIt() throws IOException {
        ToyModel model = new ToyModel(1);
        for (long step = 1; step <= 5; step++) {
            Checkpoint.save(run, model, null, TrainingState.at(step, "s" + step), 2);
        }
        assertEquals(List.of(run.resolve("checkpoint-4"), run.resolve("checkpoint-5")), Checkpoint.list(run));
        Checkpoint.save(run, model, null, TrainingState.at(5, "again"), 2);
        assertEquals("again", Checkpoint.readState(Checkpoint.latest(run).orElseThrow()).schedule());
        assertEquals(2, Checkpoint.list(run).size());
    }

    @Test
    void stateJsonIsValidatedWithTheOffendingValue() throws IOException {
        ToyModel model = new ToyModel(1);
        Path saved = Checkpoint.save(run, model, null, TrainingState.at(12, "none"));
        Path state = saved.resolve(Checkpoint.STATE_FILE);
        String text = Files.readString(state, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"format_version\": 1"), text);

        Files.writeString(state, text.replace("\"format_version\": 1", "\"format_version\": 2"));
        assertEquals(state + " has format_version 2 but this transformer4j reads version 1",
                assertThrows(IllegalArgumentException.class, () -> Checkpoint.readState(saved)).getMessage());
        Files.writeString(state, text.replace("\"step\": 12", "\"step\": 13"));
        assertEquals(state + " says step 13 but the folder is checkpoint-12",
                assertThrows(IllegalArgumentException.class, () -> Checkpoint.readState(saved)).getMessage());
        Files.writeString(state, text.replace("\"step\": 12", "\"step\": \"12\""));
        assertEquals(state + ": \"step\" must be a 64-bit integer, got 12",
                assertThrows(IllegalArgumentException.class, () -> Checkpoint.readState(saved)).getMessage());
    }

    @Test
    void aSecondWriterIsRefused() throws IOException {
        ToyModel model = new ToyModel(1);
        Files.createDirectories(run);
        try (var ch = java.nio.channels.FileChannel.open(run.resolve(".lock"), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE); var lock = ch.lock()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Checkpoint.save(run, model, null, TrainingState.at(1, "none")));
            assertTrue(e.getMessage().startsWith("another writer holds " + run.resolve(".lock")), e.getMessage());
        }
        assertEquals(Optional.empty(), Checkpoint.latest(run));
    }
}
