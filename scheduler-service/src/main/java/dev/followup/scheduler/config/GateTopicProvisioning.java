package dev.followup.scheduler.config;

import dev.followup.events.Topics;
import dev.followup.scheduler.topology.GateTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the scheduler's own topics ({@link GateTopics}) before Kafka Streams starts, as Streams does for its
 * internal topics (the Processor API cannot declare them): the partition count of {@code followup.lead-events.v1}
 * (the decisions topic is read next to the lead topics, so it must be co-partitioned with them), the Streams
 * replication factor, and a retention of {@value #RETENTION_DAYS} days (records are read within milliseconds; the
 * retention only bounds how long the scheduler may be down with answers in flight, like the consumer offsets' own
 * retention). Existing topics with another partition count are an error naming the topic.
 */
public final class GateTopicProvisioning {

    static final int RETENTION_DAYS = 7;

    private static final Logger log = LoggerFactory.getLogger(GateTopicProvisioning.class);

    private GateTopicProvisioning() {
    }

    /**
     * @param adminConfig       Kafka client settings (bootstrap servers, security)
     * @param replicationFactor replicas of each topic; -1 takes the broker's default
     */
    public static void ensure(Map<String, Object> adminConfig, String applicationId, int replicationFactor) {
        GateTopics topics = GateTopics.of(applicationId);
        try (Admin admin = Admin.create(adminConfig)) {
            int partitions = describe(admin, Topics.LEAD_EVENTS).orElseThrow(() -> new IllegalStateException(
                    Topics.LEAD_EVENTS + " does not exist: create the contract topics first (TopicProvisioning)"))
                    .partitions().size();
            List<NewTopic> missing = new ArrayList<>();
            for (String name : topics.all()) {
                TopicDescription present = describe(admin, name).orElse(null);
                if (present == null) {
                    missing.add(new NewTopic(name, Optional.of(partitions),
                            replicationFactor < 1 ? Optional.empty() : Optional.of((short) replicationFactor))
                            .configs(name.equals(topics.suppressions())
                                    // a suppression list is kept for good: compaction keeps each entry's latest value
                                    ? Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                                    : Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                                            TopicConfig.RETENTION_MS_CONFIG,
                                            Long.toString(Duration.ofDays(RETENTION_DAYS).toMillis()))));
                } else if (present.partitions().size() != partitions) {
                    throw new IllegalStateException("topic " + name + " has " + present.partitions().size()
                            + " partitions but " + Topics.LEAD_EVENTS + " has " + partitions
                            + ": they must match (delete it and let the scheduler create it again)");
                }
            }
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(60, TimeUnit.SECONDS);
                    log.atInfo().setMessage("topic.created").addKeyValue("topic", topic.name())
                            .addKeyValue("partitions", partitions).log();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitVisible(admin, missing);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the scheduler's topics " + topics.all() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create the scheduler's topics " + topics.all() + ": "
                    + (e.getMessage() != null ? e.getMessage() : "Kafka did not answer within 60 s"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the scheduler's topics", e);
        }
    }

    /** A created topic reaches the brokers' metadata a little later; Kafka Streams must not start before. */
    private static void awaitVisible(Admin admin, List<NewTopic> created)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (NewTopic topic : created) {
            while (describe(admin, topic.name()).isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new java.util.concurrent.TimeoutException(topic.name() + " is not visible 60 s after creation");
                }
                Thread.sleep(100);
            }
        }
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        try {
            return Optional.of(admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS)
                    .get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
