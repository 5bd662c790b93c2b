package dev.followup.ingest.ratelimit;

import dev.followup.ingest.config.IngestProperties;
import dev.followup.ingest.problem.RateLimitedException;
import dev.followup.ingest.security.Tenant;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Per-tenant token buckets (Bucket4j) in front of every {@code /v1} handler: a request over the tenant's rate gets
 * 429 with the seconds until a token is back. Buckets are per instance; tenants come from credentials, so their
 * number is bounded by configuration.
 */
public class TenantRateLimit implements HandlerInterceptor {

    private final IngestProperties.RateLimit settings;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public TenantRateLimit(IngestProperties.RateLimit settings) {
        this.settings = settings;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (!settings.enabled() || auth == null || !(auth.getPrincipal() instanceof Tenant tenant)) {
            return true;
        }
        ConsumptionProbe probe = buckets.computeIfAbsent(tenant.id(), this::bucket).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            response.setHeader("X-RateLimit-Remaining", String.valueOf(probe.getRemainingTokens()));
            return true;
        }
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        throw new RateLimitedException(seconds);
    }

    private Bucket bucket(String tenant) {
        IngestProperties.TenantRate own = settings.tenants().get(tenant);
        double perSecond = own != null ? own.requestsPerSecond() : settings.requestsPerSecond();
        long burst = own != null ? own.burst() : settings.burst();
        Duration perToken = Duration.ofNanos((long) Math.max(1, 1_000_000_000d / Math.max(perSecond, 1e-6)));
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(Math.max(1, burst)).refillGreedy(1, perToken).build())
                .build();
    }
}
