package dev.followup.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.TenantGrants;
import dev.followup.events.Topics;
import dev.followup.events.WebhookTargets;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.TenantSettings;
import dev.followup.ingest.IngestClient.Response;
import dev.followup.ingest.security.TenantAuthenticationManager;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The tenant boundary of {@code PUT /v1/settings}: a webhook URL must not reach into the operator's network (the
 * SSRF rule of {@link WebhookTargets}, production defaults: nothing allowed), and a channel may only name the secret
 * and mailbox references granted to the caller's tenant ({@link TenantGrants}). A refused PUT is a 400 naming the
 * field, and writes nothing: afterwards the settings topic holds no record that breaks either rule.
 */
@WithKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TenantBoundaryTest {

    static final Map<String, List<String>> SECRET_GRANTS =
            Map.of("local", List.of("acme", "globex"), "globex-crm", List.of("globex"));
    static final Map<String, List<String>> MAILBOX_GRANTS = Map.of("sales", List.of("acme"));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        r.add("followup.auth.api-keys[0].tenant", () -> "acme");
        r.add("followup.auth.api-keys[0].sha256", () -> TenantAuthenticationManager.sha256Hex(IngestClient.ACME_KEY));
        r.add("followup.auth.api-keys[1].tenant", () -> "globex");
        r.add("followup.auth.api-keys[1].sha256", () -> TenantAuthenticationManager.sha256Hex(IngestClient.GLOBEX_KEY));
        // comma lists, as the Helm chart passes them through environment variables
        SECRET_GRANTS.forEach((ref, tenants) ->
                r.add("followup.grants.webhook-secrets." + ref, () -> String.join(",", tenants)));
        MAILBOX_GRANTS.forEach((ref, tenants) ->
                r.add("followup.grants.mailboxes." + ref, () -> String.join(",", tenants)));
    }

    @LocalServerPort
    int port;

    IngestClient api;

    @BeforeEach
    void client() {
        api = new IngestClient(port);
    }

    /** PUTs accepted so far: the settings records the topic must hold at the end, no more. */
    static final AtomicInteger ACCEPTED = new AtomicInteger();

    private Response putChannel(String key, String channel, String channelJson) {
        Response r = api.json("PUT", "/v1/settings", key, "{\"channels\":{\"" + channel + "\":" + channelJson + "}}");
        if (r.status() == 202) {
            ACCEPTED.incrementAndGet();
        }
        return r;
    }

    /** The one error of a 400, asserted to name {@code field}. */
    private static JsonNode onlyError(Response r, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode errors = r.json().get("errors");
        assertThat(errors.size()).as(r.toString()).isEqualTo(1);
        assertThat(errors.get(0).get("field").asString()).isEqualTo(field);
        return errors.get(0);
    }

    @Test
    void aSecretRefGrantedToAnotherTenantReadsExactlyLikeOneThatDoesNotExist() {
        Response theirs = putChannel(IngestClient.ACME_KEY, "SMS", "{\"webhookSecretRef\":\"globex-crm\"}");
        Response missing = putChannel(IngestClient.ACME_KEY, "SMS", "{\"webhookSecretRef\":\"no-such-ref\"}");

        JsonNode theirsError = onlyError(theirs, "channels[SMS].webhookSecretRef");
        assertThat(theirsError.get("message").asString())
                .isEqualTo(TenantGrants.unusable("webhookSecretRef", "globex-crm"));
        assertThat(theirsError.get("value").asString()).isEqualTo("globex-crm");
        JsonNode missingError = onlyError(missing, "channels[SMS].webhookSecretRef");
        assertThat(missingError.get("message").asString())
                .isEqualTo(TenantGrants.unusable("webhookSecretRef", "no-such-ref"));
        // apart from the ref the caller sent, nothing tells the two apart
        assertThat(theirs.text().replace("globex-crm", "REF")).isEqualTo(missing.text().replace("no-such-ref", "REF"));
    }

    @Test
    void aSecretRefGrantedToTheTenantIsAccepted() {
        Response own = putChannel(IngestClient.GLOBEX_KEY, "SMS",
                "{\"webhookUrl\":\"https://crm.example.com/hook\",\"webhookSecretRef\":\"globex-crm\"}");
        assertThat(own.status()).as(own.toString()).isEqualTo(202);
        Response shared = putChannel(IngestClient.ACME_KEY, "CALL", "{\"webhookSecretRef\":\"local\"}");
        assertThat(shared.status()).as(shared.toString()).isEqualTo(202);
    }

    @Test
    void mailboxRefsFollowTheirGrantsAndLocalNeedsNone() {
        assertThat(putChannel(IngestClient.ACME_KEY, "EMAIL", "{\"mailboxRef\":\"sales\"}").status()).isEqualTo(202);
        JsonNode error = onlyError(putChannel(IngestClient.GLOBEX_KEY, "EMAIL", "{\"mailboxRef\":\"sales\"}"),
                "channels[EMAIL].mailboxRef");
        assertThat(error.get("message").asString()).isEqualTo(TenantGrants.unusable("mailboxRef", "sales"));
        assertThat(putChannel(IngestClient.GLOBEX_KEY, "EMAIL", "{\"mailboxRef\":\"" + TenantGrants.LOCAL_MAILBOX
                + "\"}").status()).isEqualTo(202);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1:9000/x", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/",
            "http://172.16.0.1/", "http://192.168.0.1/", "http://100.64.0.1/", "http://[::1]/", "http://[fd00::1]/",
            "http://[fe80::1]/", "http://[::ffff:169.254.169.254]/", "http://0.0.0.0/", "http://224.0.0.1/",
            "http://255.255.255.255/", "http://127.1/", "http://2130706433/", "http://localhost/",
            "http://app.localhost/", "http://user:pw@crm.example.com/", "ftp://crm.example.com/",
            "https://crm.example.com/a b", "javascript:alert(1)"})
    void aWebhookUrlOutsideTheAllowedTargetsIsRefused(String url) {
        Response r = putChannel(IngestClient.ACME_KEY, "SMS", "{\"webhookUrl\":\"" + url + "\"}");
        JsonNode error = onlyError(r, "channels[SMS].webhookUrl");
        assertThat(error.get("message").asString()).isEqualTo(WebhookTargets.strict().problemWith(url).orElseThrow());
        if (url.contains("@")) {
            assertThat(r.text()).doesNotContain("pw");
            assertThat(error.get("value").asString()).isEqualTo("[redacted]");
        } else {
            assertThat(error.get("value").asString()).isEqualTo(url);
        }
    }

    @Test
    void aPublicHttpsWebhookIsAccepted() {
        Response r = putChannel(IngestClient.ACME_KEY, "SMS",
                "{\"webhookUrl\":\"https://hooks.example.com:8443/crm?x=1\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
    }

    @Test
    void everyBoundaryProblemOfOnePutIsListedAtOnce() {
        Response r = api.json("PUT", "/v1/settings", IngestClient.GLOBEX_KEY, """
                {"channels":{"SMS":{"webhookUrl":"http://10.0.0.5/","webhookSecretRef":"globex-crm"},
                             "CALL":{"webhookUrl":"https://crm.example.com/","webhookSecretRef":"acme-only"},
                             "EMAIL":{"mailboxRef":"sales"}}}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        r.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("channels[SMS].webhookUrl", "channels[CALL].webhookSecretRef",
                "channels[EMAIL].mailboxRef");
    }

    /**
     * No refused PUT left a record: the settings topic holds one record per accepted PUT, and each names allowed
     * targets and granted references only.
     */
    @AfterAll
    static void nothingRefusedWasWritten(TestKafka kafka) {
        TenantGrants grants = new TenantGrants(SECRET_GRANTS, MAILBOX_GRANTS);
        kafka.awaitRecords(Topics.TENANT_SETTINGS, TenantSettings.class, ACCEPTED.get(), Duration.ofSeconds(30));
        List<ConsumerRecord<String, TenantSettings>> written =
                kafka.readAll(Topics.TENANT_SETTINGS, TenantSettings.class, r -> true);
        for (ConsumerRecord<String, TenantSettings> record : written) {
            String tenant = record.key();
            for (ChannelSettings c : record.value().getChannels().values()) {
                if (c.getWebhookUrl() != null) {
                    assertThat(WebhookTargets.strict().problemWith(c.getWebhookUrl())).as(c.toString()).isEmpty();
                }
                if (c.getWebhookSecretRef() != null) {
                    assertThat(grants.mayUseWebhookSecret(tenant, c.getWebhookSecretRef())).as(c.toString()).isTrue();
                }
                if (c.getMailboxRef() != null) {
                    assertThat(grants.mayUseMailbox(tenant, c.getMailboxRef())).as(c.toString()).isTrue();
                }
            }
        }
        assertThat(written).hasSize(ACCEPTED.get());
    }
}
