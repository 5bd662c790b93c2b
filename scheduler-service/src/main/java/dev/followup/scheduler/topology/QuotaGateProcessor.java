package dev.followup.scheduler.topology;

import dev.followup.events.v1.Alert;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.BookingFollowUpPolicy;
import dev.followup.scheduler.policy.GatePolicy;
import dev.followup.scheduler.policy.InvalidInputException;
import dev.followup.scheduler.policy.QuotaPolicy;
import dev.followup.scheduler.policy.QuotaPolicy.Usage;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenant-keyed gate every due task passes before it fires. Its input is partitioned by tenant, so one instance
 * sees all of a tenant's tasks and its counters ({@value SchedulerTopology#QUOTA_STORE}) are exact. For each task of
 * a {@link GateRequest}, in order, at the time it is processed ({@link GatePolicy}):
 * <ol>
 *   <li>outside the send window (settings or the lead's zone may have changed since the task was planned, or the
 *       task is overdue after downtime) → defer to the next window start, not counted;</li>
 *   <li>over {@code maxTasksPerDay} / {@code maxTasksPerMinute} → defer ({@link QuotaPolicy}) to the next day or
 *       minute, moved into the send window, and the day's first deferral raises a {@code QUOTA_EXHAUSTED} alert;</li>
 *   <li>otherwise → go, counted.</li>
 * </ol>
 * The answers ({@link GateDecision}, one record per request record) go back to the requesting partition, where the
 * due-time engine fires each task or re-arms it at the deferred time. The gate never drops a request and never fails
 * on bad settings: an invalid zone or window is logged and the rule it belongs to is skipped (the planning side
 * dead-letters such input already).
 */
final class QuotaGateProcessor implements Processor<String, GateRequest, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(QuotaGateProcessor.class);

    private final SchedulerEvents events;
    private final GateAnswers answers;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Usage> usage;
    private KeyValueStore<String, TenantSettings> tenantSettings;

    QuotaGateProcessor(SchedulerEvents events) {
        this.events = events;
        this.answers = new GateAnswers(events);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        usage = context.getStateStore(SchedulerTopology.QUOTA_STORE);
        tenantSettings = context.getStateStore(SchedulerTopology.TENANT_SETTINGS_STORE);
    }

    @Override
    public void process(Record<String, GateRequest> record) {
        GateRequest request = record.value();
        if (request == null || request.tasks() == null) {
            return;
        }
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        String tenantId = request.tenantId();
        TenantSettings settings = SchedulerTopology.settingsOf(tenantSettings, tenantId);
        ZoneId tenantZone = tenantZone(settings);
        Usage counters = usage.get(tenantId);
        List<GateDecision.Item> decisions = new ArrayList<>(request.tasks().size());
        for (GateRequest.Item task : request.tasks()) {
            GateDecision.Item outside = answers.outsideWindow(tenantId, task, settings, now);
            if (outside != null) {
                decisions.add(outside);
                continue;
            }
            QuotaPolicy.Decision decision = QuotaPolicy.decide(counters, settings, tenantId, tenantZone, now);
            counters = decision.usage();
            if (decision instanceof QuotaPolicy.Defer defer) {
                defer.alert().ifPresent(alert -> raise(alert, now));
                decisions.add(answers.overQuota(tenantId, task, settings, defer));
            } else {
                decisions.add(GateDecision.Item.go(task));
            }
        }
        if (counters != null) {
            usage.put(tenantId, counters);
        }
        context.forward(new Record<>(tenantId, (Object) new GateDecision(tenantId, request.partition(), decisions),
                now.toEpochMilli()), SchedulerTopology.DECISIONS_SINK);
    }

    private void raise(Alert alert, Instant now) {
        context.forward(new Record<>(alert.getTenantId(), (Object) alert, now.toEpochMilli()),
                SchedulerTopology.QUOTA_ALERTS_SINK);
        events.alertRaised(alert.getKind());
        log.atWarn().setMessage("alert.raised").addKeyValue("tenantId", alert.getTenantId())
                .addKeyValue("kind", alert.getKind()).addKeyValue("alertId", alert.getAlertId())
                .addKeyValue("details", alert.getDetails()).log();
    }

    private static ZoneId tenantZone(TenantSettings settings) {
        try {
            return BookingFollowUpPolicy.zone("tenant settings timezone", settings.getTimezone());
        } catch (InvalidInputException e) {
            log.atWarn().setMessage("gate.tenant_zone_invalid").addKeyValue("tenantId", settings.getTenantId())
                    .addKeyValue("error", e.getMessage()).log();
            return ZoneOffset.UTC;
        }
    }
}
