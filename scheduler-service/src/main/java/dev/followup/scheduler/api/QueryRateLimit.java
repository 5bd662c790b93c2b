package dev.followup.scheduler.api;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Per-tenant token buckets (Bucket4j, as ingest) in front of every {@code /v1} handler, after the key check: a request
 * over its tenant's rate gets a 429 problem with the seconds until a token is back ({@code Retry-After}). A call
 * another instance forwards (verified {@link InternalCredential}) was already counted where it came in. Buckets are
 * per instance; tenants come from configured keys or verified internal calls, so their number is bounded.
 */
public class QueryRateLimit implements HandlerInterceptor {

    private final QueryRateLimitProperties settings;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public QueryRateLimit(QueryRateLimitProperties settings) {
        this.settings = settings;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (!settings.enabled() || Boolean.TRUE.equals(request.getAttribute(ApiKeyFilter.INTERNAL_ATTRIBUTE))
                || !(request.getAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) instanceof String tenant)) {
            return true;
        }
        ConsumptionProbe probe = buckets.computeIfAbsent(tenant, this::bucket).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            response.setHeader("X-RateLimit-Remaining", String.valueOf(probe.getRemainingTokens()));
            return true;
        }
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        response.setStatus(429);
        response.setHeader("Retry-After", String.valueOf(seconds));
        response.setContentType("application/problem+json");
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,"
                + "\"detail\":\"too many queries for this tenant; retry in " + seconds + " s\"}");
        return false;
    }

    private Bucket bucket(String tenant) {
        QueryRateLimitProperties.TenantRate rate = settings.rateOf(tenant);
        Duration perToken = Duration.ofNanos((long) Math.max(1, 1_000_000_000d / rate.requestsPerSecond()));
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(rate.burst()).refillGreedy(1, perToken).build())
                .build();
    }
}
