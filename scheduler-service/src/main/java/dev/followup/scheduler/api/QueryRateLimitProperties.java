package dev.followup.scheduler.api;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code followup.scheduler.query-rate-limit.*} (environment: {@code FOLLOWUP_SCHEDULER_QUERYRATELIMIT_*}): a token
 * bucket per tenant and instance in front of the query API ({@code /v1/**}); over it, 429 with {@code Retry-After}.
 * Calls one instance forwards to another for the same query are not counted again.
 *
 * @param enabled           off: no limit
 * @param requestsPerSecond refill rate (fractions allowed, e.g. 0.5)
 * @param burst             bucket capacity: requests a tenant may send at once
 * @param tenants           overrides of both for single tenants
 */
@ConfigurationProperties("followup.scheduler.query-rate-limit")
public record QueryRateLimitProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("20") double requestsPerSecond,
        @DefaultValue("40") long burst,
        @DefaultValue Map<String, TenantRate> tenants) {

    public QueryRateLimitProperties {
        check("followup.scheduler.query-rate-limit", requestsPerSecond, burst);
        tenants = tenants == null ? Map.of() : Map.copyOf(tenants);
        tenants.forEach((tenant, rate) -> check("followup.scheduler.query-rate-limit.tenants." + tenant,
                rate.requestsPerSecond(), rate.burst()));
    }

    public record TenantRate(double requestsPerSecond, long burst) {
    }

    /** The rate of {@code tenant}: its override, else the default. */
    TenantRate rateOf(String tenant) {
        TenantRate own = tenants.get(tenant);
        return own != null ? own : new TenantRate(requestsPerSecond, burst);
    }

    private static void check(String path, double requestsPerSecond, long burst) {
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException(path + ".requests-per-second must be positive, got " + requestsPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException(path + ".burst must be at least 1, got " + burst);
        }
    }
}
