package dev.followup.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.followup.ingest.IngestClient.Response;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Kafka goes away: requests fail with 503 and Retry-After within the configured bound (2 s here; the HTTP client
 * gives up well after it, so a hang fails the test), and readiness turns DOWN.
 */
@WithKafka
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"followup.ingest.publish-timeout=2s", "followup.ingest.retry-after=7s"})
class BrokerDownTest {

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
    }

    @LocalServerPort
    int port;

    @Test
    void stoppedBrokerGives503WithinTheBound(TestKafka kafka) {
        IngestClient api = new IngestClient(port, Duration.ofSeconds(20));
        assertThat(api.json("POST", "/v1/leads/lead-1/score", IngestClient.ACME_KEY, "{\"predProb\":0.5}").status())
                .isEqualTo(202);
        assertThat(api.get("/actuator/health/readiness", null).status()).isEqualTo(200);

        kafka.close();

        for (int i = 0; i < 2; i++) {
            long started = System.nanoTime();
            Response r = api.json("POST", "/v1/leads/lead-1/score", IngestClient.ACME_KEY, "{\"predProb\":0.6}");
            long millis = (System.nanoTime() - started) / 1_000_000;
            System.out.println("broker-down: 503 after " + millis + " ms (bound 2000 ms)");
            assertThat(r.status()).as(r.toString()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("7");
            assertThat(r.contentType()).startsWith("application/problem+json");
        }
        Response settings = api.json("PUT", "/v1/settings", IngestClient.ACME_KEY, "{\"draftOnly\":true}");
        assertThat(settings.status()).isEqualTo(503);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(api.get("/actuator/health/readiness", null).status()).isEqualTo(503));
    }
}
