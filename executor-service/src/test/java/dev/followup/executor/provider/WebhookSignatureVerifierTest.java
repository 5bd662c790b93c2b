package dev.followup.executor.provider;

import static dev.followup.executor.provider.WebhookSignatureVerifier.DEFAULT_TOLERANCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.executor.provider.WebhookSignatureVerifier.Result;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The receiver's side of the webhook signature: valid, tampered, replayed too late, malformed. */
class WebhookSignatureVerifierTest {

    static final String SECRET = "whsec-test";
    static final String BODY = "{\"taskId\":\"ls-1\",\"channel\":\"SMS\"}";
    static final Instant SIGNED = Instant.parse("2026-11-23T10:00:00Z");
    static final String HEADER = WebhookSigner.signature(SECRET, SIGNED.getEpochSecond(), BODY);

    private static Result at(Instant now) {
        return WebhookSignatureVerifier.verify(SECRET, HEADER, BODY, now, DEFAULT_TOLERANCE);
    }

    @Test
    void aFreshSignatureOfTheRawBodyIsValid() {
        assertThat(at(SIGNED)).isEqualTo(Result.VALID);
        assertThat(at(SIGNED.plus(DEFAULT_TOLERANCE))).isEqualTo(Result.VALID);
        assertThat(at(SIGNED.minusSeconds(30))).as("the receiver's clock a little behind").isEqualTo(Result.VALID);
    }

    @Test
    void aReplayOlderThanTheToleranceIsRejected() {
        assertThat(at(SIGNED.plus(DEFAULT_TOLERANCE).plusSeconds(1))).isEqualTo(Result.TOO_OLD);
        assertThat(at(SIGNED.plus(Duration.ofDays(1)))).isEqualTo(Result.TOO_OLD);
        assertThat(at(SIGNED.minus(DEFAULT_TOLERANCE).minusSeconds(1))).isEqualTo(Result.FROM_THE_FUTURE);
    }

    @Test
    void aTamperedBodyAnotherSecretOrAMovedTimestampIsRejected() {
        assertThat(WebhookSignatureVerifier.verify(SECRET, HEADER, BODY.replace("SMS", "CALL"), SIGNED, DEFAULT_TOLERANCE))
                .isEqualTo(Result.WRONG_SIGNATURE);
        assertThat(WebhookSignatureVerifier.verify("other", HEADER, BODY, SIGNED, DEFAULT_TOLERANCE))
                .isEqualTo(Result.WRONG_SIGNATURE);
        // an attacker refreshing t to pass the age check breaks the HMAC, which covers t
        String refreshed = HEADER.replace("t=" + SIGNED.getEpochSecond(), "t=" + (SIGNED.getEpochSecond() + 3600));
        assertThat(WebhookSignatureVerifier.verify(SECRET, refreshed, BODY, SIGNED.plusSeconds(3600), DEFAULT_TOLERANCE))
                .isEqualTo(Result.WRONG_SIGNATURE);
    }

    @Test
    void malformedHeadersAreRejected() {
        for (String header : new String[] {null, "", "t=abc,v1=00", "v1=" + "0".repeat(64), "t=1",
                "t=1,v1=" + "Z".repeat(64), "sha256=deadbeef"}) {
            assertThat(WebhookSignatureVerifier.verify(SECRET, header, BODY, SIGNED, DEFAULT_TOLERANCE)).as(header)
                    .isEqualTo(Result.MALFORMED);
        }
    }
}
