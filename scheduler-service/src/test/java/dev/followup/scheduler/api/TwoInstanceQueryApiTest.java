package dev.followup.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.RetryTask;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.scheduler.SchedulerApplication;
import dev.followup.scheduler.config.SchedulerStreams;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.topology.SchedulerTopology;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.util.TestSocketUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two scheduler instances (same application id, 6 partitions split between them) behind their query APIs: either
 * instance answers for tasks hosted on the other, scoped to the caller's tenant, asking the other with the internal
 * credential (never the caller's key); nobody else can use the internal headers to act as a tenant.
 */
@WithKafka
class TwoInstanceQueryApiTest {

    private static final String ACME = "Bearer dev-acme-key";
    private static final String GLOBEX = "Bearer dev-globex-key";
    /** A tenant with a tiny query rate (3 at once, then one per 1000 s): see the rate-limit test. */
    private static final String INITECH = "Bearer dev-initech-key";
    private static final String SECRET = "two-instance-test-secret-0123456789abcdef";
    private static final int LEADS = 12;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;
    private static int portA;
    private static int portB;

    @BeforeAll
    static void start(TestKafka kafka) {
        String run = UUID.randomUUID().toString();
        portA = TestSocketUtils.findAvailableTcpPort();
        a = app(kafka, portA, "target/it-state/" + run + "/a");
        portB = TestSocketUtils.findAvailableTcpPort();
        b = app(kafka, portB, "target/it-state/" + run + "/b");
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() ->
                get(portA, "/actuator/health/readiness", null).statusCode() == 200
                        && get(portB, "/actuator/health/readiness", null).statusCode() == 200
                        && streams(a).kafkaStreams().metadataForAllStreamsClients().size() == 2
                        && streams(a).kafkaStreams().metadataForAllStreamsClients().stream()
                                .allMatch(m -> !m.topicPartitions().isEmpty()));

        Instant due = Instant.now().plus(Duration.ofHours(1));
        for (int i = 0; i < LEADS; i++) {
            String lead = "lead-" + i;
            kafka.send(Topics.COMMANDS, LeadKey.of("acme", lead).toString(), Command.newBuilder()
                    .setCommandId("cmd-" + i).setTenantId("acme").setLeadId(lead).setIssuedAt(Instant.now())
                    .setPayload(ScheduleTask.newBuilder().setChannel(Channel.SMS).setDueAt(due).build()).build());
        }
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    private static ConfigurableApplicationContext app(TestKafka kafka, int port, String stateDir) {
        // command-line arguments: they win over application.yml (builder properties would not)
        return new SpringApplicationBuilder(SchedulerApplication.class).run(
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--followup.scheduler.application-id=scheduler-query-test",
                "--followup.scheduler.state-dir=" + stateDir,
                "--followup.scheduler.application-server=localhost:" + port,
                "--followup.auth.api-keys[0].tenant=acme",
                "--followup.auth.api-keys[0].sha256=62c2fc277ab4261d4243be7b5cf49bdab2c39fed01ae2d4ce1cf9a38ec4e793c",
                "--followup.auth.api-keys[1].tenant=globex",
                "--followup.auth.api-keys[1].sha256=4763e480ccf7dc583baddba37894eb1dc1fabf79bfc9d82a4a8b00710e18f124",
                "--followup.auth.api-keys[2].tenant=initech",
                "--followup.auth.api-keys[2].sha256=e8c4dd18b2f2e2a21135a4723247a77eb91164c00b2fe651524b2872ef48729b",
                "--followup.scheduler.internal-auth.secret=" + SECRET,
                // acme and globex poll in the tests below: far from any limit; initech has its own
                "--followup.scheduler.query-rate-limit.requests-per-second=1000",
                "--followup.scheduler.query-rate-limit.burst=1000",
                "--followup.scheduler.query-rate-limit.tenants.initech.requests-per-second=0.001",
                "--followup.scheduler.query-rate-limit.tenants.initech.burst=3");
    }

    private static SchedulerStreams streams(ConfigurableApplicationContext context) {
        return context.getBean(SchedulerStreams.class);
    }

    private static HttpResponse<String> get(int port, String path, String authorization, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(60));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** Leads whose partition instance B hosts. */
    private static List<String> leadsOnB() {
        HostInfo hostB = streams(b).self();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < LEADS; i++) {
            KeyQueryMetadata owner = streams(a).kafkaStreams().queryMetadataForKey(SchedulerTopology.LEAD_TASKS_STORE,
                    LeadKey.of("acme", "lead-" + i).toString(), new StringSerializer());
            if (owner.activeHost().equals(hostB)) {
                out.add("lead-" + i);
            }
        }
        return out;
    }

    @Test
    void instanceAAnswersForTasksHostedOnInstanceB() {
        List<String> onB = leadsOnB();
        assertThat(onB).as("some leads live on instance B").isNotEmpty();
        for (String lead : onB) {
            String taskId = TaskIds.manual("acme", "cmd-" + lead.substring("lead-".length()));
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> get(portA, "/v1/tasks/" + taskId, ACME).statusCode() == 200);
            JsonNode task = json(get(portA, "/v1/tasks/" + taskId, ACME));
            assertThat(task.get("taskId").asString()).isEqualTo(taskId);
            assertThat(task.get("leadId").asString()).isEqualTo(lead);
            assertThat(task.get("status").asString()).isEqualTo("PENDING");
            assertThat(task.get("channel").asString()).isEqualTo("SMS");

            JsonNode leadTasks = json(get(portA, "/v1/leads/" + lead + "/tasks", ACME));
            assertThat(leadTasks.size()).isEqualTo(1);
            assertThat(leadTasks.get(0).get("taskId").asString()).isEqualTo(taskId);
        }
    }

    @Test
    void aLeadOnInstanceBIsPagedThroughInstanceAWithEveryTaskOnce(TestKafka kafka) {
        HostInfo hostB = streams(b).self();
        String lead = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "paged-" + i)
                .filter(l -> streams(a).kafkaStreams().queryMetadataForKey(SchedulerTopology.LEAD_TASKS_STORE,
                        LeadKey.of("acme", l).toString(), new StringSerializer()).activeHost().equals(hostB))
                .findFirst().orElseThrow();
        Instant due = Instant.now().plus(Duration.ofHours(2));
        for (int i = 0; i < 25; i++) { // CALL: the queue test counts SMS and EMAIL
            kafka.send(Topics.COMMANDS, LeadKey.of("acme", lead).toString(), Command.newBuilder()
                    .setCommandId(lead + "-cmd-" + i).setTenantId("acme").setLeadId(lead).setIssuedAt(Instant.now())
                    .setPayload(ScheduleTask.newBuilder().setChannel(Channel.CALL)
                            .setDueAt(due.plus(Duration.ofMinutes(i % 5))).build()).build());
        }
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() ->
                json(get(portA, "/v1/leads/" + lead + "/tasks?limit=500", ACME)).size() == 25);
        List<String> unpaged = new ArrayList<>();
        json(get(portA, "/v1/leads/" + lead + "/tasks?limit=500", ACME))
                .forEach(t -> unpaged.add(t.get("taskId").asString()));

        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> page = get(portA, "/v1/leads/" + lead + "/tasks?limit=7"
                    + (cursor == null ? "" : "&cursor=" + cursor), ACME);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            json(page).forEach(t -> paged.add(t.get("taskId").asString()));
            cursor = page.headers().firstValue("X-Next-Cursor").orElse(null);
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(4);
        assertThat(paged).containsExactlyElementsOf(unpaged).doesNotHaveDuplicates();
        assertThat(get(portA, "/v1/leads/" + lead + "/tasks?limit=501", ACME).statusCode()).isEqualTo(400);

        // the journey pages the same way (its body stays the object)
        List<String> journey = new ArrayList<>();
        json(get(portA, "/v1/leads/" + lead + "/journey", ACME)).get("entries").forEach(e -> journey.add(e.toString()));
        assertThat(journey).hasSizeGreaterThanOrEqualTo(25);
        List<String> journeyPaged = new ArrayList<>();
        cursor = null;
        do {
            HttpResponse<String> page = get(portA, "/v1/leads/" + lead + "/journey?limit=7"
                    + (cursor == null ? "" : "&cursor=" + cursor), ACME);
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            assertThat(json(page).get("leadId").asString()).isEqualTo(lead);
            json(page).get("entries").forEach(e -> journeyPaged.add(e.toString()));
            cursor = page.headers().firstValue("X-Next-Cursor").orElse(null);
        } while (cursor != null);
        assertThat(journeyPaged).containsExactlyElementsOf(journey);
    }

    @Test
    void queueSummarizesPendingTasksOfAllInstances() {
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            for (int port : new int[] {portA, portB}) {
                JsonNode queue = json(get(port, "/v1/queue", ACME));
                assertThat(queue.get("pending").get("SMS").asLong()).isEqualTo(LEADS);
                assertThat(queue.get("pending").get("EMAIL").asLong()).isZero();
                assertThat(queue.get("overdue").asLong()).isZero();
                assertThat(queue.get("nextDueAt").asString()).isNotBlank();
            }
        });
        JsonNode globex = json(get(portA, "/v1/queue", GLOBEX));
        assertThat(globex.get("pending").get("SMS").asLong()).isZero();
    }

    /**
     * The console's data: a manual call emitted, reported DEAD, retried through {@code POST /v1/tasks/{id}/retry}
     * (a RetryTask command on the commands topic) and emitted again, seen in the lead's journey and the tenant's
     * receipts from both instances; another tenant sees none of it and cannot retry it.
     */
    @Test
    void journeyReceiptsAndRetryAnswerFromEitherInstanceForTheCallersTenantOnly(TestKafka kafka) {
        String lead = "journey-lead";
        String key = LeadKey.of("acme", lead).toString();
        String taskId = TaskIds.manual("acme", "cmd-journey");
        kafka.send(Topics.COMMANDS, key, Command.newBuilder().setCommandId("cmd-journey").setTenantId("acme")
                .setLeadId(lead).setIssuedAt(Instant.now())
                .setPayload(ScheduleTask.newBuilder().setChannel(Channel.CALL).setDueAt(Instant.now()).build()).build());
        DueTask emitted = kafka.awaitRecords(Topics.dueTasks(Channel.CALL), DueTask.class,
                r -> r.key().equals(key), 1, Duration.ofSeconds(120)).get(0).value();
        kafka.send(Topics.RECEIPTS, key, Receipt.newBuilder().setReceiptId(taskId + "-1").setTaskId(taskId)
                .setTenantId("acme").setLeadId(lead).setChannel(Channel.CALL).setStatus(ReceiptStatus.DEAD)
                .setProvider("webhook").setAttempt(1).setDueAt(emitted.getDueAt()).setEmittedAt(emitted.getEmittedAt())
                .setCompletedAt(Instant.now()).setLatencyMs(Duration.between(emitted.getDueAt(), Instant.now()).toMillis())
                .setError("webhook answered 503 5 times").build());
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                json(get(portA, "/v1/tasks/" + taskId, ACME)).get("status").asString().equals("DEAD"));

        for (int port : new int[] {portA, portB}) {
            JsonNode dead = json(get(port, "/v1/receipts?status=DEAD", ACME));
            assertThat(dead.size()).isEqualTo(1);
            assertThat(dead.get(0).get("taskId").asString()).isEqualTo(taskId);
            assertThat(dead.get(0).get("leadId").asString()).isEqualTo(lead);
            assertThat(dead.get(0).get("error").asString()).isEqualTo("webhook answered 503 5 times");
            assertThat(dead.get(0).get("retryable").asBoolean()).isTrue();
            assertThat(json(get(port, "/v1/receipts", GLOBEX)).size()).isZero();

            JsonNode journey = json(get(port, "/v1/leads/" + lead + "/journey", ACME));
            assertThat(journey.get("timezone").asString()).isEqualTo("UTC");
            List<String> whats = new ArrayList<>();
            journey.get("entries").forEach(e -> whats.add(e.get("what").asString()));
            assertThat(whats).containsExactly("scheduled", "emitted", "DEAD");
            assertThat(json(get(port, "/v1/leads/" + lead + "/journey", GLOBEX)).get("entries").size()).isZero();
        }
        assertThat(get(portA, "/v1/receipts?channel=FAX", ACME)).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("channel: 'FAX' is not one of [CALL, EMAIL, SMS]");
        });
        assertThat(get(portA, "/v1/receipts?limit=0", ACME).body()).contains("limit: '0' is not a whole number from 1 to 500");

        assertThat(post(portA, "/v1/tasks/" + taskId + "/retry", GLOBEX).statusCode()).isEqualTo(404);
        HttpResponse<String> accepted = post(portB, "/v1/tasks/" + taskId + "/retry", ACME);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String commandId = json(accepted).get("commandId").asString();
        kafka.awaitRecords(Topics.COMMANDS, Command.class, r -> r.key().equals(key)
                && r.value().getCommandId().equals(commandId) && r.value().getPayload() instanceof RetryTask retry
                && retry.getTaskId().equals(taskId), 1, Duration.ofSeconds(30));
        List<DueTask> attempts = kafka.awaitRecords(Topics.dueTasks(Channel.CALL), DueTask.class,
                r -> r.key().equals(key), 2, Duration.ofSeconds(120)).stream().map(r -> r.value()).toList();
        assertThat(attempts).extracting(DueTask::getAttempt).containsExactly(1, 2);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<String> whats = new ArrayList<>();
            json(get(portA, "/v1/leads/" + lead + "/journey", ACME)).get("entries")
                    .forEach(e -> whats.add(e.get("what").asString()));
            assertThat(whats).endsWith("DEAD", "retry", "retry scheduled", "emitted");
        });
        HttpResponse<String> again = post(portA, "/v1/tasks/" + taskId + "/retry", ACME);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("is EMITTED; only FAILED or DEAD tasks can be retried");
    }

    private static HttpResponse<String> post(int port, String path, String authorization) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(60)).header("Authorization", authorization)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The internal headers from anyone but an instance: a tenant header beside another tenant's key is ignored, and
     * an absent, forged, foreign, misplaced, other-tenant or stale credential is a 401, {@code X-Followup-Local-Only}
     * or not. Only the credential an instance would compute for this very call is accepted.
     */
    @Test
    void aDirectCallCannotActAsAnotherTenantWithTheInternalHeaders() {
        String lead = leadsOnB().get(0);
        String path = "/v1/tasks/" + TaskIds.manual("acme", "cmd-" + lead.substring("lead-".length()));
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> get(portB, path, ACME).statusCode() == 200);
        String tenant = InternalCredential.TENANT_HEADER;
        String internal = InternalCredential.HEADER;

        HttpResponse<String> fromA = get(portA, path, ACME, TaskQueries.LOCAL_ONLY, "true");
        assertThat(fromA.statusCode()).as("an outside caller's Local-Only is ignored: A still asks B").isEqualTo(200);
        assertThat(json(fromA).get("leadId").asString()).isEqualTo(lead);
        assertThat(get(portB, path, GLOBEX, tenant, "acme", TaskQueries.LOCAL_ONLY, "true").statusCode())
                .as("globex's key with a tenant header naming acme: still globex").isEqualTo(404);
        assertThat(get(portB, path, null, tenant, "acme", TaskQueries.LOCAL_ONLY, "true").statusCode())
                .as("a tenant header without any credential").isEqualTo(401);

        Instant now = Instant.now();
        InternalCredential instances = new InternalCredential(SECRET, Duration.ofSeconds(30));
        InternalCredential another = new InternalCredential("not-the-instances-secret-0123456789", Duration.ofSeconds(30));
        Map<String, String> forged = new LinkedHashMap<>();
        forged.put("made up", "v1:" + now.getEpochSecond() + ":AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        forged.put("another secret", another.sign("acme", "GET", path, now));
        forged.put("signed for another path", instances.sign("acme", "GET", "/v1/queue", now));
        forged.put("signed for another tenant", instances.sign("globex", "GET", path, now));
        forged.put("stale", instances.sign("acme", "GET", path, now.minus(Duration.ofMinutes(2))));
        forged.put("empty", "");
        forged.forEach((what, value) -> {
            for (String key : new String[] {null, GLOBEX, ACME}) {
                assertThat(get(portB, path, key, internal, value, tenant, "acme", TaskQueries.LOCAL_ONLY, "true")
                        .statusCode()).as(what + " with key " + key).isEqualTo(401);
            }
        });

        HttpResponse<String> signed = get(portB, path, null, internal, instances.sign("acme", "GET", path, Instant.now()),
                tenant, "acme", TaskQueries.LOCAL_ONLY, "true");
        assertThat(signed.statusCode()).as("what an instance sends for this call").isEqualTo(200);
        assertThat(json(signed).get("leadId").asString()).isEqualTo(lead);
    }

    /**
     * initech may send 3 queries at once, then one per 1000 s, per instance: the 4th on A is a 429 with Retry-After
     * while acme is served. A's queue queries asked B for initech too (signed), and B did not count those: initech
     * still has its 3 there.
     */
    @Test
    void aTenantOverItsQueryRateGets429WithRetryAfterWhileAnotherTenantIsServed() {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> queue = get(portA, "/v1/queue", INITECH);
            assertThat(queue.statusCode()).as(queue.body()).isEqualTo(200);
        }
        HttpResponse<String> limited = get(portA, "/v1/queue", INITECH);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(seconds ->
                assertThat(Long.parseLong(seconds)).isBetween(1L, 1000L));
        assertThat(limited.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("problem+json"));
        assertThat(json(limited).get("status").asInt()).isEqualTo(429);
        assertThat(get(portA, "/v1/queue", ACME).statusCode()).as("another tenant").isEqualTo(200);
        assertThat(get(portA, "/v1/tasks/" + TaskIds.manual("acme", "cmd-0"), INITECH).statusCode())
                .as("every /v1 route counts").isEqualTo(429);

        for (int i = 0; i < 3; i++) {
            assertThat(get(portB, "/v1/queue", INITECH).statusCode()).as("B, query " + (i + 1)).isEqualTo(200);
        }
        assertThat(get(portB, "/v1/queue", INITECH).statusCode()).isEqualTo(429);
    }

    @Test
    void aTaskOfAnotherTenantIsNotFound() {
        String taskId = TaskIds.manual("acme", "cmd-0");
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> get(portA, "/v1/tasks/" + taskId, ACME).statusCode() == 200);
        assertThat(get(portA, "/v1/tasks/" + taskId, GLOBEX).statusCode()).isEqualTo(404);
        assertThat(get(portB, "/v1/tasks/" + taskId, GLOBEX).statusCode()).isEqualTo(404);
        assertThat(json(get(portA, "/v1/leads/lead-0/tasks", GLOBEX)).size()).isZero();
    }

    @Test
    void requestsWithoutAValidApiKeyAreRejected() {
        assertThat(get(portA, "/v1/queue", null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = get(portA, "/v1/queue", "Bearer not-a-key");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("problem+json"));
        assertThat(get(portA, "/v1/tasks/bad:id", ACME).statusCode()).isEqualTo(400);
    }

    @Test
    void actuatorShowsReadinessAndSchedulerMetrics() {
        HttpResponse<String> readiness = get(portA, "/actuator/health/readiness", null);
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(get(portA, "/actuator/prometheus", null).statusCode()).as("metrics need a key on the API port")
                .isEqualTo(401);
        String prometheus = get(portA, "/actuator/prometheus", ACME).body();
        assertThat(prometheus).contains("followup_scheduler_timers_pending")
                .contains("followup_scheduler_tasks_emitted_total{").contains("followup_scheduler_firing_lag_seconds");
    }
}
