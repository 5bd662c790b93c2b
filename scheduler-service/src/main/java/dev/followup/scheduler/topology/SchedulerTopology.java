package dev.followup.scheduler.topology;

import dev.followup.events.Topics;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.serde.AvroSerde;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.Enrollment;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.ScheduledTask;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The scheduler's topology, in one place. Four co-partitioned inputs (lead events, booking events, commands,
 * receipts; all keyed {@code tenantId:leadId}) feed one {@link SchedulerProcessor} that owns the stores:
 * <ul>
 *   <li>{@value #TASKS_STORE}: task id → {@link ScheduledTask} (every status, for the query API);</li>
 *   <li>{@value #DUE_INDEX_STORE}: {@link DueIndexKey} → channel and tenant of each PENDING task;</li>
 *   <li>{@value #LEAD_TASKS_STORE}: {@code tenantId:leadId/taskId} → empty, every task of a lead (cancel-all, queries);</li>
 *   <li>{@value #LEAD_PROFILES_STORE}: {@code tenantId:leadId} → {@link LeadProfile} (contact snapshot, blocks, pause);</li>
 *   <li>{@value #ENROLLMENTS_STORE}: {@code tenantId:leadId/sequenceId} → {@link Enrollment} (the lead's latest
 *       enrollment in each sequence);</li>
 *   <li>{@value #TENANT_SETTINGS_STORE}: global store of {@code followup.tenant-settings.v1};</li>
 *   <li>{@value #SEQUENCES_STORE}: global store of {@code followup.sequences.v1} ({@code tenantId:sequenceId}).</li>
 * </ul>
 * All RocksDB, logged to compacted changelogs. Due tasks go to {@code followup.due-tasks.<channel>.v1}; invalid input
 * to {@code <topic>.dlq}.
 */
public final class SchedulerTopology {

    public static final String TASKS_STORE = "tasks";
    public static final String DUE_INDEX_STORE = "due-index";
    public static final String LEAD_TASKS_STORE = "lead-tasks";
    public static final String LEAD_PROFILES_STORE = "lead-profiles";
    public static final String TENANT_SETTINGS_STORE = "tenant-settings";
    public static final String ENROLLMENTS_STORE = "enrollments";
    public static final String SEQUENCES_STORE = "sequences";

    static final String PROCESSOR = "scheduler";
    static final List<String> INPUT_TOPICS = List.of(Topics.LEAD_EVENTS, Topics.BOOKING_EVENTS, Topics.COMMANDS,
            Topics.RECEIPTS);

    private SchedulerTopology() {
    }

    public static Topology build(SchedulerSettings settings, SchedulerEvents events) {
        Topology topology = new Topology();
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TENANT_SETTINGS_STORE), Serdes.String(),
                        AvroSerde.of(TenantSettings.class)).withLoggingDisabled(),
                "tenant-settings-source", new StringDeserializer(), new AvroDeserializer<>(TenantSettings.class),
                Topics.TENANT_SETTINGS, "tenant-settings-updater", TenantSettingsUpdater::new);
        topology.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEQUENCES_STORE), Serdes.String(),
                        AvroSerde.of(SequenceDefinition.class)).withLoggingDisabled(),
                "sequences-source", new StringDeserializer(), new AvroDeserializer<>(SequenceDefinition.class),
                Topics.SEQUENCES, "sequences-updater", SequenceDefinitionUpdater::new);

        topology.addSource("lead-events", new StringDeserializer(), new AvroDeserializer<>(LeadEvent.class),
                Topics.LEAD_EVENTS);
        topology.addSource("booking-events", new StringDeserializer(), new AvroDeserializer<>(BookingEvent.class),
                Topics.BOOKING_EVENTS);
        topology.addSource("commands", new StringDeserializer(), new AvroDeserializer<>(Command.class),
                Topics.COMMANDS);
        topology.addSource("receipts", new StringDeserializer(), new AvroDeserializer<>(Receipt.class),
                Topics.RECEIPTS);
        topology.addProcessor(PROCESSOR, () -> new SchedulerProcessor(settings, events),
                "lead-events", "booking-events", "commands", "receipts");

        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TASKS_STORE),
                Serdes.String(), new JsonStoreSerde<>(ScheduledTask.class)), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DUE_INDEX_STORE),
                Serdes.Bytes(), Serdes.ByteArray()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEAD_TASKS_STORE),
                Serdes.String(), Serdes.ByteArray()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEAD_PROFILES_STORE),
                Serdes.String(), new JsonStoreSerde<>(LeadProfile.class)), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ENROLLMENTS_STORE),
                Serdes.String(), new JsonStoreSerde<>(Enrollment.class)), PROCESSOR);

        for (Channel channel : Channel.values()) {
            topology.addSink(dueTaskSink(channel), Topics.dueTasks(channel), new StringSerializer(),
                    new AvroSerializer<>(DueTask.class), PROCESSOR);
        }
        for (String topic : INPUT_TOPICS) {
            topology.addSink(deadLetterSink(topic), DeadLetters.topicFor(topic), new StringSerializer(),
                    new ByteArraySerializer(), PROCESSOR);
        }
        return topology;
    }

    static String dueTaskSink(Channel channel) {
        return "due-tasks-" + channel.name().toLowerCase(java.util.Locale.ROOT);
    }

    static String deadLetterSink(String topic) {
        return "dlq-" + topic;
    }

    /** Keeps the global tenant-settings store in step with its topic (a tombstone restores the defaults). */
    static final class TenantSettingsUpdater implements Processor<String, TenantSettings, Void, Void> {

        private KeyValueStore<String, TenantSettings> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(TENANT_SETTINGS_STORE);
        }

        @Override
        public void process(Record<String, TenantSettings> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(record.key());
            } else {
                store.put(record.key(), record.value());
            }
        }
    }

}
