package dev.followup.scheduler.api;

import dev.followup.events.Identifiers;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code followup.auth.api-keys[N].tenant} / {@code .sha256}: each API key (stored as the hex SHA-256 of the key)
 * belongs to one tenant. The same keys as the ingest API. A malformed entry stops the start: a key that could never
 * match must not look configured.
 */
@ConfigurationProperties("followup.auth")
public record AuthProperties(@DefaultValue List<ApiKey> apiKeys) {

    public AuthProperties {
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        for (int i = 0; i < apiKeys.size(); i++) {
            apiKeys.get(i).check("followup.auth.api-keys[" + i + "]");
        }
    }

    public record ApiKey(String tenant, String sha256) {

        /** Throws naming {@code path} and what is wrong; never shows the hash itself, only its length. */
        void check(String path) {
            if (tenant == null || tenant.isBlank()) {
                throw new IllegalArgumentException(path + ".tenant must not be blank");
            }
            if (!Identifiers.isValid(tenant)) {
                throw new IllegalArgumentException(path + "." + Identifiers.describe("tenant", tenant));
            }
            if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException(path + ".sha256 of tenant '" + tenant
                        + "' must be 64 hex digits (the SHA-256 of the key), got "
                        + (sha256 == null ? "nothing" : sha256.length() + " characters"
                                + (sha256.length() == 64 ? " that are not all hex digits" : "")));
            }
        }
    }
}
