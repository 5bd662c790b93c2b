package dev.followup.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured figure of a scenario: a rate, a latency distribution, a count or a size.
 *
 * @param key            stable machine name in the JSON ({@code fired_per_s}, {@code firing_lag_ms})
 * @param label          what the table shows
 * @param unit           {@code /s}, {@code ms}, {@code B}, {@code MB} or empty for counts
 * @param values         {@code value}, or {@code p50}/{@code p95}/{@code p99}/{@code max} of a distribution
 * @param ratioToCeiling a rate divided by the broker's transactional produce rate of the same run; null for the rest
 * @param target         the goal it is reported against ({@code ≥ 80,000/s}), null when there is none
 * @param met            whether the goal was met, null when there is none
 */
record Figure(String key, String label, String unit, Map<String, Double> values, Double ratioToCeiling,
        String target, Boolean met) {

    Figure {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    static Figure rate(String key, String label, double perSecond, double ceilingPerSecond) {
        Double ratio = ceilingPerSecond > 0 && Double.isFinite(perSecond) ? perSecond / ceilingPerSecond : null;
        return new Figure(key, label, "/s", Map.of("value", perSecond), ratio, null, null);
    }

    static Figure latency(String key, String label, Map<String, Double> percentiles) {
        return new Figure(key, label, "ms", percentiles, null, null, null);
    }

    static Figure count(String key, String label, long count) {
        return new Figure(key, label, "", Map.of("value", (double) count), null, null, null);
    }

    static Figure quantity(String key, String label, double value, String unit) {
        return new Figure(key, label, unit, Map.of("value", value), null, null, null);
    }

    /** The single value (rates, counts, sizes), or {@code p99} of a distribution. */
    double value() {
        Double v = values.get("value");
        return v != null ? v : values.getOrDefault("p99", Double.NaN);
    }

    Figure withTarget(String target, boolean met) {
        return new Figure(key, label, unit, values, ratioToCeiling, target, met);
    }

    /** Goal: the single value (or a distribution's p99) at least {@code min}. */
    Figure atLeast(double min) {
        return withTarget("≥ " + Report.withUnit(min, unit), value() >= min);
    }

    /** Goal: the single value (or a distribution's p99) at most {@code max}. */
    Figure atMost(double max) {
        String what = values.containsKey("p99") ? "p99 ≤ " : "≤ ";
        return withTarget(what + Report.withUnit(max, unit), value() <= max);
    }
}
