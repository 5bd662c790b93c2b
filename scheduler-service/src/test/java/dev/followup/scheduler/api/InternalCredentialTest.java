package dev.followup.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The credential instances present to each other: good for one tenant, method and call, for a short while. */
class InternalCredentialTest {

    private static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
    private static final String CALL = "/v1/receipts?limit=100&failuresFirst=true&status=DEAD";
    private final InternalCredential credential = new InternalCredential("a-shared-secret-of-32-characters!",
            Duration.ofSeconds(30));

    @Test
    void aSignedCallVerifiesForExactlyThatTenantMethodAndCall() {
        String header = credential.sign("acme", "GET", CALL, NOW);

        assertThat(credential.verifies(header, "acme", "GET", CALL, NOW)).isTrue();
        assertThat(credential.verifies(header, "globex", "GET", CALL, NOW)).as("another tenant").isFalse();
        assertThat(credential.verifies(header, "acme", "POST", CALL, NOW)).as("another method").isFalse();
        assertThat(credential.verifies(header, "acme", "GET", "/v1/receipts?limit=500&failuresFirst=true&status=DEAD",
                NOW)).as("another query").isFalse();
        assertThat(credential.verifies(header, "acme", "GET", "/v1/queue", NOW)).as("another path").isFalse();
        assertThat(new InternalCredential("another-shared-secret-of-32-chars!", Duration.ofSeconds(30))
                .verifies(header, "acme", "GET", CALL, NOW)).as("another secret").isFalse();
    }

    @Test
    void aCapturedHeaderExpiresAfterMaxAgeEitherWay() {
        String header = credential.sign("acme", "GET", CALL, NOW);

        assertThat(credential.verifies(header, "acme", "GET", CALL, NOW.plusSeconds(30))).isTrue();
        assertThat(credential.verifies(header, "acme", "GET", CALL, NOW.plusSeconds(31))).as("replayed late").isFalse();
        assertThat(credential.verifies(header, "acme", "GET", CALL, NOW.minusSeconds(30))).as("clock skew").isTrue();
        assertThat(credential.verifies(header, "acme", "GET", CALL, NOW.minusSeconds(31))).isFalse();
    }

    @Test
    void malformedHeadersAndTenantsDoNotVerifyNorThrow() {
        String good = credential.sign("acme", "GET", CALL, NOW);
        String[] parts = good.split(":");
        for (String header : new String[] {null, "", "v1", "v1::", "v2:" + parts[1] + ":" + parts[2],
                "v1:x:" + parts[2], "v1:" + parts[1] + ":!!!", "v1:" + parts[1] + ":" + parts[2] + ":x",
                good + "A".repeat(200), "v1:" + parts[1] + ":" + parts[2].substring(1)}) {
            assertThat(credential.verifies(header, "acme", "GET", CALL, NOW)).as(String.valueOf(header)).isFalse();
        }
        for (String tenant : new String[] {null, "", "acme\nGET", ".."}) {
            assertThat(credential.verifies(credential.sign(String.valueOf(tenant), "GET", CALL, NOW), tenant, "GET",
                    CALL, NOW)).as("tenant " + tenant).isFalse();
        }
    }
}
