package org.transformer4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Hand-computed values (Python floats) at several steps of each schedule. */
class SchedulesTest {
    private static final double TOL = 1e-15;

    @Test
    void noamIsTheFormulaOfThePaper() {
        LearningRateSchedule s = Schedules.noam(512, 4000, 1.0);
        assertEquals(0.0, s.at(0));
        assertEquals(1.746928107421711e-07, s.at(1), TOL);             // 512^-0.5 * 1 * 4000^-1.5
        assertEquals(0.0006987712429686843, s.at(4000), TOL);          // peak: 512^-0.5 * 4000^-0.5
        assertEquals(0.00034938562148434214, s.at(16000), TOL);        // 4x the warmup: half the peak
        assertEquals(3.493856214843422e-05, Schedules.noam(512, 4000, 2.0).at(100), TOL); // factor 2, warming up
        assertEquals("noam(dModel=512, warmup=4000, factor=1.0)", s.name());
    }

    @Test
    void warmupCosineRisesLinearlyThenFollowsHalfACosine() {
        LearningRateSchedule s = Schedules.warmupCosine(1e-3, 10, 110, 1e-4);
        assertEquals(0.0, s.at(0));
        assertEquals(5e-4, s.at(5), TOL);
        assertEquals(1e-3, s.at(10), TOL);
        assertEquals(0.0008681980515339464, s.at(35), TOL);  // a quarter of the way: 1e-4 + 4.5e-4 (1 + cos(pi/4))
        assertEquals(5.5e-4, s.at(60), TOL);                  // halfway: the mean of peak and minimum
        assertEquals(1e-4, s.at(110), TOL);
        assertEquals(1e-4, s.at(1000), TOL);
        assertEquals(2e-3, Schedules.warmupCosine(2e-3, 0, 10, 0).at(0), TOL); // no warmup starts at the peak
    }

    @Test
    void slantedTriangularIsUlmfitEquation3() {
        // T = 1000, cut_frac 0.1 -> cut = 100; ratio 32; eta_max 0.01.
        LearningRateSchedule s = Schedules.slantedTriangular(0.01, 1000, 0.1, 32);
        assertEquals(0.01 / 32, s.at(0), TOL);
        assertEquals(0.01 * (1 + 0.5 * 31) / 32, s.at(50), TOL);  // p = 50 / 100
        assertEquals(0.01, s.at(100), TOL);                       // p = 1 at the cut
        assertEquals(0.01 * (1 + 0.5 * 31) / 32, s.at(550), TOL); // p = 1 - 450 / (100 * 9)
        assertEquals(0.01 / 32, s.at(1000), TOL);                 // p = 0 at T
        assertEquals(0.01 / 32, s.at(5000), TOL);                 // stays there
        assertEquals(0.01 * (1 + 0.25 * 31) / 32, Schedules.slantedTriangular(0.01, 45, 0.1, 32).at(1), TOL); // cut 4
    }

    @Test
    void constantAndPurity() {
        LearningRateSchedule c = Schedules.constant(3e-4);
        assertEquals(3e-4, c.at(0));
        assertEquals(3e-4, c.at(123456789L));
        LearningRateSchedule s = Schedules.noam(64, 10, 1.0);
        double later = s.at(50);
        s.at(3);
        assertEquals(later, s.at(50)); // no hidden state
    }

    @Test
    void badArgumentsAreNamedWithTheirValues() {
        assertEquals("warmup must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> Schedules.noam(512, 0, 1)).getMessage());
        assertEquals("warmup must be in [0, total=10], got 11",
                assertThrows(IllegalArgumentException.class, () -> Schedules.warmupCosine(1, 11, 10, 0)).getMessage());
        assertEquals("total * cutFrac = 5 * 0.1 rounds down to 0 steps of increase; use more steps or a larger cutFrac",
                assertThrows(IllegalArgumentException.class, () -> Schedules.slantedTriangular(1, 5, 0.1, 32))
                        .getMessage());
        assertEquals("step must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> Schedules.constant(1).at(-1)).getMessage());
    }
}
