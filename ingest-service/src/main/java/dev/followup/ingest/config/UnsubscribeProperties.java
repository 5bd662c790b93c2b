package dev.followup.ingest.config;

import dev.followup.events.UnsubscribeTokens;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The public unsubscribe route ({@code /v1/unsubscribe/{token}}), prefix {@code followup.unsubscribe}; the executor
 * signs with the same {@code secret}.
 *
 * @param secret          verifies tokens (and the executor signs with it): at least 32 characters; unset, every token
 *                        is refused (404) and a warning is logged at startup. Env {@code FOLLOWUP_UNSUBSCRIBE_SECRET}
 * @param previousSecrets secrets of before a rotation: tokens they signed still verify until they are removed. Env
 *                        {@code FOLLOWUP_UNSUBSCRIBE_PREVIOUSSECRETS} (comma-separated)
 * @param rateLimit       requests per client address (the route needs no credential, so there is no tenant to count)
 */
@ConfigurationProperties("followup.unsubscribe")
public record UnsubscribeProperties(String secret, @DefaultValue List<String> previousSecrets,
        @DefaultValue RateLimit rateLimit) {

    public UnsubscribeProperties {
        secret = secret == null || secret.isBlank() ? null : secret;
        previousSecrets = previousSecrets == null ? List.of()
                : previousSecrets.stream().filter(s -> s != null && !s.isBlank()).toList();
        if (secret == null && !previousSecrets.isEmpty()) {
            throw new IllegalArgumentException("followup.unsubscribe.previous-secrets is set but "
                    + "followup.unsubscribe.secret is not: set the current secret too");
        }
        // a short secret fails here, at startup, naming the property (never the value)
        tokens(secret, previousSecrets);
    }

    /** The verifier, or null when no secret is configured. */
    public UnsubscribeTokens tokens() {
        return tokens(secret, previousSecrets);
    }

    private static UnsubscribeTokens tokens(String secret, List<String> previousSecrets) {
        return secret == null ? null : new UnsubscribeTokens(secret, previousSecrets);
    }

    /** Secrets never show in logs or error messages. */
    @Override
    public String toString() {
        return "UnsubscribeProperties[secret=" + (secret == null ? "unset" : "set") + ", previousSecrets="
                + previousSecrets.size() + ", rateLimit=" + rateLimit + "]";
    }

    /**
     * Token bucket per client address ({@code request.getRemoteAddr()}: behind a proxy, set
     * {@code server.forward-headers-strategy} so it is the client's).
     *
     * @param maxClients addresses tracked at once (least recently seen dropped first), so a flood of addresses is
     *                   bounded in memory
     */
    public record RateLimit(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("1") double requestsPerSecond,
            @DefaultValue("10") long burst,
            @DefaultValue("100000") long maxClients) {
    }
}
