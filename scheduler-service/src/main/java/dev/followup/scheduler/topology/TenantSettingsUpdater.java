package dev.followup.scheduler.topology;

import dev.followup.events.Identifiers;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.InvalidInputException;
import dev.followup.scheduler.policy.WorkingCalendar;
import java.util.Optional;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global tenant-settings store in step with its topic (a tombstone restores the defaults). A record whose
 * key is not a valid identifier or not its value's {@code tenantId} is skipped, counted and logged: a global store
 * cannot dead-letter, and a wrong key must not give one tenant another's settings. A tombstone with an invalid key
 * is ignored (no valid record can be stored under it). A record whose {@code holidayCalendar} or {@code blackoutDates}
 * the API would refuse is skipped the same way, and the tenant keeps its last good settings. {@link Topology#addGlobalStore} replays the topic through
 * this processor on restore (Kafka Streams 4.2), so a skipped record stays skipped after a restart.
 */
final class TenantSettingsUpdater implements Processor<String, TenantSettings, Void, Void> {

    /** The log category it had as a nested class of {@link SchedulerTopology}. */
    private static final Logger log = LoggerFactory.getLogger(SchedulerTopology.class.getName() + "$TenantSettingsUpdater");

    private final SchedulerEvents events;
    private KeyValueStore<String, TenantSettings> store;

    TenantSettingsUpdater(SchedulerEvents events) {
        this.events = events;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(SchedulerTopology.TENANT_SETTINGS_STORE);
    }

    @Override
    public void process(Record<String, TenantSettings> record) {
        String key = record.key();
        TenantSettings value = record.value();
        if (!Identifiers.isValid(key)) {
            if (value != null) {
                reject(key, value, "invalid_key", Identifiers.describe("key", key));
            }
            return;
        }
        if (value == null) {
            store.delete(key);
        } else if (!key.equals(value.getTenantId())) {
            reject(key, value, "key_mismatch", "key is not the value's tenantId");
        } else {
            Optional<String> invalid = calendarProblem(value);
            if (invalid.isPresent()) {
                reject(key, value, "invalid_value", invalid.get());
            } else {
                store.put(key, value);
            }
        }
    }

    /** A calendar the API would have refused (written straight to the topic): the last good settings stay. */
    private static Optional<String> calendarProblem(TenantSettings value) {
        try {
            WorkingCalendar.of(value);
            return Optional.empty();
        } catch (InvalidInputException e) {
            return Optional.of(e.getMessage());
        }
    }

    private void reject(String key, TenantSettings value, String reason, String detail) {
        events.tenantSettingsRejected(reason);
        // ids only: a settings record carries no contact data, and none is logged
        log.atWarn().setMessage("tenant-settings.rejected").addKeyValue("key", shorten(key))
                .addKeyValue("valueTenant", shorten(value.getTenantId())).addKeyValue("reason", reason)
                .addKeyValue("detail", detail).log();
    }

    private static String shorten(String s) {
        return s == null ? null : s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
