package dev.followup.ingest.config;

import dev.followup.events.Identifiers;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Credentials, prefix {@code followup.auth}: API keys stored as hex SHA-256 hashes per tenant, and an optional
 * OIDC JWT resource server (enabled when one of {@code issuerUri}, {@code jwkSetUri}, {@code publicKeyLocation} is set).
 *
 * @param apiKeys the API keys; their tenants are tenants of this service
 * @param tenants further tenants of this service, for tenants that call with JWTs only; a token whose tenant claim
 *                names neither these nor an API key's tenant is refused
 * @param jwt     the JWT resource server
 */
@ConfigurationProperties("followup.auth")
public record AuthProperties(@DefaultValue List<ApiKey> apiKeys, @DefaultValue List<String> tenants,
        @DefaultValue Jwt jwt) {

    public AuthProperties {
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        tenants = tenants == null ? List.of() : tenants.stream().filter(t -> t != null && !t.isBlank())
                .map(String::strip).toList();
        tenants.forEach(t -> Identifiers.require("followup.auth.tenants[]", t));
        if (jwt != null && jwt.enabled() && tenantsOf(apiKeys, tenants).isEmpty()) {
            // otherwise every token would be refused, and the cause would only show as 401s
            throw new IllegalArgumentException("followup.auth.tenants: JWT is enabled but no tenant is configured; "
                    + "list the tenants tokens may name in followup.auth.tenants or followup.auth.api-keys");
        }
    }

    /** The tenants a credential may name: those of the API keys and {@code followup.auth.tenants}. */
    public Set<String> configuredTenants() {
        return tenantsOf(apiKeys, tenants);
    }

    private static Set<String> tenantsOf(List<ApiKey> apiKeys, List<String> tenants) {
        Set<String> all = new TreeSet<>(tenants);
        apiKeys.stream().map(ApiKey::tenant).filter(Objects::nonNull).forEach(all::add);
        return Set.copyOf(all);
    }

    /** One API key: the tenant it belongs to and the hex SHA-256 of the key (the key itself is never configured). */
    public record ApiKey(String tenant, String sha256) {
    }

    /**
     * When JWT is enabled, the issuer and the audience are both required: every token is checked against them
     * whatever the key source, so a token the same identity provider issued for another service is refused.
     *
     * @param issuerUri         the {@code iss} every token must carry; alone (without a JWK set or key) it is also
     *                          where the keys are discovered (OIDC discovery)
     * @param jwkSetUri         the signing keys as a JWK set
     * @param publicKeyLocation the signing key as an X.509 PEM ({@code file:...}, {@code classpath:...})
     * @param tenantClaim       the claim naming the caller's tenant
     * @param audience          the value tokens must carry in {@code aud}
     */
    public record Jwt(String issuerUri, String jwkSetUri, String publicKeyLocation,
            @DefaultValue("tenant") String tenantClaim, String audience) {

        public Jwt {
            if (hasText(issuerUri) || hasText(jwkSetUri) || hasText(publicKeyLocation)) {
                if (!hasText(issuerUri)) {
                    throw new IllegalArgumentException("followup.auth.jwt.issuer-uri is required when JWT is enabled "
                            + "(jwk-set-uri or public-key-location is set): every token's issuer is checked");
                }
                if (!hasText(audience)) {
                    throw new IllegalArgumentException("followup.auth.jwt.audience is required when JWT is enabled: "
                            + "every token must be issued for this service");
                }
                if (!hasText(tenantClaim)) {
                    throw new IllegalArgumentException("followup.auth.jwt.tenant-claim must not be blank");
                }
            }
        }

        public boolean enabled() {
            return hasText(issuerUri) || hasText(jwkSetUri) || hasText(publicKeyLocation);
        }

        private static boolean hasText(String s) {
            return s != null && !s.isBlank();
        }
    }
}
