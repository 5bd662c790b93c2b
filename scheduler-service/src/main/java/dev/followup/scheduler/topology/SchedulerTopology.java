package dev.followup.scheduler.topology;

import dev.followup.events.Topics;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.serde.AvroSerde;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.Alert;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.AddressSuppression;
import dev.followup.scheduler.policy.Enrollment;
import dev.followup.scheduler.policy.FailureAlertPolicy;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.QuotaPolicy;
import dev.followup.scheduler.policy.ScheduledTask;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The scheduler's topology, in one place. Four co-partitioned inputs (lead events, booking events, commands,
 * receipts; all keyed {@code tenantId:leadId}) feed one {@link SchedulerProcessor}, which hands each record to the
 * handler of its kind; the handlers and the due-time engine ({@link Firing}) share its stores:
 * <ul>
 *   <li>{@value #TASKS_STORE}: task id → {@link ScheduledTask} (every status, for the query API);</li>
 *   <li>{@value #DUE_INDEX_STORE}: {@link DueIndexKey} → channel and tenant of each PENDING task;</li>
 *   <li>{@value #LEAD_TASKS_STORE}: {@code tenantId:leadId/o|f/taskId} → empty, every task of a lead, the open ones a
 *       range of their own ({@link LeadTaskIndex});</li>
 *   <li>{@value #QUEUE_COUNTERS_STORE}: the queue summary's counts ({@link QueueSummary});</li>
 *   <li>{@value #LEAD_PROFILES_STORE}: {@code tenantId:leadId} → {@link LeadProfile} (contact snapshot, blocks, pause);</li>
 *   <li>{@value #ENROLLMENTS_STORE}: {@code tenantId:leadId/sequenceId} → {@link Enrollment} (the lead's latest
 *       enrollment in each sequence);</li>
 *   <li>{@value #PURGE_INDEX_STORE} and {@value #LEAD_ACTIVITY_STORE}: retention ({@link PurgeIndex}, {@link Purger});</li>
 *   <li>{@value #PAUSE_RELEASES_STORE}: when pauses with an end release their lead ({@link LeadPauses});</li>
 *   <li>{@value #ADDRESS_SUPPRESSIONS_STORE}: global store of the tenants' suppression lists ({@link AddressSuppressions}),
 *       read from the scheduler's compacted topic {@code <application-id>-address-suppressions}, which the processor
 *       writes; the processor also publishes the SKIPPED receipts of suppressed email tasks to
 *       {@code followup.receipts.v1};</li>
 *   <li>{@value #TENANT_SETTINGS_STORE}: global store of {@code followup.tenant-settings.v1};</li>
 *   <li>{@value #SEQUENCES_STORE}: global store of {@code followup.sequences.v1} ({@code tenantId:sequenceId}).</li>
 * </ul>
 * All RocksDB, logged to compacted changelogs. Invalid input goes to {@code <topic>.dlq}.
 *
 * <p>Quotas and failure alerts are per tenant, but the stores above are partitioned by lead. So a second, tenant-keyed
 * part ({@link GateTopics}: the scheduler's own topics, named after the application id):
 * <ul>
 *   <li>tasks that come due go as a {@link GateRequest} (one record per tenant and tick), keyed {@code tenantId}, to
 *       the {@link QuotaGateProcessor} ({@value #QUOTA_STORE}: the tenant's counters), whose {@link GateDecision}
 *       comes back to the requesting partition; on "go" the processor ({@link Firing}) emits the task to
 *       {@code followup.due-tasks.<channel>.v1}, on "defer" it re-arms the task at the deferred time. The lead side
 *       stays the only writer of its tasks, so a cancel, pause or erasure that arrives meanwhile still wins;</li>
 *   <li>receipts the processor applied are re-keyed by tenant for the {@link FailureAlertProcessor} (not a person's
 *       sending of a draft: that task's success was counted at DRAFTED)
 *       ({@value #FAILURE_STREAKS_STORE}).</li>
 * </ul>
 * Alerts go to {@code followup.alerts.v1}. Everything is one Kafka Streams application under exactly-once.
 */
public final class SchedulerTopology {

    public static final String TASKS_STORE = "tasks";
    public static final String DUE_INDEX_STORE = "due-index";
    public static final String LEAD_TASKS_STORE = "lead-tasks";
    public static final String LEAD_PROFILES_STORE = "lead-profiles";
    public static final String TENANT_SETTINGS_STORE = "tenant-settings";
    public static final String ENROLLMENTS_STORE = "enrollments";
    public static final String SEQUENCES_STORE = "sequences";
    public static final String QUOTA_STORE = "quota-usage";
    public static final String FAILURE_STREAKS_STORE = "failure-streaks";
    /** {@code tenantId:leadId/<hex millis>/<rank>/<ref>} → {@link JourneyEntry} JSON, see {@link JourneyRecorder}. */
    public static final String JOURNEY_STORE = "lead-journey";
    /** {@link PurgeIndexKey} → empty: when terminal tasks, ended enrollments and inactive leads may go. */
    public static final String PURGE_INDEX_STORE = "purge-index";
    /** {@code tenantId:leadId} → 8-byte purge millis of the lead's one purge-index entry; see {@link PurgeIndex}. */
    public static final String LEAD_ACTIVITY_STORE = "lead-activity";
    /** 8-byte release millis + {@code tenantId:leadId} → empty: pauses with an end, see {@link LeadPauses}. */
    public static final String PAUSE_RELEASES_STORE = "pause-releases";
    /** Global: {@code tenantId:<sha-256 hex>} → when the address was suppressed, see {@link AddressSuppressions}. */
    public static final String ADDRESS_SUPPRESSIONS_STORE = "address-suppressions";
    /** Pending and deferred counts by tenant and channel, pending counts by tenant and due minute: {@link QueueSummary}. */
    public static final String QUEUE_COUNTERS_STORE = "queue-counters";

    static final String GATE_REQUESTS_SINK = "quota-gate-requests";
    static final String DECISIONS_SINK = "quota-decisions";
    static final String QUOTA_ALERTS_SINK = "quota-alerts";
    static final String RECEIPTS_BY_TENANT_SINK = "receipts-by-tenant-sink";
    static final String ADDRESS_SUPPRESSIONS_SINK = "address-suppressions-sink";
    static final String RECEIPTS_SINK = "receipts-sink";

    static final String PROCESSOR = "scheduler";
    static final String QUOTA_GATE = "quota-gate";
    static final String FAILURE_ALERTS = "failure-alerts";
    static final List<String> INPUT_TOPICS = List.of(Topics.LEAD_EVENTS, Topics.BOOKING_EVENTS, Topics.COMMANDS,
            Topics.RECEIPTS);

    /**
     * Largest input record (lead events, bookings, commands, receipts) the scheduler accepts, in bytes; larger ones go
     * to the DLQ. The ingest API caps a request at 256 KB, so legitimate records stay far below it.
     */
    public static final int MAX_INPUT_RECORD_BYTES = 256 * 1024;

    private SchedulerTopology() {
    }

    public static Topology build(SchedulerSettings settings, SchedulerEvents events) {
        Topology topology = new Topology();
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TENANT_SETTINGS_STORE), Serdes.String(),
                        AvroSerde.of(TenantSettings.class)).withLoggingDisabled(),
                "tenant-settings-source", new StringDeserializer(), new AvroDeserializer<>(TenantSettings.class),
                Topics.TENANT_SETTINGS, "tenant-settings-updater", () -> new TenantSettingsUpdater(events));
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEQUENCES_STORE), Serdes.String(),
                        AvroSerde.of(SequenceDefinition.class)).withLoggingDisabled(),
                "sequences-source", new StringDeserializer(), new AvroDeserializer<>(SequenceDefinition.class),
                Topics.SEQUENCES, "sequences-updater", () -> new SequenceDefinitionUpdater(events, settings.recurrenceMinInterval()));

        topology.addSource("lead-events", new StringDeserializer(), bounded(new AvroDeserializer<>(LeadEvent.class)),
                Topics.LEAD_EVENTS);
        topology.addSource("booking-events", new StringDeserializer(), bounded(new AvroDeserializer<>(BookingEvent.class)),
                Topics.BOOKING_EVENTS);
        topology.addSource("commands", new StringDeserializer(), bounded(new AvroDeserializer<>(Command.class)),
                Topics.COMMANDS);
        topology.addSource("receipts", new StringDeserializer(), bounded(new AvroDeserializer<>(Receipt.class)),
                Topics.RECEIPTS);
        GateTopics gate = settings.gateTopics();
        topology.addSource("quota-decisions-source", new StringDeserializer(),
                new JsonStoreSerde<>(GateDecision.class).deserializer(), gate.decisions());
        topology.addProcessor(PROCESSOR, () -> new SchedulerProcessor(settings, events),
                "lead-events", "booking-events", "commands", "receipts", "quota-decisions-source");

        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TASKS_STORE),
                Serdes.String(), new TaskStoreSerde()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUE_INDEX_STORE),
                Serdes.Bytes(), Serdes.ByteArray()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEAD_TASKS_STORE),
                Serdes.String(), Serdes.ByteArray()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEAD_PROFILES_STORE),
                Serdes.String(), new JsonStoreSerde<>(LeadProfile.class)), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ENROLLMENTS_STORE),
                Serdes.String(), new JsonStoreSerde<>(Enrollment.class)), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(JOURNEY_STORE),
                Serdes.String(), Serdes.ByteArray()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PURGE_INDEX_STORE),
                Serdes.Bytes(), Serdes.ByteArray()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEAD_ACTIVITY_STORE),
                Serdes.String(), Serdes.ByteArray()), PROCESSOR);
        // cached: a tenant's counters change with every task, the changelog gets their value once per commit
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUEUE_COUNTERS_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);

        for (Channel channel : Channel.values()) {
            topology.addSink(dueTaskSink(channel), Topics.dueTasks(channel), new StringSerializer(),
                    new AvroSerializer<>(DueTask.class), PROCESSOR);
        }
        for (String topic : INPUT_TOPICS) {
            topology.addSink(deadLetterSink(topic), DeadLetters.topicFor(topic), new StringSerializer(),
                    new ByteArraySerializer(), PROCESSOR);
        }
        addMailboxLoop(topology, gate);
        addTenantGate(topology, gate, events);
        return topology;
    }

    /**
     * What the mailbox loop (issue 24) adds: the release times of pauses with an end; the tenants' suppression lists
     * (a global store whose topic the processor writes); the SKIPPED receipts of suppressed email tasks.
     */
    private static void addMailboxLoop(Topology topology, GateTopics gate) {
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PAUSE_RELEASES_STORE),
                Serdes.Bytes(), Serdes.ByteArray()), PROCESSOR);
        JsonStoreSerde<AddressSuppression.Entry> entries = new JsonStoreSerde<>(AddressSuppression.Entry.class);
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ADDRESS_SUPPRESSIONS_STORE), Serdes.String(),
                        entries).withLoggingDisabled(), // its topic is its changelog
                "address-suppressions-source", new StringDeserializer(), entries.deserializer(), gate.suppressions(),
                "address-suppressions-updater", AddressSuppressions.Updater::new);
        topology.addSink(ADDRESS_SUPPRESSIONS_SINK, gate.suppressions(), new StringSerializer(), entries.serializer(),
                PROCESSOR);
        topology.addSink(RECEIPTS_SINK, Topics.RECEIPTS, new StringSerializer(), new AvroSerializer<>(Receipt.class),
                PROCESSOR);
    }

    /** The tenant-keyed part: the quota gate and the failure alerts, each with its own store. */
    private static void addTenantGate(Topology topology, GateTopics gate, SchedulerEvents events) {
        topology.addSink(GATE_REQUESTS_SINK, gate.requests(), new StringSerializer(),
                new JsonStoreSerde<>(GateRequest.class).serializer(), PROCESSOR);
        topology.addSource("quota-gate-source", new StringDeserializer(),
                new JsonStoreSerde<>(GateRequest.class).deserializer(), gate.requests());
        topology.addProcessor(QUOTA_GATE, () -> new QuotaGateProcessor(events), "quota-gate-source");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(QUOTA_STORE),
                Serdes.String(), new JsonStoreSerde<>(QuotaPolicy.Usage.class)), QUOTA_GATE);
        // answers go back to the partition that asked (the decisions topic is co-partitioned with the lead topics)
        StreamPartitioner<String, GateDecision> toRequester = (topic, tenantId, decision, partitions) ->
                Optional.of(Set.of(decision.partition()));
        topology.addSink(DECISIONS_SINK, gate.decisions(), new StringSerializer(),
                new JsonStoreSerde<>(GateDecision.class).serializer(), toRequester, QUOTA_GATE);
        topology.addSink(QUOTA_ALERTS_SINK, Topics.ALERTS, new StringSerializer(), new AvroSerializer<>(Alert.class),
                QUOTA_GATE);

        // the lead side forwards each receipt it applied, except a person's sending of a draft (counted at DRAFTED)
        topology.addSink(RECEIPTS_BY_TENANT_SINK, gate.receipts(), new StringSerializer(),
                new AvroSerializer<>(Receipt.class), PROCESSOR);
        topology.addSource("tenant-receipts", new StringDeserializer(), new AvroDeserializer<>(Receipt.class),
                gate.receipts());
        topology.addProcessor(FAILURE_ALERTS, () -> new FailureAlertProcessor(events), "tenant-receipts");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FAILURE_STREAKS_STORE),
                Serdes.String(), new JsonStoreSerde<>(FailureAlertPolicy.Streak.class)), FAILURE_ALERTS);
        topology.addSink("failure-alerts-sink", Topics.ALERTS, new StringSerializer(),
                new AvroSerializer<>(Alert.class), FAILURE_ALERTS);
    }

    /**
     * A tenant's settings from the global store, or the contract defaults for a tenant without a record. A stored
     * value naming another tenant counts as no record: the updater refuses those, but a store written by an earlier
     * version (restored from its local checkpoint, not replayed) may still hold one.
     */
    public static TenantSettings settingsOf(ReadOnlyKeyValueStore<String, TenantSettings> store, String tenantId) {
        TenantSettings stored = store.get(tenantId);
        return stored != null && tenantId.equals(stored.getTenantId()) ? stored
                : TenantSettings.newBuilder().setTenantId(tenantId).build();
    }

    private static <T> BoundedDeserializer<T> bounded(org.apache.kafka.common.serialization.Deserializer<T> inner) {
        return new BoundedDeserializer<>(inner, MAX_INPUT_RECORD_BYTES);
    }

    static String dueTaskSink(Channel channel) {
        return "due-tasks-" + channel.name().toLowerCase(java.util.Locale.ROOT);
    }

    static String deadLetterSink(String topic) {
        return "dlq-" + topic;
    }
}
