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
        @DefaultValue("30s") Duration closeTimeout) {

    public SchedulerProperties {
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("followup.scheduler.application-id must not be blank");
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
