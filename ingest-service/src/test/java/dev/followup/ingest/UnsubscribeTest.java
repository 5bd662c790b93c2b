package dev.followup.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.Topics;
import dev.followup.events.UnsubscribeTokens;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadEvent;
import dev.followup.ingest.IngestClient.Response;
import dev.followup.ingest.security.TenantAuthenticationManager;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The unsubscribe links (RFC 8058) against a real broker and real HTTP, without credentials: one click publishes one
 * {@code OPTED_OUT} for the token's tenant and lead, a replay nothing new, a GET nothing at all; forged, tampered,
 * foreign-secret and unserved-tenant tokens are a bare 404.
 */
@WithKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class UnsubscribeTest {

    static final String SECRET = "ingest-test-unsubscribe-secret-0123456789";
    static final String OLD_SECRET = "ingest-test-unsubscribe-old-secret-98765";
    static final String FORM = "application/x-www-form-urlencoded";
    static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        r.add("followup.auth.api-keys[0].tenant", () -> "acme");
        r.add("followup.auth.api-keys[0].sha256", () -> TenantAuthenticationManager.sha256Hex(IngestClient.ACME_KEY));
        r.add("followup.auth.api-keys[1].tenant", () -> "globex");
        r.add("followup.auth.api-keys[1].sha256", () -> TenantAuthenticationManager.sha256Hex(IngestClient.GLOBEX_KEY));
        r.add("followup.unsubscribe.secret", () -> SECRET);
        r.add("followup.unsubscribe.previous-secrets", () -> OLD_SECRET);
        // every request of this class comes from 127.0.0.1; ClientAddressRateLimitTest covers the limit
        r.add("followup.unsubscribe.rate-limit.requests-per-second", () -> "1000");
        r.add("followup.unsubscribe.rate-limit.burst", () -> "1000");
    }

    /** What the executor signs with. */
    static final UnsubscribeTokens EXECUTOR = new UnsubscribeTokens(SECRET, List.of());

    @LocalServerPort
    int port;

    IngestClient api;
    final TestKafka kafka = TestKafka.current();

    @BeforeEach
    void client() {
        api = new IngestClient(port);
    }

    private Response oneClick(String token) {
        return api.send("POST", UnsubscribeTokens.PATH + token, null, FORM, ONE_CLICK);
    }

    private List<ConsumerRecord<String, LeadEvent>> eventsOf(String key) {
        return kafka.readAll(Topics.LEAD_EVENTS, LeadEvent.class, r -> r.key().equals(key));
    }

    @Test
    void oneClickPublishesOneOptOutForTheTokensLeadAndAReplayNothingNew() {
        String token = EXECUTOR.sign("acme", "lead-u1", "ada@example.com");

        Response first = oneClick(token);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.contentType()).startsWith("text/html");
        assertThat(first.text()).contains("unsubscribed");
        assertThat(first.header("Cache-Control")).contains("no-store");
        assertThat(first.header("Referrer-Policy")).isEqualTo("no-referrer");

        ConsumerRecord<String, LeadEvent> record = kafka.awaitRecords(Topics.LEAD_EVENTS, LeadEvent.class,
                r -> r.key().equals("acme:lead-u1"), 1, Duration.ofSeconds(30)).get(0);
        LeadEvent event = record.value();
        assertThat(event.getTenantId()).isEqualTo("acme");
        assertThat(event.getLeadId()).isEqualTo("lead-u1");
        assertThat(event.getPayload()).isEqualTo(new LeadEngaged(EngagementKind.OPTED_OUT));
        assertThat(event.getEventId()).isEqualTo(EXECUTOR.verify(token).orElseThrow().eventId());

        // a mail client retrying, a person clicking twice
        assertThat(oneClick(token).status()).isEqualTo(200);
        assertThat(api.send("POST", UnsubscribeTokens.PATH + token, null, FORM, ONE_CLICK + "&extra=1").status())
                .isEqualTo(200);
        assertThat(eventsOf("acme:lead-u1")).extracting(r -> r.value().getEventId())
                .containsOnly(event.getEventId()).hasSize(1);
    }

    /** Mail scanners fetch links: GET shows a button that POSTs, and publishes nothing. */
    @Test
    void getShowsAConfirmationPageAndUnsubscribesNobody() {
        String token = EXECUTOR.sign("acme", "lead-u2", "bob@example.com");

        Response page = api.get(UnsubscribeTokens.PATH + token, null);

        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.text()).contains("<form method=\"post\">")
                .contains("name=\"List-Unsubscribe\" value=\"One-Click\"").contains("<button");
        assertThat(page.header("Content-Security-Policy")).contains("form-action 'self'");
        assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
        // a publish is acknowledged before the answer: had the GET published, the record would be there now
        assertThat(eventsOf("acme:lead-u2")).isEmpty();
    }

    @Test
    void forgedTamperedAndForeignTokensAreABare404AndPublishNothing() {
        String token = EXECUTOR.sign("acme", "lead-u3", "cy@example.com");
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "BB" : "AA");
        String foreign = new UnsubscribeTokens("someone-elses-secret-0123456789abcdef", List.of())
                .sign("acme", "lead-u3", "cy@example.com");
        for (String bad : List.of(tampered, foreign, token.substring(0, token.length() / 2), "u1.x.y.z", "nonsense",
                "x".repeat(600), "u1..." + token)) {
            for (String method : List.of("GET", "POST")) {
                Response r = api.send(method, UnsubscribeTokens.PATH + bad, null, FORM, ONE_CLICK);
                assertThat(r.status()).as(method + " " + bad).isEqualTo(404);
                assertThat(r.text()).as(method + " " + bad).isEmpty();
            }
        }
        assertThat(eventsOf("acme:lead-u3")).isEmpty();
    }

    @Test
    void aTokenForATenantThisServiceDoesNotServeIs404() {
        String token = EXECUTOR.sign("initech", "lead-u4", "dee@example.com");

        assertThat(oneClick(token).status()).isEqualTo(404);
        assertThat(api.get(UnsubscribeTokens.PATH + token, null).status()).isEqualTo(404);
        assertThat(eventsOf("initech:lead-u4")).isEmpty();
    }

    /** Two tenants with a lead of the same id: each token opts out its own tenant's lead only. */
    @Test
    void aTokenOfOneTenantOptsOutThatTenantsLeadOnly() {
        String acme = EXECUTOR.sign("acme", "lead-shared", "eve@example.com");

        assertThat(oneClick(acme).status()).isEqualTo(200);

        kafka.awaitRecords(Topics.LEAD_EVENTS, LeadEvent.class, r -> r.key().equals("acme:lead-shared"), 1,
                Duration.ofSeconds(30));
        assertThat(eventsOf("globex:lead-shared")).isEmpty();
        assertThat(kafka.readAll(Topics.LEAD_EVENTS, LeadEvent.class, r -> "globex".equals(r.value().getTenantId())
                && "lead-shared".equals(r.value().getLeadId()))).isEmpty();

        String globex = EXECUTOR.sign("globex", "lead-shared", "eve@example.com");
        assertThat(oneClick(globex).status()).isEqualTo(200);
        ConsumerRecord<String, LeadEvent> own = kafka.awaitRecords(Topics.LEAD_EVENTS, LeadEvent.class,
                r -> r.key().equals("globex:lead-shared"), 1, Duration.ofSeconds(30)).get(0);
        assertThat(own.value().getTenantId()).isEqualTo("globex");
        assertThat(own.value().getEventId()).isNotEqualTo(EXECUTOR.verify(acme).orElseThrow().eventId());
    }

    @Test
    void aTokenSignedBeforeARotationStillWorks() {
        String old = new UnsubscribeTokens(OLD_SECRET, List.of()).sign("acme", "lead-u5", "fay@example.com");

        assertThat(oneClick(old).status()).isEqualTo(200);
        kafka.awaitRecords(Topics.LEAD_EVENTS, LeadEvent.class, r -> r.key().equals("acme:lead-u5"), 1,
                Duration.ofSeconds(30));
    }

    @Test
    void aPostWithoutTheOneClickBodyIs400NamingTheFieldAndPublishesNothing() {
        String token = EXECUTOR.sign("acme", "lead-u6", "gus@example.com");

        Response empty = api.send("POST", UnsubscribeTokens.PATH + token, null, FORM, "");
        Response other = api.send("POST", UnsubscribeTokens.PATH + token, null, FORM, "List-Unsubscribe=Later");

        assertThat(empty.status()).as(empty.toString()).isEqualTo(400);
        assertThat(empty.contentType()).startsWith("application/problem+json");
        assertThat(empty.json().get("errors").get(0).get("field").asString()).isEqualTo("List-Unsubscribe");
        assertThat(other.status()).as(other.toString()).isEqualTo(400);
        assertThat(other.json().get("errors").get(0).get("value").asString()).isEqualTo("Later");
        assertThat(eventsOf("acme:lead-u6")).isEmpty();
    }

    @Test
    void otherMethodsAndPathsNearTheRouteStayClosed() {
        String token = EXECUTOR.sign("acme", "lead-u7", "hal@example.com");

        assertThat(api.send("DELETE", UnsubscribeTokens.PATH + token, null, null, null).status()).isEqualTo(401);
        assertThat(api.send("POST", UnsubscribeTokens.PATH + token + "/x", null, FORM, ONE_CLICK).status())
                .isEqualTo(401);
        assertThat(api.send("POST", "/v1/leads", null, "application/json", "{}").status()).isEqualTo(401);
    }
}
