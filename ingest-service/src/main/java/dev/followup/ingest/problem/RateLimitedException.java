package dev.followup.ingest.problem;

/** The tenant (or, on routes without a credential, the client address) is over its rate: 429 with Retry-After. */
public class RateLimitedException extends RuntimeException {

    private final long retryAfterSeconds;
    private final String limited;

    public RateLimitedException(long retryAfterSeconds) {
        this(retryAfterSeconds, "The tenant's ingest rate");
    }

    /** @param limited what is over its rate, e.g. "This client address's request rate" */
    public RateLimitedException(long retryAfterSeconds, String limited) {
        super("rate limited");
        this.retryAfterSeconds = retryAfterSeconds;
        this.limited = limited;
    }

    public String limited() {
        return limited;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
