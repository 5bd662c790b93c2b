package dev.followup.ingest.config;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the ingest API, prefix {@code followup.ingest}.
 *
 * @param maxBodySize    largest accepted JSON body (413 beyond)
 * @param maxBatchSize   largest accepted NDJSON batch body (413 beyond)
 * @param publishTimeout how long a request may wait for the broker's acknowledgement before a 503
 * @param retryAfter     the {@code Retry-After} a 503 suggests
 * @param rateLimit      per-tenant request rate
 * @param idempotency    the {@code Idempotency-Key} replay cache
 * @param view           the materialized views of the compacted topics
 * @param recurrence     recurring sequence steps
 */
@ConfigurationProperties("followup.ingest")
public record IngestProperties(
        @DefaultValue("256KB") DataSize maxBodySize,
        @DefaultValue("10MB") DataSize maxBatchSize,
        @DefaultValue("5s") Duration publishTimeout,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue Idempotency idempotency,
        @DefaultValue View view,
        @DefaultValue Recurrence recurrence) {

    /**
     * @param minInterval a recurring step whose {@code every}, or the spacing of its {@code cron}, is below it is a 400
     *                    (the scheduler refuses it too: {@code followup.scheduler.recurrence.min-interval})
     */
    public record Recurrence(@DefaultValue("1m") Duration minInterval) {
    }

    /**
     * Token bucket per tenant: {@code requestsPerSecond} refill (fractions allowed, e.g. 0.5), {@code burst} capacity;
     * {@code tenants} overrides both for single tenants.
     */
    public record RateLimit(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("50") double requestsPerSecond,
            @DefaultValue("100") long burst,
            @DefaultValue Map<String, TenantRate> tenants) {
    }

    public record TenantRate(double requestsPerSecond, long burst) {
    }

    /** Replays of the same key and body within {@code ttl} return the first response; at most {@code maxEntries} kept. */
    public record Idempotency(@DefaultValue("24h") Duration ttl, @DefaultValue("100000") long maxEntries) {
    }

    /**
     * @param readYourWritesTimeout how long a GET waits for this instance's own last writes to reach the view
     */
    public record View(@DefaultValue("3s") Duration readYourWritesTimeout) {
    }
}
