package dev.followup.executor.consume;

import dev.followup.events.Identifiers;
import dev.followup.events.Topics;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.view.CompactedTopicView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The executor's view of the compacted {@code followup.tenant-settings.v1} ({@link CompactedTopicView}). A tenant
 * without a record gets the contract defaults.
 *
 * <p>A record counts only for the tenant its key names: one whose key is not a valid tenant id, or whose value
 * names another tenant, is skipped, counted ({@code followup.executor.tenant-settings.rejected}) and logged, so a
 * producer writing for tenant A cannot replace tenant B's settings.
 */
public final class TenantSettingsView implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TenantSettingsView.class);

    private final CompactedTopicView<TenantSettings> view;

    public TenantSettingsView(Map<String, Object> baseConsumerConfig, MeterRegistry meters) {
        Counter rejected = meters.counter("followup.executor.tenant-settings.rejected");
        this.view = new CompactedTopicView<>(Topics.TENANT_SETTINGS, TenantSettings.class, baseConsumerConfig,
                "followup-executor-tenant-settings", new OwnTenantOnly(), new CompactedTopicView.Listener<>() {
                    @Override
                    public void loaded(String key, TenantSettings value) {
                        log.atInfo().setMessage("tenant-settings.loaded").addKeyValue("tenant", key).log();
                    }

                    @Override
                    public void rejected(CompactedTopicView.Rejection<TenantSettings> r) {
                        rejected.increment();
                        log.atWarn().setMessage("tenant-settings.rejected").addKeyValue("key", shown(r.key()))
                                .addKeyValue("valueTenant", shown(r.value() == null ? null : r.value().getTenantId()))
                                .addKeyValue("partition", r.partition()).addKeyValue("offset", r.offset())
                                .addKeyValue("reason", r.reason()).log();
                    }
                });
    }

    /** The tenant's settings, or the contract defaults. */
    public TenantSettings settingsOf(String tenantId) {
        return view.get(tenantId).orElseGet(() -> TenantSettings.newBuilder().setTenantId(tenantId).build());
    }

    /** Whether a record of the tenant has been read (tests and diagnostics). */
    public boolean knows(String tenantId) {
        return view.contains(tenantId);
    }

    /**
     * Whether the view is caught up now: false until it has read what existed at startup, and after a consumer failure
     * until it has read the topic again (it restarts 1 s after an error). The listeners hold their tasks and
     * readiness is OUT_OF_SERVICE meanwhile: drafting with the defaults instead of a tenant's settings would send its
     * drafts to the wrong provider (a webhook tenant's into the local outbox).
     */
    public boolean current() {
        return view.current();
    }

    /** Starts reading; returns at once (the listeners wait for {@link #current}). */
    @Override
    public void start() {
        view.start();
    }

    @Override
    public void stop() {
        view.stop();
    }

    @Override
    public boolean isRunning() {
        return view.isRunning();
    }

    @Override
    public int getPhase() {
        // before the channel listeners, so settings are being read when tasks arrive
        return Integer.MAX_VALUE - 200;
    }

    /** A record counts only under its own tenant's key. */
    private static final class OwnTenantOnly implements CompactedTopicView.RecordFilter<TenantSettings> {

        @Override
        public String keyProblem(String key) {
            return Identifiers.isValid(key) ? null : "key is not a valid tenant id";
        }

        @Override
        public String valueProblem(String key, TenantSettings value) {
            return key.equals(value.getTenantId()) ? null : "value names another tenant than the key";
        }
    }

    /** An id from a record as logged: printable ASCII, at most 40 characters. */
    private static String shown(String id) {
        if (id == null) {
            return null;
        }
        String printable = id.replaceAll("[^\\x21-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
