package dev.followup.ingest.config;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Credentials, prefix {@code followup.auth}: API keys stored as hex SHA-256 hashes per tenant, and an optional
 * OIDC JWT resource server (enabled when one of {@code issuerUri}, {@code jwkSetUri}, {@code publicKeyLocation} is set).
 */
@ConfigurationProperties("followup.auth")
public record AuthProperties(@DefaultValue List<ApiKey> apiKeys, @DefaultValue Jwt jwt) {

    /** One API key: the tenant it belongs to and the hex SHA-256 of the key (the key itself is never configured). */
    public record ApiKey(String tenant, String sha256) {
    }

    /**
     * @param tenantClaim the claim naming the caller's tenant
     * @param audience    if set, tokens must carry it in {@code aud}
     */
    public record Jwt(String issuerUri, String jwkSetUri, String publicKeyLocation,
            @DefaultValue("tenant") String tenantClaim, String audience) {

        public boolean enabled() {
            return hasText(issuerUri) || hasText(jwkSetUri) || hasText(publicKeyLocation);
        }

        private static boolean hasText(String s) {
            return s != null && !s.isBlank();
        }
    }
}
