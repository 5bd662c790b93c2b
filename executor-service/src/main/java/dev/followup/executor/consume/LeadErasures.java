package dev.followup.executor.consume;

import dev.followup.events.v1.Channel;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what this instance's channels drafted for an erased lead (Maildir files, IMAP drafts, outbox lines), on a
 * thread of its own, as {@link LeadSuppressions} reads each erasure: live, and at startup those within the horizon
 * (so an erasure written while the executor was down is applied; deleting again finds nothing). A failed deletion
 * (a mailbox down) is tried again after 1 s, doubling up to 5 min, for as long as the erasure is within the horizon.
 * Waits for the tenant settings first: they say which mailbox holds the lead's drafts.
 */
public final class LeadErasures implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeadErasures.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofMinutes(5);

    private final List<Channel> channels;
    private final TaskDrafting drafting;
    private final TenantSettingsView settings;
    private final LeadSuppressions suppressions;
    private final MeterRegistry meters;
    private final ScheduledThreadPoolExecutor eraser = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "lead-erasures");
        t.setDaemon(true);
        return t;
    });

    public LeadErasures(List<Channel> channels, TaskDrafting drafting, TenantSettingsView settings,
            LeadSuppressions suppressions, MeterRegistry meters) {
        this.channels = List.copyOf(channels);
        this.drafting = drafting;
        this.settings = settings;
        this.suppressions = suppressions;
        this.meters = meters;
        suppressions.onErased((tenant, lead) -> eraser.execute(() -> erase(tenant, lead, FIRST_RETRY)));
    }

    private void erase(String tenantId, String leadId, Duration nextRetry) {
        if (suppressions.of(tenantId, leadId).isEmpty()) {
            return; // beyond the horizon: given up
        }
        if (!settings.current()) {
            eraser.schedule(() -> erase(tenantId, leadId, nextRetry), FIRST_RETRY.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        try {
            for (Channel channel : channels) {
                Map<String, Integer> removed = drafting.erase(tenantId, leadId, channel);
                removed.forEach((provider, n) -> meters.counter("followup.executor.erasures", "channel",
                        channel.name(), "provider", provider, "result", "done").increment());
                log.atInfo().setMessage("lead.drafts-erased").addKeyValue("tenant", tenantId).addKeyValue("lead", leadId)
                        .addKeyValue("channel", channel).addKeyValue("deleted", removed).log();
            }
        } catch (RuntimeException e) {
            meters.counter("followup.executor.erasures", "channel", "any", "provider", "any", "result", "failed")
                    .increment();
            log.atWarn().setMessage("lead.erasure-failed").addKeyValue("tenant", tenantId).addKeyValue("lead", leadId)
                    .addKeyValue("error", e.getMessage()).addKeyValue("retryInMs", nextRetry.toMillis()).log();
            Duration after = nextRetry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : nextRetry.multipliedBy(2);
            eraser.schedule(() -> erase(tenantId, leadId, after), nextRetry.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        eraser.shutdownNow();
    }
}
