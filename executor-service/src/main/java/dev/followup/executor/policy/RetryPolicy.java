package dev.followup.executor.policy;

import dev.followup.events.DurationText;
import dev.followup.events.v1.ChannelSettings;
import java.time.Duration;
import java.time.Instant;

/**
 * How often and when a task is tried again: {@code maxAttempts} tries per emission of the task, the n-th retry
 * waiting {@code initialBackoff × 2^(n−1)} (1s, 2s, 4s, 8s by default). Attempt numbers continue the task's own
 * {@code attempt}, so an operator's retry (re-emitted with attempt + 1) gets a fresh set of tries.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff) {

    /** Longest single wait, so that a huge initial backoff or attempt count cannot overflow. */
    static final Duration MAX_BACKOFF = Duration.ofDays(1);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must not be negative, was " + initialBackoff);
        }
    }

    /**
     * The tenant's channel settings win over the executor's channel defaults when the tenant has any for the
     * channel (the contract gives them defaults of their own: 5 attempts, 1s).
     *
     * @throws IllegalArgumentException naming the field and value when the tenant's backoff does not parse
     */
    public static RetryPolicy of(ChannelSettings tenant, int defaultMaxAttempts, Duration defaultBackoff) {
        if (tenant == null) {
            return new RetryPolicy(defaultMaxAttempts, defaultBackoff);
        }
        Duration backoff = DurationText.parse("channels.initialBackoff", tenant.getInitialBackoff());
        if (tenant.getMaxAttempts() < 1) {
            throw new IllegalArgumentException("channels.maxAttempts must be at least 1, was " + tenant.getMaxAttempts());
        }
        return new RetryPolicy(tenant.getMaxAttempts(), backoff);
    }

    /** Whether another try is allowed after {@code attempt} failed, for a task first emitted with {@code firstAttempt}. */
    public boolean allowsRetryAfter(int attempt, int firstAttempt) {
        return attempt - firstAttempt + 1 < maxAttempts;
    }

    /** The wait after the {@code tries}-th failed try of this emission (1 → initialBackoff, 2 → twice that...). */
    public Duration backoffAfter(int tries) {
        if (tries < 1) {
            throw new IllegalArgumentException("tries must be at least 1, was " + tries);
        }
        Duration d = initialBackoff;
        for (int i = 1; i < tries && d.compareTo(MAX_BACKOFF) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /** When the next try after the failed {@code attempt} may start. */
    public Instant nextTryAt(Instant failedAt, int attempt, int firstAttempt) {
        return failedAt.plus(backoffAfter(attempt - firstAttempt + 1));
    }
}
