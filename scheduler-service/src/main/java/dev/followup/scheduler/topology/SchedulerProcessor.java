package dev.followup.scheduler.topology;

import dev.followup.events.LeadKey;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.Receipt;
import dev.followup.scheduler.policy.InvalidInputException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lead-keyed processor: checks each input record's key, hands it to the handler of its kind, and dead-letters
 * input a rule refuses ({@link InvalidInputException}). The handlers apply the policies to the stores through
 * {@link TaskBook} (a task and its indexes change together); {@link Firing} sends tasks that come due to the tenant's
 * quota gate, whose answer comes back here. One instance per stream task (partition); all its state is in the task's
 * stores, so exactly-once processing commits input offsets, store changes and emitted tasks together.
 */
final class SchedulerProcessor implements Processor<String, Object, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);

    private final SchedulerSettings settings;
    private final SchedulerEvents events;

    private ProcessorContext<String, Object> context;
    private JourneyRecorder journey;
    private LeadEventHandler leadEvents;
    private BookingEventHandler bookingEvents;
    private CommandHandler commands;
    private ReceiptHandler receipts;
    private Firing firing;
    private LeadState leads;
    private PurgeIndex purgeIndex;

    SchedulerProcessor(SchedulerSettings settings, SchedulerEvents events) {
        this.settings = settings;
        this.events = events;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        journey = new JourneyRecorder(context.getStateStore(SchedulerTopology.JOURNEY_STORE));
        purgeIndex = new PurgeIndex(context.getStateStore(SchedulerTopology.PURGE_INDEX_STORE),
                context.getStateStore(SchedulerTopology.LEAD_ACTIVITY_STORE), settings.retention());
        TaskBook book = new TaskBook(context.getStateStore(SchedulerTopology.TASKS_STORE),
                context.getStateStore(SchedulerTopology.DUE_INDEX_STORE),
                context.getStateStore(SchedulerTopology.LEAD_TASKS_STORE),
                new QueueSummary(context.getStateStore(SchedulerTopology.QUEUE_COUNTERS_STORE)),
                journey, purgeIndex);
        leads = new LeadState(context.getStateStore(SchedulerTopology.LEAD_PROFILES_STORE),
                context.getStateStore(SchedulerTopology.TENANT_SETTINGS_STORE));
        EnrollmentBook enrollments = new EnrollmentBook(context.getStateStore(SchedulerTopology.ENROLLMENTS_STORE),
                purgeIndex);
        FollowUpPlanner planner = new FollowUpPlanner(book, enrollments, settings.dueTimeAdjuster(), events,
                settings.maxOpenTasksPerLead());
        SequenceSteps sequences = new SequenceSteps(context.getStateStore(SchedulerTopology.SEQUENCES_STORE),
                enrollments, leads, book, planner, settings.recurrenceMinInterval());
        AddressSuppressions suppressions = new AddressSuppressions(
                context.getStateStore(SchedulerTopology.ADDRESS_SUPPRESSIONS_STORE), context, book, journey, sequences,
                events);
        leadEvents = new LeadEventHandler(leads, book, enrollments, planner, suppressions);
        bookingEvents = new BookingEventHandler(leads, planner);
        LeadPauses pauses = new LeadPauses(leads, book, journey,
                context.getStateStore(SchedulerTopology.PAUSE_RELEASES_STORE));
        commands = new CommandHandler(leads, book, planner, sequences, pauses);
        receipts = new ReceiptHandler(book, journey, sequences);
        firing = new Firing(settings.maxEmitsPerTick(), events, context, book, leads, sequences, suppressions);
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, now -> {
            pauses.releaseDue(now, settings.maxEmitsPerTick()); // first: what it releases overdue fires in this tick
            firing.emitDue(now);
        });
        Purger purger = new Purger(purgeIndex, book, enrollments, leads, journey,
                context.getStateStore(SchedulerTopology.TASKS_STORE),
                context.getStateStore(SchedulerTopology.ENROLLMENTS_STORE),
                context.getStateStore(SchedulerTopology.LEAD_PROFILES_STORE), events);
        context.schedule(settings.retention().purgeInterval(), PunctuationType.WALL_CLOCK_TIME, purger::purge);
        if (!book.indexesBackfilled()) { // its tasks get queue counts and open-task entries (a new store: at once)
            Cancellable[] backfill = new Cancellable[1];
            backfill[0] = context.schedule(settings.retention().purgeInterval(), PunctuationType.WALL_CLOCK_TIME,
                    now -> {
                        events.tasksBackfilled(book.backfillIndexes(settings.retention().maxPurgesPerTick()));
                        if (book.indexesBackfilled()) {
                            backfill[0].cancel();
                        }
                    });
        }
    }

    @Override
    public void process(Record<String, Object> record) {
        Object value = record.value();
        journey.processing(record.timestamp());
        try {
            LeadKey active = null;
            if (value == null) {
                throw new InvalidInputException("value is null (tombstones are not events)");
            } else if (value instanceof LeadEvent e) {
                active = leadKey(record.key(), e.getTenantId(), e.getLeadId());
                leadEvents.on(active, e);
                journey.leadEvent(e);
            } else if (value instanceof BookingEvent e) {
                active = leadKey(record.key(), e.getTenantId(), e.getLeadId());
                bookingEvents.on(active, e);
                journey.bookingEvent(e, leads.profile(active).erased());
            } else if (value instanceof Command c) {
                if (c.getLeadId() == null) {
                    throw new InvalidInputException("leadId is required for " + c.getPayload().getClass().getSimpleName());
                }
                active = leadKey(record.key(), c.getTenantId(), c.getLeadId());
                commands.on(active, c);
                journey.command(c);
            } else if (value instanceof Receipt r) {
                active = leadKey(record.key(), r.getTenantId(), r.getLeadId());
                if (receipts.on(active, r)) { // re-keyed by tenant for the failure alerts
                    context.forward(new Record<String, Object>(r.getTenantId(), r, record.timestamp()),
                            SchedulerTopology.RECEIPTS_BY_TENANT_SINK);
                }
            } else if (value instanceof GateDecision d) {
                firing.onGateDecision(d);
            }
            if (active != null) { // retention of the lead's journey and profile counts from its last input
                purgeIndex.leadActive(active.toString(), context.currentSystemTimeMs());
            }
        } catch (InvalidInputException e) {
            deadLetter(record, e);
        }
    }

    /** The lead's key, which must be the record's key. */
    private static LeadKey leadKey(String rawKey, String tenantId, String leadId) {
        LeadKey key;
        try {
            key = LeadKey.of(tenantId, leadId);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        if (!key.toString().equals(rawKey)) {
            throw new InvalidInputException("record key '" + rawKey + "' does not match tenantId:leadId '" + key + "'");
        }
        return key;
    }

    private void deadLetter(Record<String, Object> record, InvalidInputException error) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        byte[] bytes = record.value() instanceof SpecificRecord value ? reencode(meta.topic(), value) : null;
        context.forward(new Record<String, Object>(record.key(), bytes, record.timestamp(),
                DeadLetters.headers(record.headers(), error.getMessage(), error, meta.topic(), meta.partition(),
                        meta.offset())), SchedulerTopology.deadLetterSink(meta.topic()));
        events.deadLettered(meta.topic());
        log.atWarn().setMessage("record.dead_lettered").addKeyValue("topic", meta.topic())
                .addKeyValue("partition", meta.partition()).addKeyValue("offset", meta.offset())
                .addKeyValue("error", error.getMessage()).log();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] reencode(String topic, SpecificRecord value) {
        return new AvroSerializer(value.getClass()).serialize(topic, value);
    }
}
