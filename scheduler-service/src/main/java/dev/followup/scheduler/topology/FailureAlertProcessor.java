package dev.followup.scheduler.topology;

import dev.followup.events.v1.Alert;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.FailureAlertPolicy;
import dev.followup.scheduler.policy.FailureAlertPolicy.Streak;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenant-keyed: counts each tenant's consecutive failed receipts ({@value SchedulerTopology#FAILURE_STREAKS_STORE})
 * and raises a {@code FAILURE_THRESHOLD} alert per streak ({@link FailureAlertPolicy}). Receipts reach it re-keyed by
 * tenant by the lead-keyed processor, so one instance sees every receipt of a tenant (once per task outcome: a
 * person's sending of a draft is not forwarded, its DRAFTED receipt already counted).
 */
final class FailureAlertProcessor implements Processor<String, Receipt, String, Alert> {

    private static final Logger log = LoggerFactory.getLogger(FailureAlertProcessor.class);

    private final SchedulerEvents events;
    private ProcessorContext<String, Alert> context;
    private KeyValueStore<String, Streak> streaks;
    private KeyValueStore<String, TenantSettings> tenantSettings;

    FailureAlertProcessor(SchedulerEvents events) {
        this.events = events;
    }

    @Override
    public void init(ProcessorContext<String, Alert> context) {
        this.context = context;
        streaks = context.getStateStore(SchedulerTopology.FAILURE_STREAKS_STORE);
        tenantSettings = context.getStateStore(SchedulerTopology.TENANT_SETTINGS_STORE);
    }

    @Override
    public void process(Record<String, Receipt> record) {
        Receipt receipt = record.value();
        if (receipt == null) {
            return;
        }
        String tenantId = receipt.getTenantId();
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        int threshold = SchedulerTopology.settingsOf(tenantSettings, tenantId).getFailureAlertThreshold();
        FailureAlertPolicy.Streak before = streaks.get(tenantId);
        FailureAlertPolicy.Outcome outcome = FailureAlertPolicy.onReceipt(before, receipt, threshold, now);
        if (!outcome.streak().equals(before)) {
            // most receipts are successes of a tenant without a streak: no write, no changelog record for them
            streaks.put(tenantId, outcome.streak());
        }
        outcome.alert().ifPresent(alert -> {
            context.forward(new Record<>(tenantId, alert, now.toEpochMilli()));
            events.alertRaised(alert.getKind());
            log.atWarn().setMessage("alert.raised").addKeyValue("tenantId", tenantId)
                    .addKeyValue("kind", alert.getKind()).addKeyValue("alertId", alert.getAlertId())
                    .addKeyValue("consecutiveFailures", outcome.streak().failures()).log();
        });
    }
}
