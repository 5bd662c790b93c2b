package dev.followup.scheduler.topology;

import dev.followup.events.v1.Alert;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.BookingFollowUpPolicy;
import dev.followup.scheduler.policy.InvalidInputException;
import dev.followup.scheduler.policy.QuotaPolicy;
import dev.followup.scheduler.policy.QuotaPolicy.Usage;
import dev.followup.scheduler.policy.SendWindowPolicy;
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
 * a {@link GateRequest}, in order, at the time it is processed:
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
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Usage> usage;
    private KeyValueStore<String, TenantSettings> tenantSettings;

    QuotaGateProcessor(SchedulerEvents events) {
        this.events = events;
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
        List<GateDecision.Item> answers = new ArrayList<>(request.tasks().size());
        for (GateRequest.Item task : request.tasks()) {
            boolean windowed = windowed(task, settings);
            GateDecision.Item outside = windowRule(tenantId, task, settings, now, events);
            if (outside != null) {
                answers.add(outside);
                continue;
            }
            QuotaPolicy.Decision decision = QuotaPolicy.decide(counters, settings, tenantId, tenantZone, now);
            counters = decision.usage();
            if (decision instanceof QuotaPolicy.Defer defer) {
                Instant until = windowed ? inWindow(tenantId, task, settings, defer.until()) : defer.until();
                defer.alert().ifPresent(alert -> raise(alert, now));
                answers.add(deferred(task, until, defer.limit().setting() + " " + defer.max() + " reached",
                        defer.limit() == QuotaPolicy.Limit.PER_DAY ? "quota_day" : "quota_minute", events));
            } else {
                answers.add(GateDecision.Item.go(task));
            }
        }
        if (counters != null) {
            usage.put(tenantId, counters);
        }
        context.forward(new Record<>(tenantId, (Object) new GateDecision(tenantId, request.partition(), answers),
                now.toEpochMilli()), SchedulerTopology.DECISIONS_SINK);
    }

    /**
     * Rule 1 alone, for a tenant without quotas, whose due tasks need no tenant-wide count and so skip the gate's round
     * trip: a deferral to the window's next start if {@code task} is outside its send window at {@code now}, else null
     * (the task may fire now).
     */
    static GateDecision.Item windowRule(String tenantId, GateRequest.Item task, TenantSettings settings, Instant now,
            SchedulerEvents events) {
        Instant windowOpens = windowed(task, settings) ? inWindow(tenantId, task, settings, now) : now;
        return windowOpens.isAfter(now)
                ? deferred(task, windowOpens, "outside the send window", "send_window", events)
                : null;
    }

    private static boolean windowed(GateRequest.Item task, TenantSettings settings) {
        return !task.windowExempt() && SendWindowPolicy.appliesTo(task.source(), task.channel(), settings);
    }

    private static GateDecision.Item deferred(GateRequest.Item task, Instant until, String reason, String metricReason,
            SchedulerEvents events) {
        events.taskDeferred(task.channel(), metricReason);
        log.atDebug().setMessage("task.deferred").addKeyValue("taskId", task.taskId())
                .addKeyValue("reason", metricReason).addKeyValue("until", until).log();
        return GateDecision.Item.defer(task, until, reason);
    }

    private void raise(Alert alert, Instant now) {
        context.forward(new Record<>(alert.getTenantId(), (Object) alert, now.toEpochMilli()),
                SchedulerTopology.QUOTA_ALERTS_SINK);
        events.alertRaised(alert.getKind());
        log.atWarn().setMessage("alert.raised").addKeyValue("tenantId", alert.getTenantId())
                .addKeyValue("kind", alert.getKind()).addKeyValue("alertId", alert.getAlertId())
                .addKeyValue("details", alert.getDetails()).log();
    }

    /** The first instant at or after {@code at} inside the task's send window; {@code at} if the settings are bad. */
    private static Instant inWindow(String tenantId, GateRequest.Item task, TenantSettings settings, Instant at) {
        try {
            return SendWindowPolicy.nextAllowed(at, settings, task.leadTimezone());
        } catch (InvalidInputException e) {
            log.atWarn().setMessage("gate.window_skipped").addKeyValue("tenantId", tenantId)
                    .addKeyValue("error", e.getMessage()).log();
            return at;
        }
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
