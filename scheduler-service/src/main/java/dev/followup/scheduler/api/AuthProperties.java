package dev.followup.scheduler.api;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code followup.auth.api-keys[N].tenant} / {@code .sha256}: each API key (stored as the hex SHA-256 of the key)
 * belongs to one tenant. The same keys as the ingest API.
 */
@ConfigurationProperties("followup.auth")
public record AuthProperties(@DefaultValue List<ApiKey> apiKeys) {

    public record ApiKey(String tenant, String sha256) {
    }
}
