package org.transformer4j.figure;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Writes the sample figures in every format to target/figure-samples so a person can look at them. */
class FigureDemoTest {
    @Test
    void writesSamplePictures() throws Exception {
        Path dir = Path.of("target", "figure-samples");
        Files.createDirectories(dir);
        write(dir, "encoder", FigureSamples.encoder(), FigureLayout.Options.defaults());
        write(dir, "paper", FigureSamples.paper(), FigureLayout.Options.defaults());
        write(dir, "nested", FigureSamples.nested(), FigureLayout.Options.defaults());
        write(dir, "nested-right", FigureSamples.nested(), FigureLayout.Options.defaults()
                .withDirection(FigureLayout.Direction.RIGHT));
        write(dir, "large", FigureSamples.large(2), FigureLayout.Options.defaults().withEdgeShapes(false));
        write(dir, "tricky", FigureSamples.tricky(false), FigureLayout.Options.defaults());
        assertTrue(Files.size(dir.resolve("paper.png")) > 1000);
    }

    private static void write(Path dir, String name, Figure f, FigureLayout.Options o) throws Exception {
        Drawing d = FigureLayout.layout(f, o);
        SvgWriter.write(d, dir.resolve(name + ".svg"));
        PngWriter.write(d, 2, dir.resolve(name + ".png"));
        Files.writeString(dir.resolve(name + ".dot"), DotWriter.write(f));
        Files.writeString(dir.resolve(name + ".graphml"), GraphMlWriter.write(f));
        Files.writeString(dir.resolve(name + ".json"), FigureJson.write(f));
    }
}
