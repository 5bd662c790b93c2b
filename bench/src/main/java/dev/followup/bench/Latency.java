package dev.followup.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * A distribution of millisecond latencies (HdrHistogram, 3 significant digits, auto-resizing). Negative values are
 * counted apart and recorded as 0: a timer that fires early is a defect to report, not a latency to average.
 */
final class Latency {

    private final Histogram histogram = new Histogram(3);
    private long negative;

    synchronized void record(long millis) {
        if (millis < 0) {
            negative++;
            histogram.recordValue(0);
        } else {
            histogram.recordValue(millis);
        }
    }

    synchronized long count() {
        return histogram.getTotalCount();
    }

    /** How many recorded values were negative. */
    synchronized long negative() {
        return negative;
    }

    /** The value at {@code percentile} (0–100) in ms; 0 when nothing was recorded. */
    synchronized long percentile(double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile);
    }

    synchronized long max() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getMaxValue();
    }

    /** p50, p95, p99 and max, in ms, in that order. */
    synchronized Map<String, Double> summary() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("p50", (double) percentile(50));
        out.put("p95", (double) percentile(95));
        out.put("p99", (double) percentile(99));
        out.put("max", (double) max());
        return out;
    }

    /** p50 and p99, in ms. */
    synchronized Map<String, Double> medianAndP99() {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("p50", (double) percentile(50));
        out.put("p99", (double) percentile(99));
        return out;
    }
}
