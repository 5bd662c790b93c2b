package dev.followup.ingest.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.followup.ingest.config.AuthProperties;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * The decoder built from a JWK set URI, against a real HTTP server that is both the issuer and the key set and records
 * every path it is asked for: the issuer is checked in each token but its discovery document is never fetched, and
 * the audience is checked too.
 */
class JwtDecoderTest {

    static final String AUDIENCE = "followup-ingest";

    final KeyPair keys = rsa();
    final List<String> requested = new CopyOnWriteArrayList<>();
    HttpServer idp;
    String issuer;
    JwtDecoder decoder;

    @BeforeEach
    void serveTheKeySet() throws Exception {
        byte[] jwks = new JWKSet(new RSAKey.Builder((RSAPublicKey) keys.getPublic()).keyID("k1").build()).toString()
                .getBytes(StandardCharsets.UTF_8);
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requested.add(path);
            byte[] body = path.equals("/jwks") ? jwks
                    : path.equals("/realms/followup/.well-known/openid-configuration") ? discovery()
                    : null;
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        idp.start();
        String base = "http://127.0.0.1:" + idp.getAddress().getPort();
        issuer = base + "/realms/followup";
        AuthProperties properties = new AuthProperties(List.of(), List.of("acme"),
                new AuthProperties.Jwt(issuer, base + "/jwks", null, "tenant", AUDIENCE));
        decoder = SecurityConfiguration.jwtDecoder(properties, new DefaultResourceLoader());
    }

    private byte[] discovery() {
        String base = issuer.substring(0, issuer.indexOf("/realms/"));
        return ("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + base + "/jwks\","
                + "\"subject_types_supported\":[\"public\"]}").getBytes(StandardCharsets.UTF_8);
    }

    @AfterEach
    void stop() {
        idp.stop(0);
    }

    @Test
    void aTokenOfTheIssuerForThisAudienceIsDecodedWithKeysFromTheJwkSetOnly() throws Exception {
        assertThat(decoder.decode(token(issuer, AUDIENCE)).getClaimAsString("tenant")).isEqualTo("acme");
        assertThat(requested).containsOnly("/jwks");
    }

    @Test
    void anotherIssuerOrAudienceIsRefused() throws Exception {
        assertThatThrownBy(() -> decoder.decode(token(issuer + "-other", AUDIENCE)))
                .isInstanceOf(JwtValidationException.class).hasMessageContaining("iss");
        assertThatThrownBy(() -> decoder.decode(token(issuer, "billing")))
                .isInstanceOf(JwtValidationException.class).hasMessageContaining("aud");
        assertThat(requested).containsOnly("/jwks");
    }

    @Test
    void withTheIssuerAloneTheKeysAreDiscovered() throws Exception {
        JwtDecoder discovering = SecurityConfiguration.jwtDecoder(new AuthProperties(List.of(), List.of("acme"),
                new AuthProperties.Jwt(issuer, null, null, "tenant", AUDIENCE)), new DefaultResourceLoader());
        assertThat(discovering.decode(token(issuer, AUDIENCE)).getClaimAsString("tenant")).isEqualTo("acme");
        assertThat(requested).contains("/realms/followup/.well-known/openid-configuration", "/jwks");
        assertThatThrownBy(() -> discovering.decode(token(issuer, "billing")))
                .isInstanceOf(JwtValidationException.class).hasMessageContaining("aud");
    }

    private String token(String iss, String audience) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("svc-crm").issuer(iss).audience(audience)
                .claim("tenant", "acme").issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims);
        jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
        return jwt.serialize();
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
