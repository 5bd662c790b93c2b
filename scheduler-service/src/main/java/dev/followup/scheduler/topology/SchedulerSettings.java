package dev.followup.scheduler.topology;

import dev.followup.scheduler.policy.DueTimeAdjuster;
import dev.followup.scheduler.policy.SendWindowPolicy;
import java.time.Duration;

/**
 * What the topology needs to know (no Spring here, so driver tests build it directly).
 *
 * @param punctuateInterval how often the wall-clock punctuator looks for due tasks
 * @param maxEmitsPerTick   most tasks one punctuation emits per partition: a backlog drains over several ticks
 * @param dueTimeAdjuster   moves due times when tasks are planned; null means {@link SendWindowPolicy#ADJUSTER}
 * @param applicationId     the Kafka Streams application id, which names the scheduler's own topics ({@link GateTopics})
 * @param retention         how long finished tasks, ended enrollments and inactive leads stay; null means
 *                          {@link RetentionSettings#defaults()}
 */
public record SchedulerSettings(Duration punctuateInterval, int maxEmitsPerTick, DueTimeAdjuster dueTimeAdjuster,
        String applicationId, RetentionSettings retention) {

    public static final String DEFAULT_APPLICATION_ID = "followup-scheduler";

    public SchedulerSettings {
        if (punctuateInterval == null || punctuateInterval.isZero() || punctuateInterval.isNegative()) {
            throw new IllegalArgumentException("punctuateInterval must be positive, got " + punctuateInterval);
        }
        if (maxEmitsPerTick < 1) {
            throw new IllegalArgumentException("maxEmitsPerTick must be at least 1, got " + maxEmitsPerTick);
        }
        dueTimeAdjuster = dueTimeAdjuster == null ? SendWindowPolicy.ADJUSTER : dueTimeAdjuster;
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("applicationId must not be blank");
        }
        retention = retention == null ? RetentionSettings.defaults() : retention;
    }

    public SchedulerSettings(Duration punctuateInterval, int maxEmitsPerTick, DueTimeAdjuster dueTimeAdjuster,
            String applicationId) {
        this(punctuateInterval, maxEmitsPerTick, dueTimeAdjuster, applicationId, null);
    }

    public SchedulerSettings(Duration punctuateInterval, int maxEmitsPerTick, DueTimeAdjuster dueTimeAdjuster) {
        this(punctuateInterval, maxEmitsPerTick, dueTimeAdjuster, DEFAULT_APPLICATION_ID);
    }

    public static SchedulerSettings defaults() {
        return new SchedulerSettings(Duration.ofMillis(100), 2000, SendWindowPolicy.ADJUSTER);
    }

    public SchedulerSettings withRetention(RetentionSettings newRetention) {
        return new SchedulerSettings(punctuateInterval, maxEmitsPerTick, dueTimeAdjuster, applicationId, newRetention);
    }

    public GateTopics gateTopics() {
        return GateTopics.of(applicationId);
    }
}
