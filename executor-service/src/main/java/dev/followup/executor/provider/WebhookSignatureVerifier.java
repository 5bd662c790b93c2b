package dev.followup.executor.provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;

/**
 * What a webhook receiver does with {@code X-Followup-Signature} (the reference for receivers in any language): split
 * {@code t=<unix seconds>,v1=<hex>}, recompute HMAC-SHA256(secret, "<t>.<raw body>"), compare in constant time, and
 * reject a timestamp further than the tolerance from the receiver's clock, so a captured request cannot be replayed
 * later. Every delivery attempt is signed afresh, so a retry is never too old; {@link #DEFAULT_TOLERANCE} (5 minutes)
 * leaves room for clock skew. Within the tolerance a replay carries the same {@code Idempotency-Key} (the task id):
 * receivers deduplicate on it.
 */
public final class WebhookSignatureVerifier {

    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    /** The outcome; only {@link #VALID} means the body came from the holder of the secret, recently. */
    public enum Result { VALID, MALFORMED, WRONG_SIGNATURE, TOO_OLD, FROM_THE_FUTURE }

    private WebhookSignatureVerifier() {
    }

    public static Result verify(String secret, String header, String rawBody, Instant now, Duration tolerance) {
        if (header == null || rawBody == null) {
            return Result.MALFORMED;
        }
        Long t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String p = part.strip();
            if (p.startsWith("t=")) {
                try {
                    t = Long.parseLong(p.substring(2));
                } catch (NumberFormatException e) {
                    return Result.MALFORMED;
                }
            } else if (p.startsWith("v1=")) {
                v1 = p.substring(3);
            }
        }
        if (t == null || v1 == null || !v1.matches("[0-9a-f]{64}")) {
            return Result.MALFORMED;
        }
        String expected = WebhookSigner.hmacHex(secret, t + "." + rawBody);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), v1.getBytes(StandardCharsets.US_ASCII))) {
            return Result.WRONG_SIGNATURE;
        }
        long age = now.getEpochSecond() - t;
        if (age > tolerance.toSeconds()) {
            return Result.TOO_OLD;
        }
        if (-age > tolerance.toSeconds()) {
            return Result.FROM_THE_FUTURE;
        }
        return Result.VALID;
    }
}
