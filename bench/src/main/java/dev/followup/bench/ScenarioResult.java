package dev.followup.bench;

import java.util.List;
import java.util.Map;

/**
 * What one scenario measured.
 *
 * @param name      {@code ceiling}, {@code firing}, {@code burst}, {@code rate} or {@code pending}
 * @param seconds   how long the scenario took, set-up included
 * @param loadStart the machine's 1/5/15-minute load averages when it started
 * @param loadEnd   the same when it ended
 * @param figures   what it measured
 * @param notes     what a reader needs to interpret the figures (parameters, anything unusual)
 * @param series    samples over time (soak), each a row of named values; empty for the other scenarios
 */
record ScenarioResult(String name, double seconds, double[] loadStart, double[] loadEnd, List<Figure> figures,
        List<String> notes, List<Map<String, Object>> series) {

    ScenarioResult {
        figures = List.copyOf(figures);
        notes = List.copyOf(notes);
        series = List.copyOf(series);
    }

    ScenarioResult(String name, double seconds, double[] loadStart, double[] loadEnd, List<Figure> figures,
            List<String> notes) {
        this(name, seconds, loadStart, loadEnd, figures, notes, List.of());
    }

    /** The figure named {@code key}, or null. */
    Figure figure(String key) {
        return figures.stream().filter(f -> f.key().equals(key)).findFirst().orElse(null);
    }
}
