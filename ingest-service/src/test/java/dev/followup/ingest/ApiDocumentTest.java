package dev.followup.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.ingest.IngestClient.Response;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * docs/openapi/ingest.yaml is what the running service documents at {@code /v3/api-docs.yaml}: a change of the API
 * that is not written back into the file fails here. To write it back: {@code ./mvnw -pl ingest-service -am test
 * -Dtest=ApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false -Dfollowup.openapi.write=true}.
 */
@WithKafka
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiDocumentTest {

    static final Path FILE = Path.of("..", "docs", "openapi", "ingest.yaml");

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
    }

    @LocalServerPort
    int port;

    @Test
    void theCheckedInDocumentIsTheOneTheServiceServes() throws IOException {
        Response served = new IngestClient(port).get("/v3/api-docs.yaml", IngestClient.ACME_KEY);
        assertThat(served.status()).as(served.toString()).isEqualTo(200);
        if (Boolean.getBoolean("followup.openapi.write")) {
            Files.writeString(FILE, served.text());
        }
        assertThat(served.text()).as("docs/openapi/ingest.yaml is stale; see this test's javadoc to rewrite it")
                .isEqualTo(Files.readString(FILE));
    }
}
