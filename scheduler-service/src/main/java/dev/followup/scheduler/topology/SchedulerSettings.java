package dev.followup.scheduler.topology;

import dev.followup.scheduler.policy.DueTimeAdjuster;
import java.time.Duration;

/**
 * What the topology needs to know (no Spring here, so driver tests build it directly).
 *
 * @param punctuateInterval how often the wall-clock punctuator looks for due tasks
 * @param maxEmitsPerTick   most tasks one punctuation emits per partition: a backlog drains over several ticks
 * @param dueTimeAdjuster   moves due times (send windows, quotas: next issue)
 */
public record SchedulerSettings(Duration punctuateInterval, int maxEmitsPerTick, DueTimeAdjuster dueTimeAdjuster) {

    public SchedulerSettings {
        if (punctuateInterval == null || punctuateInterval.isZero() || punctuateInterval.isNegative()) {
            throw new IllegalArgumentException("punctuateInterval must be positive, got " + punctuateInterval);
        }
        if (maxEmitsPerTick < 1) {
            throw new IllegalArgumentException("maxEmitsPerTick must be at least 1, got " + maxEmitsPerTick);
        }
        dueTimeAdjuster = dueTimeAdjuster == null ? DueTimeAdjuster.NONE : dueTimeAdjuster;
    }

    public static SchedulerSettings defaults() {
        return new SchedulerSettings(Duration.ofMillis(100), 2000, DueTimeAdjuster.NONE);
    }
}
