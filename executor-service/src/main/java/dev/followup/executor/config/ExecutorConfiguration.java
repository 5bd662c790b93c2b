package dev.followup.executor.config;

import dev.followup.events.TenantGrants;
import dev.followup.events.UnsubscribeTokens;
import dev.followup.events.v1.Channel;
import dev.followup.executor.consume.ChannelListeners;
import dev.followup.executor.consume.ChannelListeners.ChannelSetup;
import dev.followup.executor.consume.ChannelWorkers;
import dev.followup.executor.consume.DueTaskHandler;
import dev.followup.executor.consume.LeadErasures;
import dev.followup.executor.consume.LeadSuppressions;
import dev.followup.executor.consume.RetryTaskHandler;
import dev.followup.executor.consume.TaskDrafting;
import dev.followup.executor.consume.TaskHandler;
import dev.followup.executor.consume.TaskOutcomes;
import dev.followup.executor.consume.TenantSettingsView;
import dev.followup.executor.content.DraftRenderer;
import dev.followup.executor.content.UnsubscribeLinks;
import dev.followup.executor.inbox.InboxProperties;
import dev.followup.executor.inbox.InboxTopics;
import dev.followup.executor.policy.RetryPolicy;
import dev.followup.executor.provider.DraftProvider;
import dev.followup.executor.provider.ImapDraftWriter;
import dev.followup.executor.provider.MaildirDraftWriter;
import dev.followup.executor.provider.NoopDraftProvider;
import dev.followup.executor.provider.OutboxWriter;
import dev.followup.executor.provider.TaskLocks;
import dev.followup.executor.provider.WebhookAddressGuard;
import dev.followup.executor.provider.WebhookDraftPoster;
import dev.followup.executor.provider.WebhookSecrets;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;

/** Wiring: providers, the tenant-settings view, the per-channel listeners and their retry topics, health. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ExecutorProperties.class, GrantProperties.class, WebhookTargetProperties.class,
        InboxProperties.class, UnsubscribeProperties.class})
public class ExecutorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ExecutorConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    TenantSettingsView tenantSettingsView(ConsumerFactory<?, ?> consumerFactory, MeterRegistry meters) {
        return new TenantSettingsView(consumerFactory.getConfigurationProperties(), meters);
    }

    /** Erased and opted-out leads, read from followup.lead-events.v1 back to the suppression horizon. */
    @Bean
    LeadSuppressions leadSuppressions(ExecutorProperties props, ConsumerFactory<?, ?> consumerFactory, Clock clock,
            MeterRegistry meters) {
        return new LeadSuppressions(consumerFactory.getConfigurationProperties(), props.suppressionHorizon(), clock,
                meters);
    }

    /** Deletes an erased lead's drafts of this instance's channels. */
    @Bean(destroyMethod = "close")
    LeadErasures leadErasures(ExecutorProperties props, TaskDrafting drafting, TenantSettingsView settings,
            LeadSuppressions suppressions, MeterRegistry meters) {
        return new LeadErasures(props.channels(), drafting, settings, suppressions, meters);
    }

    @Bean
    WebhookSecrets webhookSecrets(ExecutorProperties props, GrantProperties grants) {
        TenantGrants g = grants.grants();
        // which tenant may use which ref, and refs that nobody may use: names only, never values
        log.atInfo().setMessage("executor.grants").addKeyValue("webhookSecrets", g.webhookSecretGrants())
                .addKeyValue("mailboxes", g.mailboxGrants()).log();
        props.secrets().keySet().stream().filter(ref -> !ref.equals(props.outboxSecretRef())
                && !g.webhookSecretGrants().containsKey(ref)).sorted().forEach(ref ->
                log.atWarn().setMessage("executor.secret-not-granted").addKeyValue("ref", ref)
                        .addKeyValue("detail", "no tenant may use it: set followup.grants.webhook-secrets." + ref).log());
        props.mailboxes().keySet().stream().filter(ref -> !g.mailboxGrants().containsKey(ref)).sorted().forEach(ref ->
                log.atWarn().setMessage("executor.mailbox-not-granted").addKeyValue("ref", ref)
                        .addKeyValue("detail", "no tenant may use it: set followup.grants.mailboxes." + ref).log());
        return new WebhookSecrets(props.secrets(), g);
    }

    /** The resolver webhook hosts go through: the JVM's (a test may supply a {@code @Primary} stub). */
    @Bean
    WebhookAddressGuard.Resolver webhookResolver() {
        return InetAddress::getAllByName;
    }

    @Bean
    WebhookDraftPoster webhookDraftPoster(ExecutorProperties props, WebhookSecrets secrets,
            WebhookTargetProperties targets, WebhookAddressGuard.Resolver resolver, Clock clock) {
        return new WebhookDraftPoster(props.webhook().connectTimeout(), props.webhook().readTimeout(),
                props.webhook().maxConnections(), secrets, targets.targets(), resolver, clock);
    }

    @Bean
    DraftRenderer draftRenderer(ExecutorProperties props) {
        return new DraftRenderer(props.templatesDir(), props.templateCacheSize());
    }

    /**
     * The {@code List-Unsubscribe} links of email drafts. Without a secret or a base URL the executor still drafts,
     * without links (a draft is reviewed by a person before it is sent), and says so once at startup.
     */
    @Bean
    UnsubscribeLinks unsubscribeLinks(UnsubscribeProperties unsubscribe, ExecutorProperties props, MeterRegistry meters) {
        String missing = unsubscribe.missing();
        UnsubscribeLinks links = missing == null ? new UnsubscribeLinks(
                new UnsubscribeTokens(unsubscribe.secret(), List.of()), unsubscribe.baseUrl()) : UnsubscribeLinks.disabled();
        if (missing != null && props.channels().contains(Channel.EMAIL)) {
            log.atWarn().setMessage("unsubscribe.disabled").addKeyValue("missing", missing)
                    .addKeyValue("detail", "email drafts carry no List-Unsubscribe header and no unsubscribe line").log();
        }
        meters.gauge("followup.executor.unsubscribe.enabled", links, l -> l.enabled() ? 1 : 0);
        return links;
    }

    @Bean
    TaskDrafting taskDrafting(ExecutorProperties props, LeadSuppressions suppressions, TenantSettingsView settings,
            DraftRenderer renderer, UnsubscribeLinks unsubscribe,
            WebhookSecrets secrets, GrantProperties grants, WebhookDraftPoster webhooks, Clock clock, MeterRegistry meters) {
        if (props.noopProvider()) {
            // benchmarks: every provider name the drafting picks resolves to the no-op provider
            log.atWarn().setMessage("executor.noop_provider").addKeyValue("channels", props.channels())
                    .addKeyValue("detail", "benchmark mode: no drafts are made").log();
            DraftProvider noop = new NoopDraftProvider();
            return new TaskDrafting(suppressions, settings, renderer,
                    Map.of("imap", noop, "maildir", noop, "webhook", noop, "outbox", noop), meters);
        }
        TaskLocks locks = new TaskLocks(1024);
        Map<String, DraftProvider> providers = Map.of(
                "imap", new ImapDraftWriter(props.mailboxes(), grants.grants(), props.defaultFrom(), clock, locks),
                "maildir", new MaildirDraftWriter(props.dataDir().resolve("mail"), props.defaultFrom(), clock, locks),
                "webhook", webhooks,
                "outbox", new OutboxWriter(props.dataDir().resolve("outbox"), secrets, props.outboxSecretRef(), clock,
                        props.outbox().maxFileSize().toBytes()));
        return new TaskDrafting(suppressions, settings, renderer, providers, meters, unsubscribe);
    }

    @Bean
    ChannelWorkers channelWorkers(ExecutorProperties props) {
        return new ChannelWorkers(props.channels(), c -> props.channel(c).concurrency());
    }

    /** The per-channel retry topics (operational, not contract): created at startup when missing. */
    @Bean
    KafkaAdmin.NewTopics retryTopics(ExecutorProperties props) {
        return new KafkaAdmin.NewTopics(props.channels().stream()
                .map(c -> TopicBuilder.name(RetryTaskHandler.retryTopicOf(c)).partitions(props.retryTopicPartitions()).build())
                .toArray(NewTopic[]::new));
    }

    /**
     * The inbox watcher's topics (operational): its positions, and the index of email drafts that every instance
     * drafting email writes (kept for the draft horizon).
     */
    @Bean
    KafkaAdmin.NewTopics inboxTopics(InboxProperties inbox) {
        return new KafkaAdmin.NewTopics(
                TopicBuilder.name(InboxTopics.POSITIONS).partitions(inbox.positionsPartitions()).compact().build(),
                TopicBuilder.name(InboxTopics.DRAFTS).partitions(inbox.draftsPartitions())
                        .config(TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE)
                        .config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(inbox.draftHorizon().toMillis()))
                        .build());
    }

    @Bean
    ChannelListeners channelListeners(ExecutorProperties props, ConsumerFactory<?, ?> consumerFactory,
            ProducerFactory<?, ?> producerFactory, TaskDrafting drafting, TenantSettingsView settings,
            LeadSuppressions suppressions, ChannelWorkers workers, Clock clock, MeterRegistry meters) {
        List<ChannelSetup> setups = props.channels().stream().map(channel -> {
            ExecutorProperties.ChannelProperties cp = props.channel(channel);
            RetryPolicy defaults = new RetryPolicy(cp.maxAttempts(), cp.initialBackoff());
            return new ChannelSetup(channel, mode -> {
                DueTaskHandler due = new DueTaskHandler(channel, drafting,
                        new TaskOutcomes(channel, settings, defaults, clock, meters), workers.of(channel));
                return mode == TaskHandler.Mode.DUE ? due
                        : new RetryTaskHandler(due, props.retryHorizon(), workers.of(channel), clock);
            }, 2 * cp.concurrency());
        }).toList();
        // spring.kafka.producer.transaction-id-prefix carries a random part: unique to this instance
        String prefix = producerFactory.getTransactionIdPrefix() != null ? producerFactory.getTransactionIdPrefix()
                : "followup-executor-" + UUID.randomUUID() + "-";
        return new ChannelListeners(consumerFactory.getConfigurationProperties(),
                producerFactory.getConfigurationProperties(), prefix, setups,
                () -> settings.current() && suppressions.current(), props.drainTimeout(), meters);
    }

    /**
     * Readiness: the tenant settings and lead suppressions are caught up (tasks wait for them), and every channel
     * listener runs and has joined its consumer group.
     */
    @Bean
    HealthIndicator listenersHealthIndicator(ChannelListeners listeners, TenantSettingsView settings,
            LeadSuppressions suppressions) {
        return () -> (listeners.ready() ? Health.up() : Health.outOfService()).withDetails(listeners.status())
                .withDetail("tenantSettingsCurrent", settings.current())
                .withDetail("leadSuppressionsCurrent", suppressions.current()).build();
    }

}
