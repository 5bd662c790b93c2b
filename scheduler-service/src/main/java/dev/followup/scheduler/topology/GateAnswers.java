package dev.followup.scheduler.topology;

import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.GatePolicy;
import dev.followup.scheduler.policy.InvalidInputException;
import dev.followup.scheduler.policy.QuotaPolicy;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate's answer for one due task under {@link GatePolicy}, each deferral counted and logged. Used by the quota
 * gate and, for a tenant without quotas (nothing to count, so no round trip), by the firing side itself.
 */
final class GateAnswers {

    /** The quota gate's log category, which these events have always had. */
    private static final Logger log = LoggerFactory.getLogger(QuotaGateProcessor.class);

    private final SchedulerEvents events;

    GateAnswers(SchedulerEvents events) {
        this.events = events;
    }

    /** Rule 1: a deferral to the window's next start if {@code task} is outside its send window at {@code now}, else null. */
    GateDecision.Item outsideWindow(String tenantId, GateRequest.Item task, TenantSettings settings, Instant now) {
        Instant windowOpens = inWindow(tenantId, task, windowed(task, settings), settings, now);
        return windowOpens.isAfter(now)
                ? deferred(task, windowOpens, GatePolicy.OUTSIDE_WINDOW, GatePolicy.SEND_WINDOW)
                : null;
    }

    /** Rule 2: the deferral of {@code task} over a quota, to the quota's end moved into the send window. */
    GateDecision.Item overQuota(String tenantId, GateRequest.Item task, TenantSettings settings,
            QuotaPolicy.Defer defer) {
        Instant until = inWindow(tenantId, task, windowed(task, settings), settings, defer.until());
        return deferred(task, until, GatePolicy.quotaReason(defer), GatePolicy.quotaMetricReason(defer.limit()));
    }

    private static boolean windowed(GateRequest.Item task, TenantSettings settings) {
        return GatePolicy.windowed(task.source(), task.channel(), task.windowExempt(), settings);
    }

    /** {@link GatePolicy#windowOpens}, or {@code at} (the window rule skipped, and logged) if the settings are bad. */
    private static Instant inWindow(String tenantId, GateRequest.Item task, boolean windowed, TenantSettings settings,
            Instant at) {
        try {
            return GatePolicy.windowOpens(at, windowed, settings, task.leadTimezone());
        } catch (InvalidInputException e) {
            log.atWarn().setMessage("gate.window_skipped").addKeyValue("tenantId", tenantId)
                    .addKeyValue("error", e.getMessage()).log();
            return at;
        }
    }

    private GateDecision.Item deferred(GateRequest.Item task, Instant until, String reason, String metricReason) {
        events.taskDeferred(task.channel(), metricReason);
        log.atDebug().setMessage("task.deferred").addKeyValue("taskId", task.taskId())
                .addKeyValue("reason", metricReason).addKeyValue("until", until).log();
        return GateDecision.Item.defer(task, until, reason);
    }
}
