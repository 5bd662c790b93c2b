package dev.followup.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnsubscribeTokensTest {

    static final String SECRET = "unsubscribe-test-secret-0123456789abcdef";
    static final String OLD_SECRET = "unsubscribe-old-secret-0123456789abcdef!";
    final UnsubscribeTokens tokens = new UnsubscribeTokens(SECRET, List.of());

    @Test
    void aSignedTokenVerifiesToItsTenantLeadAndAddressHash() {
        String token = tokens.sign("acme", "lead-1", "Ada@Example.com");

        UnsubscribeTokens.Token verified = tokens.verify(token).orElseThrow();
        assertThat(verified.tenantId()).isEqualTo("acme");
        assertThat(verified.leadId()).isEqualTo("lead-1");
        // the address is normalised before hashing: the same mailbox gives the same hash
        assertThat(verified.addressHash())
                .isEqualTo(tokens.verify(tokens.sign("acme", "lead-1", " ada@example.com")).orElseThrow().addressHash())
                .isNotEqualTo(tokens.verify(tokens.sign("acme", "lead-1", "bob@example.com")).orElseThrow().addressHash());
    }

    @Test
    void theTokenIsUrlSafeDeterministicAndShowsNoContactDataNorIds() {
        String token = tokens.sign("acme", "ada@example.com", "ada@example.com");

        assertThat(token).matches("[A-Za-z0-9._-]+").hasSizeLessThan(UnsubscribeTokens.MAX_TOKEN_LENGTH);
        assertThat(tokens.sign("acme", "ada@example.com", "ada@example.com")).isEqualTo(token);
        String decodedParts = decodedParts(token);
        assertThat(decodedParts).doesNotContain("ada", "example", "acme");
        assertThat(token).doesNotContain("ada", "example", "acme");
    }

    @Test
    void theEventIdIsTheSameForEveryTokenOfTheLeadAndAddressAndDiffersOtherwise() {
        UnsubscribeTokens rotated = new UnsubscribeTokens(SECRET, List.of(OLD_SECRET));
        String eventId = tokens.verify(tokens.sign("acme", "lead-1", "ada@example.com")).orElseThrow().eventId();

        assertThat(rotated.verify(rotated.sign("acme", "lead-1", "ada@example.com")).orElseThrow().eventId())
                .isEqualTo(eventId);
        assertThat(tokens.verify(tokens.sign("acme", "lead-2", "ada@example.com")).orElseThrow().eventId())
                .isNotEqualTo(eventId);
        assertThat(tokens.verify(tokens.sign("globex", "lead-1", "ada@example.com")).orElseThrow().eventId())
                .isNotEqualTo(eventId);
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        UnsubscribeTokens other = new UnsubscribeTokens("another-secret-0123456789abcdef-xyz", List.of());

        assertThat(tokens.verify(other.sign("acme", "lead-1", "ada@example.com"))).isEmpty();
    }

    @Test
    void everyChangedCharacterIsRefused() {
        String token = tokens.sign("acme", "lead-1", "ada@example.com");
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            String tampered = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
            assertThat(tokens.verify(tampered)).as("changed at %d: %s", i, tampered).isEmpty();
        }
    }

    @Test
    void truncatedExtendedAndMalformedTokensAreRefused() {
        String token = tokens.sign("acme", "lead-1", "ada@example.com");
        for (int end = 0; end < token.length(); end++) {
            assertThat(tokens.verify(token.substring(0, end))).as("first %d characters", end).isEmpty();
        }
        assertThat(tokens.verify(token + "A")).isEmpty();
        assertThat(tokens.verify(token + ".x")).isEmpty();
        assertThat(tokens.verify(null)).isEmpty();
        assertThat(tokens.verify("u1....")).isEmpty();
        assertThat(tokens.verify("u2" + token.substring(2))).isEmpty();
        assertThat(tokens.verify("u1.a.b.c")).isEmpty();
        assertThat(tokens.verify("x".repeat(UnsubscribeTokens.MAX_TOKEN_LENGTH + 1))).isEmpty();
        assertThat(tokens.verify(token.replace('.', '!'))).isEmpty();
    }

    /** The tenant cannot be swapped: neither by moving one token's parts into another, nor by re-encrypting. */
    @Test
    void aTokenOfOneTenantCannotBeTurnedIntoAnothers() {
        String[] acme = tokens.sign("acme", "lead-1", "ada@example.com").split("\\.");
        String[] globex = tokens.sign("globex", "lead-1", "ada@example.com").split("\\.");

        // globex's body under acme's MAC, and acme's body under globex's MAC
        assertThat(tokens.verify(String.join(".", acme[0], acme[1], globex[2], acme[3]))).isEmpty();
        assertThat(tokens.verify(String.join(".", acme[0], acme[1], acme[2], globex[3]))).isEmpty();
        // CTR is malleable: flipping the bits that turn "acme" into "glob" changes the plain text, not the MAC
        byte[] body = Base64.getUrlDecoder().decode(acme[2]);
        byte[] from = "acme".getBytes(StandardCharsets.UTF_8);
        byte[] to = "glob".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 4; i++) {
            body[i] ^= (byte) (from[i] ^ to[i]);
        }
        String flipped = String.join(".", acme[0], acme[1], Base64.getUrlEncoder().withoutPadding().encodeToString(body),
                acme[3]);
        assertThat(tokens.verify(flipped)).isEmpty();
    }

    @Test
    void afterARotationTheOldSecretStillVerifiesAndTheNewOneSigns() {
        UnsubscribeTokens before = new UnsubscribeTokens(OLD_SECRET, List.of());
        UnsubscribeTokens after = new UnsubscribeTokens(SECRET, List.of(OLD_SECRET));
        String old = before.sign("acme", "lead-1", "ada@example.com");

        assertThat(after.verify(old)).map(UnsubscribeTokens.Token::leadId).contains("lead-1");
        assertThat(before.verify(after.sign("acme", "lead-1", "ada@example.com"))).isEmpty();
        // once the old secret is dropped, its tokens stop working
        assertThat(tokens.verify(old)).isEmpty();
    }

    @Test
    void shortOrMissingSecretsAndInvalidIdsAreRefusedNamingTheProperty() {
        assertThatThrownBy(() -> new UnsubscribeTokens("short", List.of()))
                .hasMessageContaining("followup.unsubscribe.secret").hasMessageContaining("at least 32")
                .hasMessageNotContaining("short");
        assertThatThrownBy(() -> new UnsubscribeTokens(null, List.of())).hasMessageContaining("not set");
        assertThatThrownBy(() -> new UnsubscribeTokens(SECRET, List.of("tiny")))
                .hasMessageContaining("followup.unsubscribe.previous-secrets[0]");
        assertThatThrownBy(() -> tokens.sign("acme", "lead 1", "ada@example.com")).hasMessageContaining("leadId");
        assertThatThrownBy(() -> tokens.sign("acme", "lead-1", " ")).hasMessageContaining("address");
    }

    @Test
    void theUrlJoinsTheBaseAndThePath() {
        assertThat(UnsubscribeTokens.url("https://f.example.com/", "t")).isEqualTo("https://f.example.com/v1/unsubscribe/t");
        assertThat(UnsubscribeTokens.url("http://127.0.0.1:8080", "t")).isEqualTo("http://127.0.0.1:8080/v1/unsubscribe/t");
    }

    private static String decodedParts(String token) {
        StringBuilder all = new StringBuilder();
        for (String part : token.split("\\.")) {
            try {
                all.append(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.ISO_8859_1));
            } catch (IllegalArgumentException e) {
                all.append(part);
            }
        }
        return all.toString();
    }
}
