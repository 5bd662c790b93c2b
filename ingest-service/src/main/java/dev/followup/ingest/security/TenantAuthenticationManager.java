package dev.followup.ingest.security;

import dev.followup.events.Identifiers;
import dev.followup.ingest.config.AuthProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Turns a bearer token into a {@link TenantAuthentication}: first as an API key (its SHA-256 compared in constant
 * time with every configured hash), then, if a JWT decoder is configured and the token looks like a JWT, as a signed
 * token whose tenant claim names a tenant of this service (an API key's tenant or one of
 * {@code followup.auth.tenants}). The token itself is never logged or kept.
 */
public class TenantAuthenticationManager implements AuthenticationManager {

    private record KeyHash(Tenant tenant, byte[] sha256) {
    }

    private static final Logger log = LoggerFactory.getLogger(TenantAuthenticationManager.class);

    private final List<KeyHash> keys;
    private final JwtDecoder jwtDecoder;
    private final String tenantClaim;
    private final Set<String> tenants;

    public TenantAuthenticationManager(AuthProperties properties, JwtDecoder jwtDecoder) {
        this.keys = properties.apiKeys().stream().map(k -> {
            Identifiers.require("followup.auth.api-keys[].tenant", k.tenant());
            if (k.sha256() == null || !k.sha256().matches("(?i)[0-9a-f]{64}")) {
                throw new IllegalArgumentException("followup.auth.api-keys[].sha256 of tenant '" + k.tenant()
                        + "' must be 64 hex digits (the SHA-256 of the key)");
            }
            return new KeyHash(new Tenant(k.tenant()), HexFormat.of().parseHex(k.sha256().toLowerCase(Locale.ROOT)));
        }).toList();
        this.jwtDecoder = jwtDecoder;
        this.tenantClaim = properties.jwt().tenantClaim();
        this.tenants = properties.configuredTenants();
    }

    /** Hex SHA-256 of an API key, the form in which keys are configured. */
    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
            return null;
        }
        String token = bearer.getToken();
        byte[] hash = sha256(token);
        Tenant match = null;
        for (KeyHash k : keys) {
            // check every key, so the time taken says nothing about which one nearly matched
            if (MessageDigest.isEqual(k.sha256(), hash)) {
                match = k.tenant();
            }
        }
        if (match != null) {
            return new TenantAuthentication(match, "api-key");
        }
        if (jwtDecoder != null && token.chars().filter(c -> c == '.').count() == 2) {
            return fromJwt(token);
        }
        throw new InvalidBearerTokenException("The bearer token is not a valid API key or token");
    }

    private Authentication fromJwt(String token) {
        Jwt jwt;
        try {
            jwt = jwtDecoder.decode(token);
        } catch (JwtException e) {
            throw new InvalidBearerTokenException("The bearer token is not a valid API key or token", e);
        }
        Object claim = jwt.getClaims().get(tenantClaim);
        if (!(claim instanceof String tenant) || !Identifiers.isValid(tenant)) {
            throw new InvalidBearerTokenException("The token carries no valid '" + tenantClaim + "' claim");
        }
        if (!tenants.contains(tenant)) {
            // a token the identity provider signed for a tenant this service does not serve: most likely a missing
            // followup.auth.tenants entry, so the (valid, signed) tenant id is logged for the operator
            log.atInfo().setMessage("auth.rejected").addKeyValue("reason", "tenant-not-configured")
                    .addKeyValue("tenant", tenant).log();
            throw new InvalidBearerTokenException(
                    "The token's '" + tenantClaim + "' claim names no tenant of this service");
        }
        return new TenantAuthentication(new Tenant(tenant), "jwt");
    }
}
