package dev.followup.scheduler.topology;

import dev.followup.events.Identifiers;
import dev.followup.events.SequenceKey;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.SequenceStep;
import dev.followup.scheduler.policy.InvalidInputException;
import dev.followup.scheduler.policy.SequencePolicy;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global sequences store in step with {@code followup.sequences.v1} (a tombstone deletes). A record whose
 * key is not {@code tenantId:sequenceId} of its value, or with a step whose {@code templateId} is not an identifier,
 * or a recurring step firing more often than {@link SchedulerSettings#recurrenceMinInterval()}, is skipped, counted
 * and logged: a global store cannot dead-letter, a wrong key must not shadow another tenant's
 * sequence, and a path-like template id must not reach the executor. The tenant keeps its last good definition.
 * Kafka Streams replays the topic through this processor when it restores the store, so the rules hold after a
 * restart too.
 */
final class SequenceDefinitionUpdater implements Processor<String, SequenceDefinition, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(SequenceDefinitionUpdater.class);

    private final SchedulerEvents events;
    private final Duration minInterval;
    private KeyValueStore<String, SequenceDefinition> store;

    SequenceDefinitionUpdater(SchedulerEvents events, Duration minInterval) {
        this.events = events;
        this.minInterval = minInterval;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(SchedulerTopology.SEQUENCES_STORE);
    }

    @Override
    public void process(Record<String, SequenceDefinition> record) {
        String error = problem(record.key(), record.value(), minInterval);
        if (error != null) {
            events.sequenceDefinitionRejected();
            log.atWarn().setMessage("sequence.definition_ignored").addKeyValue("error", error).log();
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
    }

    private static String problem(String key, SequenceDefinition value, Duration minInterval) {
        SequenceKey parsed;
        try {
            parsed = SequenceKey.parse(key);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (value == null) {
            return null;
        }
        if (!(parsed.tenantId().equals(value.getTenantId()) && parsed.sequenceId().equals(value.getSequenceId()))) {
            return "sequence key '" + key + "' does not match tenantId:sequenceId '" + value.getTenantId() + ":"
                    + value.getSequenceId() + "'";
        }
        List<SequenceStep> steps = value.getSteps();
        for (int i = 0; steps != null && i < steps.size(); i++) {
            String templateId = steps.get(i).getTemplateId();
            if (templateId != null && !Identifiers.isValid(templateId)) {
                return "sequence " + key + " " + Identifiers.describe("steps[" + i + "].templateId", templateId);
            }
        }
        try {
            // a repeat that does not parse is left to the enrollment, which dead-letters the command naming it
            SequencePolicy.requireMinInterval(value, minInterval);
        } catch (InvalidInputException e) {
            return e.getMessage();
        }
        return null;
    }
}
