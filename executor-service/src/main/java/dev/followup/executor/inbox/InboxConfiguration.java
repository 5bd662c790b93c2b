package dev.followup.executor.inbox;

import dev.followup.executor.config.ExecutorProperties;
import dev.followup.executor.config.GrantProperties;
import dev.followup.executor.consume.LeadSuppressions;
import dev.followup.executor.consume.TenantSettingsView;
import dev.followup.executor.inbox.MessageClassifier.TenantClock;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.ProducerFactory;

/**
 * The inbound watcher ({@code followup.executor.inbox.enabled}, default on): the draft index it reads and the
 * watched folders. The executor writes the index with every email draft whether or not it watches.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "followup.executor.inbox", name = "enabled", havingValue = "true", matchIfMissing = true)
public class InboxConfiguration {

    @Bean
    DraftIndex draftIndex(InboxProperties props, ConsumerFactory<?, ?> consumerFactory, LeadSuppressions suppressions,
            Clock clock, MeterRegistry meters) {
        return new DraftIndex(consumerFactory.getConfigurationProperties(), props.draftHorizon(), suppressions, clock,
                meters);
    }

    @Bean
    InboxWatchers inboxWatchers(InboxProperties props, ExecutorProperties executor, GrantProperties grants,
            ConsumerFactory<?, ?> consumerFactory, ProducerFactory<?, ?> producerFactory, DraftIndex index,
            TenantSettingsView settings, LeadSuppressions suppressions, Clock clock, MeterRegistry meters) {
        FolderWatcher.Deps deps = new FolderWatcher.Deps(
                new InboxWatchers.Kafka(producerFactory.getConfigurationProperties(),
                        consumerFactory.getConfigurationProperties()),
                index, () -> settings.current() && suppressions.current(), tenant -> clockOf(settings, tenant), clock,
                meters, props);
        return new InboxWatchers(executor.mailboxes(), grants.grants(), executor.dataDir().resolve("mail"), deps);
    }

    /** Details only: a mailbox that cannot be reached must not take the executor out of service. */
    @Bean
    HealthIndicator inboxHealthIndicator(InboxWatchers watchers, DraftIndex index) {
        return () -> Health.up().withDetails(watchers.status()).withDetail("draftIndexCurrent", index.current()).build();
    }

    private static TenantClock clockOf(TenantSettingsView settings, String tenant) {
        var s = settings.settingsOf(tenant);
        ZoneId zone;
        try {
            zone = ZoneId.of(s.getTimezone());
        } catch (RuntimeException e) {
            zone = ZoneOffset.UTC;
        }
        return new TenantClock(zone, s.getOutOfOfficePause());
    }
}
