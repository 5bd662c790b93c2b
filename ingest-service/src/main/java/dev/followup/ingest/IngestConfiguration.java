package dev.followup.ingest;

import dev.followup.events.TenantGrants;
import dev.followup.events.Topics;
import dev.followup.events.UnsubscribeTokens;
import dev.followup.events.WebhookTargets;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.view.CompactedTopicView;
import dev.followup.ingest.config.AuthProperties;
import dev.followup.ingest.config.GrantProperties;
import dev.followup.ingest.config.IngestProperties;
import dev.followup.ingest.config.UnsubscribeProperties;
import dev.followup.ingest.config.WebhookProperties;
import dev.followup.ingest.problem.ProblemWriter;
import dev.followup.ingest.publish.BrokerHealthIndicator;
import dev.followup.ingest.publish.EventPublisher;
import dev.followup.ingest.publish.IdempotencyCache;
import dev.followup.ingest.ratelimit.ClientAddressRateLimit;
import dev.followup.ingest.ratelimit.TenantRateLimit;
import dev.followup.ingest.web.BodySizeLimitFilter;
import dev.followup.ingest.web.ContractRecords;
import dev.followup.ingest.web.EmailLikeLeadIds;
import dev.followup.ingest.web.Intake;
import dev.followup.ingest.web.RequestValidation;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/** Wiring of the ingest service: publisher, views, request pipeline, limits. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({IngestProperties.class, AuthProperties.class, WebhookProperties.class,
        GrantProperties.class, UnsubscribeProperties.class})
public class IngestConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IngestConfiguration.class);

    /** The one clock at the edge: request times come from here. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Strict JSON: unknown fields, trailing tokens and type coercions (a number where a string belongs, "0.5" where a
     * number belongs, a float where an integer belongs) are rejected, so an error always names the field.
     */
    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return builder -> builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Float, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Integer, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail));
    }

    @Bean
    EventPublisher eventPublisher(KafkaProperties kafka, IngestProperties properties, MeterRegistry meters) {
        return new EventPublisher(kafka.buildProducerProperties(), properties, meters);
    }

    /** Readiness: the producer's cluster answers (health component {@code kafka}, in the readiness group). */
    @Bean
    BrokerHealthIndicator kafkaHealthIndicator(KafkaProperties kafka, IngestProperties properties) {
        Duration timeout = properties.publishTimeout().compareTo(Duration.ofSeconds(2)) < 0
                ? properties.publishTimeout() : Duration.ofSeconds(2);
        return new BrokerHealthIndicator(kafka.buildAdminProperties(), timeout);
    }

    @Bean
    CompactedTopicView<TenantSettings> settingsView(KafkaProperties kafka) {
        return new CompactedTopicView<>(Topics.TENANT_SETTINGS, TenantSettings.class, kafka.buildConsumerProperties(),
                "followup-ingest-view-" + Topics.TENANT_SETTINGS);
    }

    @Bean
    CompactedTopicView<SequenceDefinition> sequencesView(KafkaProperties kafka) {
        return new CompactedTopicView<>(Topics.SEQUENCES, SequenceDefinition.class, kafka.buildConsumerProperties(),
                "followup-ingest-view-" + Topics.SEQUENCES);
    }

    /** GETs answer from the views: they follow their topics while the context runs (they do not gate readiness). */
    @Bean
    SmartLifecycle viewsLifecycle(List<CompactedTopicView<?>> views) {
        return new ViewsLifecycle(views);
    }

    @Bean
    IdempotencyCache idempotencyCache(IngestProperties properties) {
        return new IdempotencyCache(properties.idempotency());
    }

    /** The SSRF rule for the webhook URLs that settings name, with the operator's exceptions. */
    @Bean
    WebhookTargets webhookTargets(WebhookProperties properties) {
        log.atInfo().setMessage("webhooks.allowed-targets").addKeyValue("allowed", properties.allowedTargets()).log();
        return properties.targets();
    }

    /** Which tenant may name which secret and mailbox reference (tenant lists only: no secret is configured here). */
    @Bean
    TenantGrants tenantGrants(GrantProperties properties) {
        TenantGrants grants = properties.grants();
        log.atInfo().setMessage("grants.loaded").addKeyValue("webhookSecrets", grants.webhookSecretGrants())
                .addKeyValue("mailboxes", grants.mailboxGrants()).log();
        return grants;
    }

    @Bean
    RequestValidation requestValidation(Validator validator, Clock clock, WebhookTargets webhookTargets,
            TenantGrants grants, IngestProperties properties) {
        return new RequestValidation(validator, clock, webhookTargets, grants,
                properties.recurrence() == null ? null : properties.recurrence().minInterval());
    }

    @Bean
    ContractRecords contractRecords(Clock clock) {
        return new ContractRecords(clock);
    }

    @Bean
    Intake intake(RequestValidation validation, EventPublisher publisher, IdempotencyCache idempotency, JsonMapper json,
            List<CompactedTopicView<?>> views, MeterRegistry meters) {
        return new Intake(validation, publisher, idempotency, json, views, new EmailLikeLeadIds(meters));
    }

    @Bean
    ProblemWriter problemWriter(JsonMapper json) {
        return new ProblemWriter(json);
    }

    /** Body caps, after the security filters (so an unauthenticated caller gets 401, not 413). */
    @Bean
    FilterRegistrationBean<BodySizeLimitFilter> bodySizeLimit(IngestProperties properties, ProblemWriter problems) {
        FilterRegistrationBean<BodySizeLimitFilter> registration = new FilterRegistrationBean<>(new BodySizeLimitFilter(
                properties.maxBodySize().toBytes(), properties.maxBatchSize().toBytes(), problems));
        registration.setOrder(0);
        return registration;
    }

    /** Per tenant on the API; per client address on the unsubscribe links, which carry no credential. */
    @Bean
    WebMvcConfigurer rateLimits(IngestProperties properties, UnsubscribeProperties unsubscribe) {
        TenantRateLimit limit = new TenantRateLimit(properties.rateLimit());
        ClientAddressRateLimit perAddress = new ClientAddressRateLimit(unsubscribe.rateLimit());
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(limit).addPathPatterns("/v1/**");
                registry.addInterceptor(perAddress).addPathPatterns(UnsubscribeTokens.PATH + "**");
            }
        };
    }

    private static final class ViewsLifecycle implements SmartLifecycle {

        private final List<CompactedTopicView<?>> views;

        ViewsLifecycle(List<CompactedTopicView<?>> views) {
            this.views = views;
        }

        @Override
        public void start() {
            views.forEach(CompactedTopicView::start);
        }

        @Override
        public void stop() {
            views.forEach(CompactedTopicView::stop);
        }

        @Override
        public boolean isRunning() {
            return views.stream().anyMatch(CompactedTopicView::isRunning);
        }
    }
}
