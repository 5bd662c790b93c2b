package dev.followup.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** What the benchmark asks the broker directly: offsets, consumer progress, topic sizes; and its own tidying up. */
final class BrokerView implements AutoCloseable {

    private static final long TIMEOUT_S = 60;

    private final Admin admin;

    BrokerView(String bootstrap) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000, AdminClientConfig.CLIENT_ID_CONFIG,
                "followup-bench-admin"));
    }

    Admin admin() {
        return admin;
    }

    Set<String> topics() throws Exception {
        return admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    int partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).get(topic)
                .partitions().size();
    }

    /** The log end offset of every partition of {@code topic}. */
    Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        int n = partitions(topic);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < n; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get(TIMEOUT_S, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Whether group {@code groupId} has committed at least {@code end} on each of those partitions. */
    boolean caughtUp(String groupId, Map<TopicPartition, Long> end) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_S, TimeUnit.SECONDS);
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            long at = c == null ? 0 : c.offset();
            if (at < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until {@code groupId} has consumed (committed) {@code topic} up to its end as of now; returns
     * {@link System#nanoTime()} of the check that saw it. Checks every 50 ms.
     */
    long awaitConsumed(String groupId, String topic, Duration timeout) throws Exception {
        Map<TopicPartition, Long> end = endOffsets(topic);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (caughtUp(groupId, end)) {
                return System.nanoTime();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(groupId + " did not consume " + topic + " to its end within "
                + timeout.toSeconds() + " s");
    }

    /**
     * Consumer groups other than {@code except} whose members are assigned partitions of one of {@code topics}: another
     * scheduler or executor would take the benchmark's records (and count as lost timers or duplicates).
     */
    List<String> otherConsumers(Collection<String> topics, Set<String> except) throws Exception {
        Collection<GroupListing> groups = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()
                .get(TIMEOUT_S, TimeUnit.SECONDS);
        List<String> ids = groups.stream().map(GroupListing::groupId).filter(g -> !except.contains(g)).toList();
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> busy = new ArrayList<>();
        Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(ids).all()
                .get(TIMEOUT_S, TimeUnit.SECONDS);
        for (ConsumerGroupDescription group : described.values()) {
            for (MemberDescription member : group.members()) {
                if (member.assignment().topicPartitions().stream().anyMatch(tp -> topics.contains(tp.topic()))) {
                    busy.add(group.groupId() + (group.type() == GroupType.CLASSIC ? "" : " (" + group.type() + ")"));
                    break;
                }
            }
        }
        return busy;
    }

    /** Bytes on the brokers' disks of every partition replica of the topics named {@code prefix…suffix}. */
    long topicBytes(String prefix, String suffix) throws Exception {
        return topicBytesByTopic(prefix).entrySet().stream().filter(e -> e.getKey().endsWith(suffix))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** Bytes on the brokers' disks of each topic whose name starts with {@code prefix} (all its replicas). */
    Map<String, Long> topicBytesByTopic(String prefix) throws Exception {
        Set<String> names = topics().stream().filter(t -> t.startsWith(prefix)).collect(Collectors.toSet());
        Map<String, Long> bytes = new java.util.TreeMap<>();
        if (names.isEmpty()) {
            return bytes;
        }
        List<Integer> brokers = admin.describeCluster().nodes().get(TIMEOUT_S, TimeUnit.SECONDS).stream()
                .map(Node::id).toList();
        Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(brokers).allDescriptions()
                .get(TIMEOUT_S, TimeUnit.SECONDS);
        for (Map<String, LogDirDescription> byDir : dirs.values()) {
            for (LogDirDescription dir : byDir.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                    if (names.contains(replica.getKey().topic())) {
                        bytes.merge(replica.getKey().topic(), replica.getValue().size(), Long::sum);
                    }
                }
            }
        }
        return bytes;
    }

    void createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(name, java.util.Optional.of(partitions),
                java.util.Optional.empty()))).all().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** Deletes the topics whose names start with {@code prefix}; returns how many. */
    int deleteTopics(String prefix) throws Exception {
        List<String> names = topics().stream().filter(t -> t.startsWith(prefix)).toList();
        if (!names.isEmpty()) {
            try {
                admin.deleteTopics(names).all().get(TIMEOUT_S, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        }
        return names.size();
    }

    void deleteGroup(String groupId) throws Exception {
        try {
            admin.deleteConsumerGroups(List.of(groupId)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
    }
}
