package dev.followup.scheduler.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code followup.scheduler.*} (environment: {@code FOLLOWUP_SCHEDULER_*}).
 *
 * @param applicationId      Kafka Streams application id (consumer group, changelog topic prefix)
 * @param punctuateInterval  how often the wall-clock punctuator looks for due tasks
 * @param maxEmitsPerTick    most tasks one punctuation emits per partition (a backlog drains over several ticks)
 * @param stateDir           RocksDB state directory
 * @param numStreamThreads   stream threads of this instance (2: a backlog of due timers drains on two cores)
 * @param standbyReplicas    warm standby copies of each partition's stores on other instances
 * @param applicationServer  {@code host:port} other instances use to reach this one's query API;
 *                           blank means {@code localhost:<server.port>}
 * @param commitInterval     Kafka Streams commit (transaction) interval
 * @param closeTimeout       how long shutdown waits for the stream threads to commit and close
 * @param retention          how long finished state stays ({@code followup.scheduler.retention.*})
 * @param recurrence         recurring steps ({@code followup.scheduler.recurrence.*})
 * @param maxOpenTasksPerLead most open (PENDING, HELD, EMITTED) tasks of one lead; a new task beyond it is refused
 */
@ConfigurationProperties("followup.scheduler")
public record SchedulerProperties(
        @DefaultValue("followup-scheduler") String applicationId,
        @DefaultValue("50ms") Duration punctuateInterval,
        @DefaultValue("2000") int maxEmitsPerTick,
        @DefaultValue("var/scheduler-state") String stateDir,
        @DefaultValue("2") int numStreamThreads,
        @DefaultValue("0") int standbyReplicas,
        @DefaultValue("") String applicationServer,
        @DefaultValue("100ms") Duration commitInterval,
        @DefaultValue("30s") Duration closeTimeout,
        @DefaultValue Retention retention,
        @DefaultValue Recurrence recurrence,
        @DefaultValue("200") int maxOpenTasksPerLead) {

    /**
     * {@code followup.scheduler.recurrence.*}.
     *
     * @param minInterval a recurring step whose {@code every}, or the spacing of its {@code cron}, is below it is
     *                    refused: the definition is skipped and an enrollment in it dead-lettered
     */
    public record Recurrence(@DefaultValue("1m") Duration minInterval) {
    }

    /**
     * {@code followup.scheduler.retention.*}.
     *
     * @param tasks            a terminal task (DRAFTED, SENT, SKIPPED, FAILED, DEAD, CANCELED) is deleted this long
     *                         after it became terminal, with its lead-index entry
     * @param enrollments      an ended enrollment is deleted this long after it ended
     * @param leads            a lead's journey and contact profile are deleted this long after its last input record;
     *                         its blocks and pause stay as a suppression entry
     * @param purgeInterval    how often the purge punctuator runs
     * @param maxPurgesPerTick most purge-index entries (and backfill steps) one punctuation handles per partition
     */
    public record Retention(
            @DefaultValue("30d") Duration tasks,
            @DefaultValue("30d") Duration enrollments,
            @DefaultValue("180d") Duration leads,
            @DefaultValue("1s") Duration purgeInterval,
            @DefaultValue("500") int maxPurgesPerTick) {

        public dev.followup.scheduler.topology.RetentionSettings settings() {
            try {
                return new dev.followup.scheduler.topology.RetentionSettings(tasks, enrollments, leads, purgeInterval,
                        maxPurgesPerTick);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("followup.scheduler." + e.getMessage(), e);
            }
        }
    }

    public SchedulerProperties {
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("followup.scheduler.application-id must not be blank");
        }
        if (retention == null) {
            retention = new Retention(java.time.Duration.ofDays(30), java.time.Duration.ofDays(30),
                    java.time.Duration.ofDays(180), java.time.Duration.ofSeconds(1), 500);
        }
        retention.settings(); // refuses a retention that is not positive at startup
        if (recurrence == null || recurrence.minInterval() == null) {
            recurrence = new Recurrence(Duration.ofMinutes(1));
        }
        if (recurrence.minInterval().isNegative()) {
            throw new IllegalArgumentException("followup.scheduler.recurrence.min-interval must not be negative, got "
                    + recurrence.minInterval());
        }
        if (maxOpenTasksPerLead < 1) {
            throw new IllegalArgumentException("followup.scheduler.max-open-tasks-per-lead must be at least 1, got "
                    + maxOpenTasksPerLead);
        }
        if (numStreamThreads < 1) {
            throw new IllegalArgumentException("followup.scheduler.num-stream-threads must be at least 1, got "
                    + numStreamThreads);
        }
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("followup.scheduler.standby-replicas must not be negative, got "
                    + standbyReplicas);
        }
        if (applicationServer != null && !applicationServer.isBlank() && !applicationServer.matches("[^:]+:\\d{1,5}")) {
            throw new IllegalArgumentException("followup.scheduler.application-server '" + applicationServer
                    + "' is not host:port");
        }
    }
}
