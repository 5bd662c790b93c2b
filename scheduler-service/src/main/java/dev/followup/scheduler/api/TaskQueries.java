package dev.followup.scheduler.api;

import dev.followup.events.LeadKey;
import dev.followup.events.v1.Channel;
import dev.followup.events.Topics;
import dev.followup.scheduler.config.SchedulerStreams;
import dev.followup.scheduler.policy.Enrollment;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.topology.QueueSummary;
import dev.followup.scheduler.topology.JourneyEntry;
import dev.followup.scheduler.topology.JourneyReader;
import dev.followup.scheduler.topology.LeadTaskIndex;
import dev.followup.scheduler.topology.SchedulerTopology;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ResponseStatusException;

/**
 * Interactive queries over the scheduler's stores. Keys hosted on another instance are answered by that instance:
 * a lead's tasks are forwarded to the partition's active host; a task by id (whose partition the id does not tell)
 * and the queue summary ask every instance. Forwarded requests ({@link PeerClient}) carry an internal credential for
 * the caller's tenant, never the caller's key, and {@value #LOCAL_ONLY} so the receiver answers from its own stores
 * only (it honours that header on such verified calls only).
 */
public class TaskQueries {

    public static final String LOCAL_ONLY = "X-Followup-Local-Only";

    private final SchedulerStreams streams;
    private final Clock clock;
    private final PeerClient peers;

    public TaskQueries(SchedulerStreams streams, Clock clock, PeerClient peers) {
        this.streams = streams;
        this.clock = clock;
        this.peers = peers;
    }

    public Optional<TaskView> task(String tenantId, String taskId, boolean localOnly) {
        ScheduledTask local = store(SchedulerTopology.TASKS_STORE).get(taskId) instanceof ScheduledTask t ? t : null;
        if (local != null) {
            return local.tenantId().equals(tenantId) ? Optional.of(TaskView.of(local)) : Optional.empty();
        }
        if (localOnly) {
            return Optional.empty();
        }
        for (HostInfo host : otherHosts()) {
            TaskView remote = peers.get(host, tenantId, "/v1/tasks/" + taskId)
                    .exchange((request, response) -> {
                        if (response.getStatusCode().value() == 401) {
                            throw PeerClient.refused(request.getURI());
                        }
                        return response.getStatusCode().value() == 200 ? response.bodyTo(TaskView.class) : null;
                    });
            if (remote != null) {
                return Optional.of(remote);
            }
        }
        return Optional.empty();
    }

    /** All of the lead's tasks by due time, from the instance owning the lead's partition. */
    public List<TaskView> leadTasks(String tenantId, String leadId, boolean localOnly) {
        return leadTasks(tenantId, leadId, LeadTaskPage.Request.ALL, localOnly).tasks();
    }

    /**
     * One page of the lead's tasks, from the instance owning the lead's partition (asked for the same page, its
     * {@value LeadTaskPage#NEXT_CURSOR} passed on). Each page reads the lead's whole task index and sorts it: a lead
     * has at most {@code max-open-tasks-per-lead} open tasks plus the finished ones retention keeps.
     */
    public LeadTaskPage leadTasks(String tenantId, String leadId, LeadTaskPage.Request request, boolean localOnly) {
        String key = LeadKey.of(tenantId, leadId).toString();
        Optional<HostInfo> owner = localOnly ? Optional.empty() : remoteOwner(key);
        if (owner.isPresent()) {
            ResponseEntity<List<TaskView>> answer = peers.get(owner.get(), tenantId, "/v1/leads/" + leadId + "/tasks",
                    request == LeadTaskPage.Request.ALL ? new LinkedMultiValueMap<>() : request.query()).retrieve()
                    .toEntity(new ParameterizedTypeReference<List<TaskView>>() {
                    });
            return new LeadTaskPage(answer.getBody(), answer.getHeaders().getFirst(LeadTaskPage.NEXT_CURSOR));
        }
        List<TaskView> out = new ArrayList<>();
        for (ScheduledTask task : LeadTaskIndex.tasksOf(store(SchedulerTopology.LEAD_TASKS_STORE),
                store(SchedulerTopology.TASKS_STORE), key)) {
            out.add(TaskView.of(task));
        }
        return LeadTaskPage.of(out, request);
    }

    /** The lead's latest enrollment in each sequence, from the instance owning the lead's partition. */
    public List<EnrollmentView> leadEnrollments(String tenantId, String leadId, boolean localOnly) {
        String key = LeadKey.of(tenantId, leadId).toString();
        Optional<HostInfo> owner = localOnly ? Optional.empty() : remoteOwner(key);
        if (owner.isPresent()) {
            return peers.get(owner.get(), tenantId, "/v1/leads/" + leadId + "/enrollments").retrieve().body(new ParameterizedTypeReference<List<EnrollmentView>>() {
                    });
        }
        ReadOnlyKeyValueStore<String, Enrollment> store = store(SchedulerTopology.ENROLLMENTS_STORE);
        ReadOnlyKeyValueStore<String, ScheduledTask> tasks = store(SchedulerTopology.TASKS_STORE);
        List<EnrollmentView> out = new ArrayList<>();
        try (KeyValueIterator<String, Enrollment> it = store.prefixScan(key + "/", new StringSerializer())) {
            it.forEachRemaining(kv -> out.add(EnrollmentView.of(kv.value,
                    kv.value.taskId() == null ? null : tasks.get(kv.value.taskId()))));
        }
        return out;
    }

    /** The lead's whole journey, from the instance owning the lead's partition. */
    public JourneyView journey(String tenantId, String leadId, boolean localOnly) {
        return journey(tenantId, leadId, JourneyPage.Request.ALL, localOnly).view();
    }

    /** One page of the lead's journey, from the instance owning the lead's partition (its cursor header passed on). */
    public JourneyPage journey(String tenantId, String leadId, JourneyPage.Request request, boolean localOnly) {
        String key = LeadKey.of(tenantId, leadId).toString();
        Optional<HostInfo> owner = localOnly ? Optional.empty() : remoteOwner(key);
        if (owner.isPresent()) {
            ResponseEntity<JourneyView> answer = peers.get(owner.get(), tenantId, "/v1/leads/" + leadId + "/journey",
                    request.query()).retrieve().toEntity(JourneyView.class);
            return new JourneyPage(answer.getBody(), answer.getHeaders().getFirst(LeadTaskPage.NEXT_CURSOR));
        }
        Map<String, JourneyEntry> entries = JourneyReader.readKeyed(store(SchedulerTopology.JOURNEY_STORE),
                store(SchedulerTopology.LEAD_TASKS_STORE), store(SchedulerTopology.TASKS_STORE), key);
        LeadProfile profile = this.<String, LeadProfile>store(SchedulerTopology.LEAD_PROFILES_STORE).get(key);
        String zone = profile != null && profile.timezone() != null ? profile.timezone() : tenantZone(tenantId);
        return JourneyPage.of(leadId, zone, entries, request);
    }

    /**
     * The tenant's latest receipts across all instances, optionally of one channel and status; failures (FAILED,
     * DEAD) first when asked, then newest first. Read from the leads' journeys, so a scan of the tenant's journeys;
     * only the first {@code limit} are held while it runs ({@link TopK}), whatever the tenant's history.
     */
    public List<ReceiptView> receipts(String tenantId, String channel, String status, int limit, boolean failuresFirst,
            boolean localOnly) {
        Comparator<ReceiptView> order = Comparator.comparing(ReceiptView::completedAt).reversed();
        if (failuresFirst) {
            order = Comparator.comparing((ReceiptView r) -> !r.failed()).thenComparing(order);
        }
        TopK<ReceiptView> out = new TopK<>(limit, order);
        ReadOnlyKeyValueStore<String, byte[]> store = store(SchedulerTopology.JOURNEY_STORE);
        String prefix = tenantId + ":";
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, new StringSerializer())) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (!JourneyReader.isReceipt(kv.key)) { // skip the other entries without decoding them
                    continue;
                }
                JourneyEntry e = JourneyReader.entry(kv.value);
                if ((channel == null || channel.equals(e.channel())) && (status == null || status.equals(e.status()))) {
                    out.offer(ReceiptView.of(kv.key.substring(prefix.length(), kv.key.indexOf('/')), e));
                }
            }
        }
        if (!localOnly) {
            MultiValueMap<String, String> query = new LinkedMultiValueMap<>();
            query.add("limit", Integer.toString(limit));
            query.add("failuresFirst", Boolean.toString(failuresFirst));
            if (channel != null) {
                query.add("channel", channel);
            }
            if (status != null) {
                query.add("status", status);
            }
            for (HostInfo host : otherHosts()) {
                ReceiptView[] remote = peers.get(host, tenantId, "/v1/receipts", query).retrieve()
                        .body(ReceiptView[].class);
                if (remote != null) {
                    for (ReceiptView r : remote) {
                        out.offer(r);
                    }
                }
            }
        }
        return out.toList();
    }

    private String tenantZone(String tenantId) {
        try {
            TenantSettings settings = SchedulerTopology.settingsOf(
                    this.<String, TenantSettings>store(SchedulerTopology.TENANT_SETTINGS_STORE), tenantId);
            return settings.getTimezone() != null ? settings.getTimezone() : "UTC";
        } catch (RuntimeException e) {
            return "UTC";
        }
    }

    /**
     * The tenant's queue summary, from the counts each local partition keeps ({@link QueueSummary}), and the same from
     * every other instance, added up. Nothing here grows with the number of pending tasks.
     */
    public QueueView queue(String tenantId, boolean localOnly) {
        Instant now = clock.instant();
        Map<String, Long> pending = new LinkedHashMap<>();
        for (Channel channel : Channel.values()) {
            pending.put(channel.name(), 0L);
        }
        long deferred = 0;
        long overdue = 0;
        boolean overdueCapped = false;
        Instant next = null;
        for (int partition : localPartitions()) {
            QueueSummary.Summary part = QueueSummary.summary(
                    this.<String, byte[]>store(SchedulerTopology.QUEUE_COUNTERS_STORE, partition),
                    this.<Bytes, byte[]>store(SchedulerTopology.DUE_INDEX_STORE, partition), tenantId, now.toEpochMilli());
            part.pending().forEach((channel, n) -> pending.merge(channel.name(), n, Long::sum));
            deferred += part.deferred();
            overdue += part.overdue();
            overdueCapped |= part.capped();
            if (part.nextDueMillis() != null && (next == null || part.nextDueMillis() < next.toEpochMilli())) {
                next = Instant.ofEpochMilli(part.nextDueMillis());
            }
        }
        if (!localOnly) {
            for (HostInfo host : otherHosts()) {
                QueueView remote = peers.get(host, tenantId, "/v1/queue").retrieve().body(QueueView.class);
                if (remote == null) {
                    continue;
                }
                remote.pending().forEach((channel, n) -> pending.merge(channel, n, Long::sum));
                overdue += remote.overdue();
                overdueCapped |= remote.overdueCapped();
                deferred += remote.deferred();
                if (remote.nextDueAt() != null) {
                    Instant remoteNext = Instant.parse(remote.nextDueAt());
                    if (next == null || remoteNext.isBefore(next)) {
                        next = remoteNext;
                    }
                }
            }
        }
        return new QueueView(tenantId, pending, next == null ? null : next.toString(), overdue, now.toString(), deferred,
                overdueCapped);
    }

    /** The lead partitions this instance is active for (the scheduler's stores are partitioned like the lead topics). */
    private Set<Integer> localPartitions() {
        Set<Integer> partitions = new TreeSet<>();
        for (ThreadMetadata thread : kafkaStreams().metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                for (TopicPartition partition : task.topicPartitions()) {
                    if (partition.topic().equals(Topics.LEAD_EVENTS)) {
                        partitions.add(partition.partition());
                    }
                }
            }
        }
        return partitions;
    }

    /** The active host of the lead key's partition if it is another instance; empty if it is this one. */
    private Optional<HostInfo> remoteOwner(String leadKey) {
        KeyQueryMetadata owner = kafkaStreams().queryMetadataForKey(SchedulerTopology.LEAD_TASKS_STORE, leadKey,
                new StringSerializer());
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw unavailable();
        }
        return owner.activeHost().equals(streams.self()) ? Optional.empty() : Optional.of(owner.activeHost());
    }

    private Set<HostInfo> otherHosts() {
        Set<HostInfo> hosts = new LinkedHashSet<>();
        for (StreamsMetadata metadata : kafkaStreams().metadataForAllStreamsClients()) {
            if (!metadata.hostInfo().equals(streams.self())) {
                hosts.add(metadata.hostInfo());
            }
        }
        return hosts;
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> store(String name) {
        try {
            return kafkaStreams().store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw unavailable();
        }
    }

    /** One partition's store (a store of all local partitions would interleave their orders). */
    private <K, V> ReadOnlyKeyValueStore<K, V> store(String name, int partition) {
        try {
            return kafkaStreams().store(StoreQueryParameters.fromNameAndType(name,
                    QueryableStoreTypes.<K, V>keyValueStore()).withPartition(partition));
        } catch (InvalidStateStoreException e) {
            throw unavailable();
        }
    }

    private KafkaStreams kafkaStreams() {
        return streams.kafkaStreams();
    }

    private static ResponseStatusException unavailable() {
        return new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                "the scheduler's stores are not available yet (starting or rebalancing); retry shortly");
    }
}
