package dev.followup.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.server.ResponseStatusException;

/** What a forwarded query looks like on the wire, seen by a real HTTP server standing in for the other instance. */
class PeerClientTest {

    private static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private final InternalCredential credential = new InternalCredential("a-shared-secret-of-32-characters!",
            Duration.ofSeconds(30));

    private record Received(String method, URI uri, Map<String, List<String>> headers) {
    }

    private HttpServer peer;
    private final List<Received> received = new ArrayList<>();

    @BeforeEach
    void startPeer() throws IOException {
        peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.createContext("/", exchange -> {
            synchronized (received) {
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                headers.putAll(exchange.getRequestHeaders());
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI(), headers));
            }
            byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (exchange.getRequestURI().getPath().endsWith("/tasks")) {
                exchange.getResponseHeaders().add(LeadTaskPage.NEXT_CURSOR, "bmV4dA");
            }
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/v1/refused") ? 401 : 200,
                    body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        peer.start();
    }

    @AfterEach
    void stopPeer() {
        peer.stop(0);
    }

    private HostInfo host() {
        return new HostInfo("127.0.0.1", peer.getAddress().getPort());
    }

    @Test
    void aForwardedQueryIsSignedForItsTenantAndCallAndCarriesNoApiKey() {
        PeerClient client = new PeerClient(RestClient.create(), "http", credential, CLOCK);
        MultiValueMap<String, String> query = new LinkedMultiValueMap<>();
        query.add("limit", "100");
        query.add("failuresFirst", "true");
        query.add("status", "DEAD");

        client.get(host(), "acme", "/v1/receipts", query).retrieve().body(String.class);

        assertThat(received).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("GET");
            assertThat(r.uri().getRawPath() + "?" + r.uri().getRawQuery())
                    .isEqualTo("/v1/receipts?limit=100&failuresFirst=true&status=DEAD");
            assertThat(r.headers()).doesNotContainKey("Authorization");
            assertThat(r.headers().get(InternalCredential.TENANT_HEADER)).containsExactly("acme");
            assertThat(r.headers().get(TaskQueries.LOCAL_ONLY)).containsExactly("true");
            String header = r.headers().get(InternalCredential.HEADER).get(0);
            assertThat(credential.verifies(header, "acme", "GET", r.uri().getRawPath() + "?" + r.uri().getRawQuery(),
                    NOW)).as("verifies as the receiver checks it").isTrue();
            assertThat(credential.verifies(header, "globex", "GET", r.uri().getRawPath() + "?" + r.uri().getRawQuery(),
                    NOW)).isFalse();
        });
    }

    @Test
    void aForwardedPageCarriesItsParametersAndItsNextCursorComesBack() {
        PeerClient client = new PeerClient(RestClient.create(), "http", credential, CLOCK);
        LeadTaskPage.Request request = LeadTaskPage.Request.parse("7", "newest", null);

        var answer = client.get(host(), "acme", "/v1/leads/lead-1/tasks", request.query()).retrieve()
                .toEntity(String.class);

        assertThat(received).singleElement().satisfies(r -> assertThat(r.uri().getRawQuery())
                .isEqualTo("limit=7&order=newest"));
        assertThat(answer.getHeaders().getFirst(LeadTaskPage.NEXT_CURSOR)).isEqualTo("bmV4dA");
    }

    @Test
    void aPeerRefusingTheCredentialIsA503ForTheCaller() {
        PeerClient client = new PeerClient(RestClient.create(), "http", credential, CLOCK);

        assertThatThrownBy(() -> client.get(host(), "acme", "/v1/refused").retrieve().body(String.class))
                .isInstanceOfSatisfying(ResponseStatusException.class, e -> {
                    assertThat(e.getStatusCode().value()).isEqualTo(503);
                    assertThat(e.getReason()).contains("refused this instance's internal credential");
                });
    }

    @Test
    void withoutASecretNothingIsForwarded() {
        PeerClient client = new PeerClient(RestClient.create(), "http", null, CLOCK);

        assertThatThrownBy(() -> client.get(host(), "acme", "/v1/queue").retrieve().body(String.class))
                .isInstanceOfSatisfying(ResponseStatusException.class, e -> {
                    assertThat(e.getStatusCode().value()).isEqualTo(503);
                    assertThat(e.getReason()).contains("followup.scheduler.internal-auth.secret");
                });
        assertThat(received).isEmpty();
    }
}
