package dev.followup.executor.consume;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TenantSettings;
import dev.followup.executor.content.DraftRenderer;
import dev.followup.executor.content.RenderedDraft;
import dev.followup.executor.content.TemplateFailure;
import dev.followup.executor.policy.DeliveryDecision;
import dev.followup.executor.provider.DraftProvider;
import dev.followup.executor.provider.DraftProvider.DraftResult;
import dev.followup.executor.provider.ProviderFailure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;

/** One try of one task: settings → decision → content → provider, as a {@link DraftOutcome}. Never throws. */
public final class TaskDrafting {

    private final TenantSettingsView settings;
    private final DraftRenderer renderer;
    private final Map<String, DraftProvider> providers;
    private final MeterRegistry meters;

    /** @param providers by name: {@code imap}, {@code maildir}, {@code webhook}, {@code outbox} */
    public TaskDrafting(TenantSettingsView settings, DraftRenderer renderer, Map<String, DraftProvider> providers,
            MeterRegistry meters) {
        this.settings = settings;
        this.renderer = renderer;
        this.providers = providers;
        this.meters = meters;
    }

    DraftOutcome draft(DueTask task) {
        TenantSettings tenant = settings.settingsOf(task.getTenantId());
        ChannelSettings channel = tenant.getChannels().get(task.getChannel().name());
        DraftProvider provider = providers.get(providerName(task.getChannel(), channel));
        if (DeliveryDecision.of(tenant, channel) == DeliveryDecision.SEND_NOT_ENABLED) {
            return new DraftOutcome.Terminal(ReceiptStatus.SKIPPED, provider.name(), null, null,
                    DeliveryDecision.SEND_NOT_ENABLED_ERROR);
        }
        Timer.Sample sample = Timer.start(meters);
        String result = "error";
        try {
            RenderedDraft content = renderer.render(task, tenant.getTimezone());
            DraftResult draft = provider.draft(task, content, channel);
            result = "drafted";
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
