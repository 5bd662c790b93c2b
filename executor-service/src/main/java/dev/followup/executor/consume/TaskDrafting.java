package dev.followup.executor.consume;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TenantSettings;
import dev.followup.executor.content.DraftRenderer;
import dev.followup.executor.content.RenderedDraft;
import dev.followup.executor.content.TemplateFailure;
import dev.followup.executor.content.UnsubscribeLinks;
import dev.followup.executor.policy.DeliveryDecision;
import dev.followup.executor.provider.DraftProvider;
import dev.followup.executor.provider.DraftProvider.DraftResult;
import dev.followup.executor.provider.ProviderFailure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One try of one task: suppression → settings → decision → content → provider, as a {@link DraftOutcome}. Never
 * throws.
 *
 * <p>An erased or opted-out lead ({@link LeadSuppressions}) is checked right before the provider call and again right
 * after it: a task whose drafting starts after the executor read the erasure never reaches a provider, and a draft
 * made while the erasure was being read is deleted here (the erasure's own deletion may have run before the draft
 * existed). Both end {@code SKIPPED} naming the reason. A draft already handed to a webhook cannot be taken back: it
 * stays {@code DRAFTED}, as does a draft made just before an opt-out (opt-outs delete nothing).
 */
public final class TaskDrafting {

    private final LeadSuppressions suppressions;
    private final TenantSettingsView settings;
    private final DraftRenderer renderer;
    private final Map<String, DraftProvider> providers;
    private final MeterRegistry meters;
    private final UnsubscribeLinks unsubscribe;

    /** Without unsubscribe links. */
    public TaskDrafting(LeadSuppressions suppressions, TenantSettingsView settings, DraftRenderer renderer,
            Map<String, DraftProvider> providers, MeterRegistry meters) {
        this(suppressions, settings, renderer, providers, meters, UnsubscribeLinks.disabled());
    }

    /**
     * @param providers   by name: {@code imap}, {@code maildir}, {@code webhook}, {@code outbox}
     * @param unsubscribe the {@code List-Unsubscribe} link (and body line) of email drafts
     */
    public TaskDrafting(LeadSuppressions suppressions, TenantSettingsView settings, DraftRenderer renderer,
            Map<String, DraftProvider> providers, MeterRegistry meters, UnsubscribeLinks unsubscribe) {
        this.suppressions = suppressions;
        this.settings = settings;
        this.renderer = renderer;
        this.providers = providers;
        this.meters = meters;
        this.unsubscribe = unsubscribe;
    }

    DraftOutcome draft(DueTask task) {
        TenantSettings tenant = settings.settingsOf(task.getTenantId());
        ChannelSettings channel = tenant.getChannels().get(task.getChannel().name());
        DraftProvider provider = providers.get(providerName(task.getChannel(), channel));
        Optional<LeadSuppressions.Reason> suppressed = suppressions.of(task.getTenantId(), task.getLeadId());
        if (suppressed.isPresent()) {
            if (suppressed.get() == LeadSuppressions.Reason.ERASED && task.getAttempt() > 1) {
                // a retry: an earlier try may have drafted and then failed to delete (below); idempotent
                try {
                    provider.erase(task.getTenantId(), task.getLeadId(), task.getChannel(), channel);
                } catch (ProviderFailure e) {
                    return new DraftOutcome.Retriable(provider.name(), "lead erased, but its drafts could not be "
                            + "deleted yet: " + e.getMessage(), errorClass(e));
                }
            }
            return skipped(task, provider, suppressed.get());
        }
        if (DeliveryDecision.of(tenant, channel) == DeliveryDecision.SEND_NOT_ENABLED) {
            return new DraftOutcome.Terminal(ReceiptStatus.SKIPPED, provider.name(), null, null,
                    DeliveryDecision.SEND_NOT_ENABLED_ERROR);
        }
        Timer.Sample sample = Timer.start(meters);
        String result = "error";
        try {
            RenderedDraft content = renderer.render(task, tenant.getTimezone());
            if (task.getChannel() == Channel.EMAIL) {
                content = unsubscribe.addTo(task, content, tenant.getUnsubscribeLine());
            }
            DraftResult draft = provider.draft(task, content, channel);
            result = "drafted";
            if (suppressions.of(task.getTenantId(), task.getLeadId()).orElse(null) == LeadSuppressions.Reason.ERASED) {
                // erased while drafting: the erasure's own deletion may have run before this draft existed
                try {
                    if (provider.erase(task.getTenantId(), task.getLeadId(), task.getChannel(), channel) >= 0) {
                        result = "erased";
                        return skipped(task, provider, LeadSuppressions.Reason.ERASED);
                    }
                } catch (ProviderFailure e) {
                    result = "retriable";
                    return new DraftOutcome.Retriable(provider.name(), "lead erased, but the draft made meanwhile "
                            + "could not be deleted yet: " + e.getMessage(), errorClass(e));
                }
            }
            return new DraftOutcome.Terminal(ReceiptStatus.DRAFTED, provider.name(), draft.providerRef(), draft.link(), null);
        } catch (TemplateFailure e) {
            result = "failed";
            return new DraftOutcome.Terminal(ReceiptStatus.FAILED, provider.name(), null, null, e.getMessage());
        } catch (ProviderFailure e) {
            result = e.permanent() ? "failed" : "retriable";
            return e.permanent()
                    ? new DraftOutcome.Terminal(ReceiptStatus.FAILED, provider.name(), null, null, e.getMessage())
                    : new DraftOutcome.Retriable(provider.name(), e.getMessage(), errorClass(e));
        } catch (IllegalArgumentException e) {
            result = "failed";
            return new DraftOutcome.Terminal(ReceiptStatus.FAILED, provider.name(), null, null, e.getMessage());
        } catch (RuntimeException e) {
            return new DraftOutcome.Retriable(provider.name(), e.getClass().getSimpleName() + ": " + e.getMessage(),
                    e.getClass().getName());
        } finally {
            sample.stop(meters.timer("followup.executor.provider.latency", "channel", task.getChannel().name(),
                    "provider", provider.name(), "result", result));
        }
    }

    /**
     * Deletes what the providers of {@code channel} hold for the lead: the Maildir drafts and the tenant's IMAP
     * drafts (email), the outbox lines (SMS, call). Webhook drafts live in the tenant's own system.
     *
     * @return drafts deleted, by provider
     * @throws ProviderFailure when a provider could not finish (what it deleted stays deleted)
     */
    Map<String, Integer> erase(String tenantId, String leadId, Channel channel) {
        ChannelSettings channelSettings = settings.settingsOf(tenantId).getChannels().get(channel.name());
        List<String> names = channel == Channel.EMAIL
                ? ("imap".equals(providerName(channel, channelSettings)) ? List.of("maildir", "imap") : List.of("maildir"))
                : List.of("outbox");
        Map<String, Integer> removed = new LinkedHashMap<>();
        for (String name : names) {
            DraftProvider provider = providers.get(name);
            if (provider != null) {
                removed.put(name, Math.max(0, provider.erase(tenantId, leadId, channel, channelSettings)));
            }
        }
        return removed;
    }

    private DraftOutcome skipped(DueTask task, DraftProvider provider, LeadSuppressions.Reason reason) {
        meters.counter("followup.executor.suppressed", "channel", task.getChannel().name(), "reason",
                reason.name()).increment();
        return new DraftOutcome.Terminal(ReceiptStatus.SKIPPED, provider.name(), null, null, reason.text());
    }

    static String providerName(Channel channel, ChannelSettings settings) {
        if (channel == Channel.EMAIL) {
            String ref = settings == null ? null : settings.getMailboxRef();
            return ref == null || ref.isBlank() || "local".equals(ref) ? "maildir" : "imap";
        }
        String url = settings == null ? null : settings.getWebhookUrl();
        return url == null || url.isBlank() ? "outbox" : "webhook";
    }

    private static String errorClass(ProviderFailure e) {
        return e.getCause() != null ? e.getCause().getClass().getName() : e.getClass().getName();
    }
}
