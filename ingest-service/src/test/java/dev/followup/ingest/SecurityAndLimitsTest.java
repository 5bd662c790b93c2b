package dev.followup.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.followup.events.Topics;
import dev.followup.events.v1.LeadEvent;
import dev.followup.ingest.IngestClient.Response;
import dev.followup.ingest.security.TenantAuthenticationManager;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Credentials and limits: API keys (hash per tenant), JWTs signed by a locally generated key pair (issuer, audience
 * and tenant checked), tenant isolation, open and closed actuator endpoints, the per-tenant rate limit.
 */
@WithKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SecurityAndLimitsTest {

    static final String LIMITED_KEY = "limited-key-0123";
    static final KeyPair TRUSTED = rsa();
    static final KeyPair STRANGER = rsa();
    /** A name that never resolves (RFC 6761): tokens are accepted only if no OIDC discovery is attempted for it. */
    static final String ISSUER = "https://idp.example.test/realms/followup";
    static final String AUDIENCE = "followup-ingest";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) throws Exception {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        r.add("followup.auth.api-keys[0].tenant", () -> "acme");
        r.add("followup.auth.api-keys[0].sha256", () -> TenantAuthenticationManager.sha256Hex(IngestClient.ACME_KEY));
        r.add("followup.auth.api-keys[1].tenant", () -> "globex");
        r.add("followup.auth.api-keys[1].sha256", () -> TenantAuthenticationManager.sha256Hex(IngestClient.GLOBEX_KEY));
        r.add("followup.auth.api-keys[2].tenant", () -> "limited");
        r.add("followup.auth.api-keys[2].sha256", () -> TenantAuthenticationManager.sha256Hex(LIMITED_KEY));
        r.add("followup.ingest.rate-limit.tenants.limited.requests-per-second", () -> "0.0001");
        r.add("followup.ingest.rate-limit.tenants.limited.burst", () -> "2");
        Path pem = Path.of("target", "jwt-test", "public.pem");
        Files.createDirectories(pem.getParent());
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(TRUSTED.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        r.add("followup.auth.jwt.public-key-location", () -> "file:" + pem.toAbsolutePath());
        r.add("followup.auth.jwt.tenant-claim", () -> "org");
        r.add("followup.auth.jwt.issuer-uri", () -> ISSUER);
        r.add("followup.auth.jwt.audience", () -> AUDIENCE);
        // a tenant that calls with tokens only
        r.add("followup.auth.tenants", () -> "initech");
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String jwt(KeyPair keys, String tenant, Instant expires) throws Exception {
        return jwt(keys, tenant, expires, ISSUER, List.of(AUDIENCE));
    }

    static String jwt(KeyPair keys, String tenant, Instant expires, String issuer, List<String> audience)
            throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("svc-crm").issueTime(new Date())
                .expirationTime(Date.from(expires)).issuer(issuer).audience(audience);
        if (tenant != null) {
            claims.claim("org", tenant);
        }
        SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims.build());
        token.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
        return token.serialize();
    }

    @LocalServerPort
    int port;

    IngestClient api;
    final TestKafka kafka = TestKafka.current();

    @BeforeEach
    void client() {
        api = new IngestClient(port);
    }

    private static final String LEAD = "{\"leadId\":\"lead-s\",\"name\":\"Ada\"}";

    private void assertUnauthorized(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    }

    @Test
    void noKeyIs401() {
        assertUnauthorized(api.json("POST", "/v1/leads", null, LEAD));
        assertUnauthorized(api.get("/v1/settings", null));
    }

    @Test
    void wrongKeyIs401() {
        assertUnauthorized(api.json("POST", "/v1/leads", "dev-acme-key-wrong", LEAD));
        assertUnauthorized(api.json("POST", "/v1/leads", TenantAuthenticationManager.sha256Hex(IngestClient.ACME_KEY), LEAD));
    }

    /**
     * Enumerates every route the application maps (controllers, actuator web endpoints, API docs) and calls each
     * without credentials: all but liveness, readiness and info answer 401, so a new route cannot slip in open. The
     * unsubscribe links are open on purpose (the signed token is their credential): an unsigned one is a 404.
     */
    @Test
    void everyMappedRouteRequiresAuthExceptHealthAndInfo() {
        List<String[]> routes = new java.util.ArrayList<>();
        mappings.forEach((name, mapping) -> {
            if (mapping instanceof org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping m) {
                m.getHandlerMethods().keySet().forEach(info -> {
                    var methods = info.getMethodsCondition().getMethods();
                    for (String pattern : info.getPatternValues()) {
                        String path = pattern.replaceAll("\\{\\*?[^}/]+}", "x").replace("/**", "/x");
                        if (methods.isEmpty()) {
                            routes.add(new String[] {"GET", path});
                        }
                        methods.forEach(m2 -> routes.add(new String[] {m2.name(), path}));
                    }
                });
            }
        });
        List<String> paths = routes.stream().map(r -> r[0] + " " + r[1]).distinct().sorted().toList();
        assertThat(paths).as("the enumeration finds the API, the docs and the actuator")
                .contains("POST /v1/leads", "GET /v3/api-docs", "GET /actuator/health");
        List<String> open = List.of("/actuator/health", "/actuator/health/x", "/actuator/info");
        for (String[] route : routes) {
            if (open.contains(route[1]) || route[0].equals("OPTIONS") || route[0].equals("HEAD")) {
                continue;
            }
            Response r = api.send(route[0], route[1], null, "application/json", "{}");
            int expected = route[1].equals("/v1/unsubscribe/x") ? 404 : 401;
            assertThat(r.status()).as(route[0] + " " + route[1] + " without credentials").isEqualTo(expected);
        }
        assertThat(api.get("/actuator/health/liveness", null).status()).isEqualTo(200);
    }

    @org.springframework.beans.factory.annotation.Autowired
    java.util.Map<String, org.springframework.web.servlet.HandlerMapping> mappings;

    @Test
    void otherSchemesAre401() {
        assertUnauthorized(api.send("POST", "/v1/leads", null, "application/json", LEAD,
                "Authorization", "Basic YWNtZTpkZXYtYWNtZS1rZXk="));
    }

    @Test
    void healthAndInfoAreOpenMetricsAndDocsAreNot() {
        assertThat(api.get("/actuator/health", null).status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/readiness", null).status()).isEqualTo(200);
        assertThat(api.get("/actuator/health/liveness", null).status()).isEqualTo(200);
        assertThat(api.get("/actuator/info", null).status()).isEqualTo(200);
        assertUnauthorized(api.get("/actuator/prometheus", null));
        assertUnauthorized(api.get("/actuator/metrics", null));
        assertUnauthorized(api.get("/v3/api-docs", null));
    }

    @Test
    void prometheusWithAKeyShowsRequestAndPublishMetrics() {
        assertThat(api.json("POST", "/v1/leads/lead-m/score", IngestClient.GLOBEX_KEY, "{\"predProb\":0.4}").status())
                .isEqualTo(202);
        Response metrics = api.get("/actuator/prometheus", IngestClient.GLOBEX_KEY);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text()).contains("followup_ingest_published_total{topic=\"followup.lead-events.v1\"")
                .contains("followup_ingest_publish_latency_seconds")
                .contains("http_server_requests_seconds_count").contains("uri=\"/v1/leads/{leadId}/score\"");
    }

    @Test
    void openApiDescriptionListsEveryEndpoint() {
        Response docs = api.get("/v3/api-docs", IngestClient.ACME_KEY);
        assertThat(docs.status()).as(docs.toString()).isEqualTo(200);
        var paths = docs.json().get("paths");
        for (String path : List.of("/v1/leads", "/v1/leads/{leadId}/score", "/v1/leads/{leadId}/engagements",
                "/v1/leads/{leadId}", "/v1/bookings", "/v1/bookings/{bookingId}",
                "/v1/leads/{leadId}/sequences/{sequenceId}", "/v1/leads/{leadId}/pause", "/v1/leads/{leadId}/resume",
                "/v1/tasks", "/v1/tasks/{taskId}", "/v1/settings", "/v1/sequences/{sequenceId}", "/v1/events:batch")) {
            assertThat(paths.has(path)).as(path).isTrue();
        }
    }

    @Test
    void aBodyNamingAnotherTenantIsForbiddenAndPublishesNothing() {
        Response r = api.json("POST", "/v1/leads", IngestClient.ACME_KEY,
                "{\"tenantId\":\"globex\",\"leadId\":\"lead-x\",\"name\":\"Mallory\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.contentType()).startsWith("application/problem+json");
        Response own = api.json("POST", "/v1/leads", IngestClient.ACME_KEY,
                "{\"tenantId\":\"acme\",\"leadId\":\"lead-x\",\"name\":\"Ada\"}");
        assertThat(own.status()).isEqualTo(202);
        kafka.awaitRecords(Topics.LEAD_EVENTS, LeadEvent.class, x -> x.key().equals("acme:lead-x"), 1, Duration.ofSeconds(30));
        assertThat(kafka.readAll(Topics.LEAD_EVENTS, LeadEvent.class, x -> x.key().equals("globex:lead-x"))).isEmpty();
    }

    @Test
    void anotherTenantsSequenceIsNotFoundExactlyLikeAMissingOne() {
        assertThat(api.json("PUT", "/v1/sequences/globex-only", IngestClient.GLOBEX_KEY,
                "{\"name\":\"G\",\"steps\":[{\"type\":\"EMAIL\",\"delay\":\"0m\"}]}").status()).isEqualTo(202);
        assertThat(api.get("/v1/sequences/globex-only", IngestClient.GLOBEX_KEY).status()).isEqualTo(200);
        Response theirs = api.get("/v1/sequences/globex-only", IngestClient.ACME_KEY);
        Response missing = api.get("/v1/sequences/never-was", IngestClient.ACME_KEY);
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(theirs.json().get("title")).isEqualTo(missing.json().get("title"));
        assertThat(theirs.text()).doesNotContain("\"G\"");
        // DELETE by acme only tombstones acme's key: globex's sequence stays
        assertThat(api.json("DELETE", "/v1/sequences/globex-only", IngestClient.ACME_KEY, null).status()).isEqualTo(202);
        assertThat(api.get("/v1/sequences/globex-only", IngestClient.GLOBEX_KEY).status()).isEqualTo(200);
    }

    @Test
    void aJwtWithTheTenantClaimIsAccepted() throws Exception {
        String token = jwt(TRUSTED, "globex", Instant.now().plusSeconds(300));
        Response r = api.json("POST", "/v1/leads", token, "{\"leadId\":\"lead-jwt\",\"name\":\"Jay\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        var rec = kafka.awaitRecords(Topics.LEAD_EVENTS, LeadEvent.class,
                x -> x.value().getEventId().equals(r.json().get("eventId").asString()), 1, Duration.ofSeconds(30)).get(0);
        assertThat(rec.key()).isEqualTo("globex:lead-jwt");
        assertThat(rec.value().getTenantId()).isEqualTo("globex");
    }

    @Test
    void badJwtsAre401() throws Exception {
        assertUnauthorized(api.json("POST", "/v1/leads", jwt(STRANGER, "globex", Instant.now().plusSeconds(300)), LEAD));
        assertUnauthorized(api.json("POST", "/v1/leads", jwt(TRUSTED, null, Instant.now().plusSeconds(300)), LEAD));
        assertUnauthorized(api.json("POST", "/v1/leads", jwt(TRUSTED, "globex", Instant.now().minusSeconds(600)), LEAD));
        assertUnauthorized(api.json("POST", "/v1/leads", jwt(TRUSTED, "not a tenant!", Instant.now().plusSeconds(300)), LEAD));
        assertUnauthorized(api.json("POST", "/v1/leads", "a.b.c", LEAD));
    }

    @Test
    void aJwtIssuedForAnotherAudienceIs401() throws Exception {
        Instant later = Instant.now().plusSeconds(300);
        assertUnauthorized(api.json("POST", "/v1/leads", jwt(TRUSTED, "globex", later, ISSUER, List.of("billing")),
                LEAD));
        assertUnauthorized(api.json("POST", "/v1/leads", jwt(TRUSTED, "globex", later, ISSUER, null), LEAD));
        // one audience among several is enough
        assertThat(api.json("POST", "/v1/leads", jwt(TRUSTED, "globex", later, ISSUER, List.of("billing", AUDIENCE)),
                LEAD).status()).isEqualTo(202);
    }

    @Test
    void aJwtFromAnotherIssuerIs401() throws Exception {
        Instant later = Instant.now().plusSeconds(300);
        assertUnauthorized(api.json("POST", "/v1/leads",
                jwt(TRUSTED, "globex", later, "https://evil.example.test/", List.of(AUDIENCE)), LEAD));
        assertUnauthorized(api.json("POST", "/v1/leads", jwt(TRUSTED, "globex", later, null, List.of(AUDIENCE)), LEAD));
    }

    @Test
    void aJwtNamingATenantThisServiceDoesNotServeIs401WithoutEchoingIt() throws Exception {
        Response r = api.json("POST", "/v1/leads", jwt(TRUSTED, "umbrella", Instant.now().plusSeconds(300)),
                "{\"leadId\":\"lead-u\",\"name\":\"Ada\"}");
        assertUnauthorized(r);
        assertThat(r.text()).doesNotContain("umbrella");
        assertThat(kafka.readAll(Topics.LEAD_EVENTS, LeadEvent.class, x -> x.key().startsWith("umbrella:"))).isEmpty();
    }

    @Test
    void aJwtForATenantListedOnlyInFollowupAuthTenantsIsAccepted() throws Exception {
        Response r = api.json("POST", "/v1/leads", jwt(TRUSTED, "initech", Instant.now().plusSeconds(300)),
                "{\"leadId\":\"lead-i\",\"name\":\"Ada\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(kafka.awaitRecords(Topics.LEAD_EVENTS, LeadEvent.class, x -> x.key().equals("initech:lead-i"), 1,
                Duration.ofSeconds(30))).hasSize(1);
    }

    @Test
    void overTheTenantRateIs429WithRetryAfterAndOtherTenantsAreUnaffected() {
        String body = "{\"predProb\":0.1}";
        assertThat(api.json("POST", "/v1/leads/l1/score", LIMITED_KEY, body).status()).isEqualTo(202);
        assertThat(api.json("POST", "/v1/leads/l1/score", LIMITED_KEY, body).status()).isEqualTo(202);
        Response limited = api.json("POST", "/v1/leads/l1/score", LIMITED_KEY, body);
        assertThat(limited.status()).as(limited.toString()).isEqualTo(429);
        assertThat(limited.contentType()).startsWith("application/problem+json");
        assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
        assertThat(api.json("POST", "/v1/leads/l1/score", IngestClient.ACME_KEY, body).status()).isEqualTo(202);
    }
}
