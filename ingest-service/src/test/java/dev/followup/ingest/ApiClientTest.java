package dev.followup.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.followup.client.ingest.ApiClient;
import dev.followup.client.ingest.ApiException;
import dev.followup.client.ingest.api.LeadsApi;
import dev.followup.client.ingest.api.SettingsApi;
import dev.followup.client.ingest.api.TasksApi;
import dev.followup.client.ingest.model.LeadBody;
import dev.followup.client.ingest.model.Problem;
import dev.followup.client.ingest.model.Published;
import dev.followup.client.ingest.model.SettingsBody;
import dev.followup.client.ingest.model.TaskBody;
import dev.followup.events.Topics;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A client generated from docs/openapi/ingest.yaml (openapi-generator, Java native library; see the pom) against
 * the running service and a real broker: what an upstream team would do with our document.
 */
@WithKafka
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ApiClientTest {

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
    }

    @LocalServerPort
    int port;

    final TestKafka kafka = TestKafka.current();
    ApiClient client;

    @BeforeEach
    void client() {
        client = new ApiClient().setScheme("http").setHost("127.0.0.1").setPort(port)
                .setRequestInterceptor(request -> request.header("Authorization", "Bearer " + IngestClient.ACME_KEY));
    }

    private <T extends SpecificRecord> ConsumerRecord<String, T> landed(Published p, String topic, Class<T> type) {
        assertThat(p.getTopic()).isEqualTo(topic);
        return kafka.awaitRecords(topic, type, r -> r.partition() == p.getPartition() && r.offset() == p.getOffset(),
                1, Duration.ofSeconds(30)).get(0);
    }

    @Test
    void aGeneratedClientCapturesALeadSchedulesATaskAndReadsTheSettingsBack() throws ApiException {
        Published lead = new LeadsApi(client).captureLead(new LeadBody().leadId("lead-gen-1").name("Ada Lovelace")
                .email("ada@example.com").timezone("Europe/Berlin"), null);
        ConsumerRecord<String, LeadEvent> captured = landed(lead, Topics.LEAD_EVENTS, LeadEvent.class);
        assertThat(captured.key()).isEqualTo("acme:lead-gen-1");
        assertThat(captured.value().getPayload()).isInstanceOf(LeadCaptured.class);

        String dueAt = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        TaskBody task = new TaskBody().leadId("lead-gen-1").channel("CALL").dueAt(dueAt).note("Ask about the pilot");
        Published first = new TasksApi(client).task(task, "gen-key-1");
        ConsumerRecord<String, Command> scheduled = landed(first, Topics.COMMANDS, Command.class);
        assertThat(((ScheduleTask) scheduled.value().getPayload()).getDueAt()).isEqualTo(Instant.parse(dueAt));
        Published replay = new TasksApi(client).task(task, "gen-key-1");
        assertThat(replay.getOffset()).as("the same Idempotency-Key answers the first outcome")
                .isEqualTo(first.getOffset());

        SettingsBody settings = new SettingsApi(client).getSettings();
        assertThat(settings.getTenantId()).isEqualTo("acme");
        assertThat(settings.getTimezone()).isNotBlank();
    }

    @Test
    void aRefusedRequestArrivesAsTheDocumentedProblemNamingTheField() throws Exception {
        ApiException refused = catchThrowableOfType(ApiException.class, () -> new LeadsApi(client)
                .captureLead(new LeadBody().leadId("not an id").name("Ada"), null));
        assertThat(refused.getCode()).isEqualTo(400);
        Problem problem = client.getObjectMapper().readValue(refused.getResponseBody(), Problem.class);
        assertThat(problem.getType()).isEqualTo("urn:followup:problem:invalid-request");
        assertThat(problem.getErrors()).singleElement().satisfies(e -> {
            assertThat(e.getField()).isEqualTo("leadId");
            assertThat(e.getValue()).isEqualTo("not an id");
        });

        ApiException unauthenticated = catchThrowableOfType(ApiException.class, () -> new LeadsApi(new ApiClient()
                .setScheme("http").setHost("127.0.0.1").setPort(port)).captureLead(new LeadBody().leadId("x")
                .name("Ada"), null));
        assertThat(unauthenticated.getCode()).isEqualTo(401);
        assertThat(client.getObjectMapper().readValue(unauthenticated.getResponseBody(), Problem.class).getType())
                .isEqualTo("urn:followup:problem:unauthorized");
    }
}
