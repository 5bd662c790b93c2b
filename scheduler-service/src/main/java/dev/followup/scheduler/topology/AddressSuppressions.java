package dev.followup.scheduler.topology;

import dev.followup.events.LeadKey;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.TaskReason;
import dev.followup.scheduler.policy.AddressSuppression;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants' suppression lists ({@link AddressSuppression}) as the lead-keyed processor uses them. The list is a
 * global store ({@value SchedulerTopology#ADDRESS_SUPPRESSIONS_STORE}) read from the scheduler's compacted topic
 * {@code <application-id>-address-suppressions}, its changelog: a lead of any partition must see what a lead of another
 * partition put there. An opt-out writes its entry to that topic in the processor's transaction; every instance's global
 * store has it once the transaction commits and the global thread reads it (milliseconds later).
 */
final class AddressSuppressions {

    /** The processor's log category, which these events have always had. */
    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);

    private final ReadOnlyKeyValueStore<String, AddressSuppression.Entry> list;
    private final ProcessorContext<String, Object> context;
    private final TaskBook book;
    private final JourneyRecorder journey;
    private final SequenceSteps sequences;
    private final SchedulerEvents events;

    AddressSuppressions(ReadOnlyKeyValueStore<String, AddressSuppression.Entry> list,
            ProcessorContext<String, Object> context, TaskBook book, JourneyRecorder journey, SequenceSteps sequences,
            SchedulerEvents events) {
        this.list = list;
        this.context = context;
        this.book = book;
        this.journey = journey;
        this.sequences = sequences;
        this.events = events;
    }

    /** The lead opted out at {@code at}: its current address (if it has one) goes onto its tenant's list. */
    void add(LeadKey key, LeadProfile profile, Instant at) {
        String entry = AddressSuppression.key(key.tenantId(), profile.email());
        if (entry == null) {
            log.atInfo().setMessage("address.suppression_skipped").addKeyValue("tenantId", key.tenantId())
                    .addKeyValue("leadId", key.leadId()).addKeyValue("reason", "no address").log();
            return;
        }
        if (list.get(entry) != null) {
            return; // already there (a replay, or another lead with the same address)
        }
        context.forward(new Record<String, Object>(entry, new AddressSuppression.Entry(at), at.toEpochMilli()),
                SchedulerTopology.ADDRESS_SUPPRESSIONS_SINK);
        events.addressSuppressed();
        log.atInfo().setMessage("address.suppressed").addKeyValue("tenantId", key.tenantId())
                .addKeyValue("leadId", key.leadId()).log();
    }

    /**
     * If {@code task}, due now, is an email to an address on its tenant's list: ends it SKIPPED ({@value
     * AddressSuppression#REASON}) instead of emitting it, publishes the SKIPPED receipt, records it in the journey and
     * goes on with its sequence as a receipt would. Whether it did.
     *
     * @param profile the lead's stored profile, null for a lead never captured (no address)
     */
    boolean skipIfSuppressed(ScheduledTask task, LeadProfile profile, Instant now) {
        if (!AddressSuppression.applies(task.channel()) || profile == null) {
            return false;
        }
        String entry = AddressSuppression.key(task.tenantId(), profile.email());
        if (entry == null || list.get(entry) == null) {
            return false;
        }
        LeadKey lead = LeadKey.of(task.tenantId(), task.leadId());
        Receipt receipt = AddressSuppression.skipped(task, now);
        context.forward(new Record<String, Object>(lead.toString(), receipt, now.toEpochMilli()),
                SchedulerTopology.RECEIPTS_SINK);
        journey.receipt(receipt, task, false);
        ScheduledTask skipped = task.withStatus(TaskStatus.SKIPPED, now, AddressSuppression.REASON);
        book.save(task, skipped);
        if (task.occurrence() != null) { // as if emitted: the next occurrence is planned
            sequences.afterOccurrenceEmitted(lead, task, now);
        }
        if (task.source() == TaskReason.SEQUENCE) { // as if reported: the next step is chained
            sequences.afterReceipt(lead, skipped, receipt);
        }
        events.taskSuppressed(task.channel());
        log.atInfo().setMessage("task.suppressed").addKeyValue("taskId", task.taskId())
                .addKeyValue("tenantId", task.tenantId()).addKeyValue("leadId", task.leadId())
                .addKeyValue("reason", AddressSuppression.REASON).log();
        return true;
    }

    /**
     * Keeps the global store in step with its topic. A record whose key is not {@code tenantId:} + 64 hex digits is
     * skipped (the scheduler writes no other; anything else on the topic is a mistake, not an address to suppress).
     */
    static final class Updater implements Processor<String, AddressSuppression.Entry, Void, Void> {

        private KeyValueStore<String, AddressSuppression.Entry> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(SchedulerTopology.ADDRESS_SUPPRESSIONS_STORE);
        }

        @Override
        public void process(Record<String, AddressSuppression.Entry> record) {
            if (!AddressSuppression.isKey(record.key())) {
                log.atWarn().setMessage("address.suppression_record_skipped").addKeyValue("reason", "malformed key")
                        .log();
                return;
            }
            store.put(record.key(), record.value()); // null deletes: an operator's tombstone lifts a suppression
        }
    }
}
