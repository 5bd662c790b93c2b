package dev.followup.ingest.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.followup.ingest.config.UnsubscribeProperties;
import dev.followup.ingest.problem.RateLimitedException;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Token buckets per client address in front of the routes that need no credential (the unsubscribe links): there
 * is no tenant to count, so the caller's address is. Over the rate: 429 with the seconds until a token is back. The
 * buckets are per instance and bounded ({@code max-clients}, least recently seen dropped first).
 */
public class ClientAddressRateLimit implements HandlerInterceptor {

    private final UnsubscribeProperties.RateLimit settings;
    private final Cache<String, Bucket> buckets;

    public ClientAddressRateLimit(UnsubscribeProperties.RateLimit settings) {
        this.settings = settings;
        this.buckets = Caffeine.newBuilder().maximumSize(Math.max(1, settings.maxClients()))
                .expireAfterAccess(Duration.ofHours(1)).build();
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!settings.enabled()) {
            return true;
        }
        ConsumptionProbe probe = buckets.get(String.valueOf(request.getRemoteAddr()), a -> bucket())
                .tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return true;
        }
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        throw new RateLimitedException(seconds, "This client address's request rate");
    }

    private Bucket bucket() {
        Duration perToken = Duration.ofNanos((long) Math.max(1, 1_000_000_000d
                / Math.max(settings.requestsPerSecond(), 1e-6)));
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(Math.max(1, settings.burst())).refillGreedy(1, perToken).build())
                .build();
    }
}
