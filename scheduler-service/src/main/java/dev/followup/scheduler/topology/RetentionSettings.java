package dev.followup.scheduler.topology;

import java.time.Duration;

/**
 * How long finished state stays ({@link Purger}).
 *
 * @param tasks            a terminal task (DRAFTED, SENT, SKIPPED, FAILED, DEAD, CANCELED) after it became terminal
 * @param enrollments      an ended enrollment (COMPLETED, STOPPED, FAILED) after it ended
 * @param leads            a lead's journey and contact profile after its last activity (an input record of the lead);
 *                         blocks and a pause outlive it as a suppression entry
 * @param purgeInterval    how often the purge punctuator runs
 * @param maxPurgesPerTick most purge-index entries (and backfill steps) one punctuation handles per partition
 */
public record RetentionSettings(Duration tasks, Duration enrollments, Duration leads, Duration purgeInterval,
        int maxPurgesPerTick) {

    public RetentionSettings {
        positive("tasks", tasks);
        positive("enrollments", enrollments);
        positive("leads", leads);
        positive("purgeInterval", purgeInterval);
        if (maxPurgesPerTick < 1) {
            throw new IllegalArgumentException("maxPurgesPerTick must be at least 1, got " + maxPurgesPerTick);
        }
    }

    public static RetentionSettings defaults() {
        return new RetentionSettings(Duration.ofDays(30), Duration.ofDays(30), Duration.ofDays(180),
                Duration.ofSeconds(1), 500);
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("retention " + name + " must be positive, got " + value);
        }
    }
}
