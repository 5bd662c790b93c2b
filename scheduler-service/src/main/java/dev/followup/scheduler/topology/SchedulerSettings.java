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
 * @param recurrenceMinInterval a recurring step firing more often than this is refused (definition and enrollment);
 *                          null means {@link #DEFAULT_RECURRENCE_MIN_INTERVAL}
 * @param maxOpenTasksPerLead most open (PENDING, HELD, EMITTED) tasks a lead may have: a new one beyond is refused
 */
public record SchedulerSettings(Duration punctuateInterval, int maxEmitsPerTick, DueTimeAdjuster dueTimeAdjuster,
        String applicationId, RetentionSettings retention, Duration recurrenceMinInterval, int maxOpenTasksPerLead) {

    public static final String DEFAULT_APPLICATION_ID = "followup-scheduler";
    public static final Duration DEFAULT_RECURRENCE_MIN_INTERVAL = Duration.ofMinutes(1);
    public static final int DEFAULT_MAX_OPEN_TASKS_PER_LEAD = 200;

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
        recurrenceMinInterval = recurrenceMinInterval == null ? DEFAULT_RECURRENCE_MIN_INTERVAL : recurrenceMinInterval;
        if (recurrenceMinInterval.isNegative()) {
            throw new IllegalArgumentException("recurrence.min-interval must not be negative, got "
                    + recurrenceMinInterval);
        }
        if (maxOpenTasksPerLead < 1) {
            throw new IllegalArgumentException("max-open-tasks-per-lead must be at least 1, got " + maxOpenTasksPerLead);
        }
    }

    public SchedulerSettings(Duration punctuateInterval, int maxEmitsPerTick, DueTimeAdjuster dueTimeAdjuster,
            String applicationId, RetentionSettings retention) {
        this(punctuateInterval, maxEmitsPerTick, dueTimeAdjuster, applicationId, retention, null,
                DEFAULT_MAX_OPEN_TASKS_PER_LEAD);
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
        return new SchedulerSettings(punctuateInterval, maxEmitsPerTick, dueTimeAdjuster, applicationId, newRetention,
                recurrenceMinInterval, maxOpenTasksPerLead);
    }

    public SchedulerSettings withRecurrenceMinInterval(Duration min) {
        return new SchedulerSettings(punctuateInterval, maxEmitsPerTick, dueTimeAdjuster, applicationId, retention, min,
                maxOpenTasksPerLead);
    }

    public SchedulerSettings withMaxOpenTasksPerLead(int max) {
        return new SchedulerSettings(punctuateInterval, maxEmitsPerTick, dueTimeAdjuster, applicationId, retention,
                recurrenceMinInterval, max);
    }

    public GateTopics gateTopics() {
        return GateTopics.of(applicationId);
    }
}
