package dev.followup.ingest.publish;

/** An Idempotency-Key reused for a different request: 422, nothing published. */
public class IdempotencyConflictException extends RuntimeException {

    public IdempotencyConflictException() {
        super("This Idempotency-Key was already used for a different request (route or body) within its lifetime");
    }
}
