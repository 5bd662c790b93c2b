package dev.followup.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.EnrollInSequence;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.SequenceStep;
import dev.followup.events.v1.StepType;
import dev.followup.events.SequenceKey;
import dev.followup.scheduler.SchedulerApplication;
import dev.followup.scheduler.policy.TaskIds;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.util.TestSocketUtils;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The query API against bad actors: every mapped route needs a key (but health and info), tenant B can neither
 * read tenant A's tasks, enrollments or queue nor tell whether they exist, and 10,000 malformed or hostile requests
 * get only documented 4xx answers, never a 5xx or a hang, and change nothing on the topics.
 */
@WithKafka
class QueryApiSecurityTest {

    private static final String ACME = "dev-acme-key";
    private static final String GLOBEX = "dev-globex-key";
    private static final HttpClient HTTP = HttpClient.newBuilder()
            // plain HTTP/1.1 with keep-alive: no h2c upgrade offer on every new connection
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final long SEED = Long.getLong("followup.fuzz.seed", 20261123L);
    static final int REQUESTS = Integer.getInteger("followup.fuzz.requests", 10_000);

    private static ConfigurableApplicationContext app;
    private static int port;
    private static final Instant DUE = Instant.now().plus(Duration.ofDays(2));

    @BeforeAll
    static void start(TestKafka kafka) {
        port = TestSocketUtils.findAvailableTcpPort();
        app = new SpringApplicationBuilder(SchedulerApplication.class).run(
                "--server.port=" + port,
                "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--followup.scheduler.application-id=scheduler-security-test",
                "--followup.scheduler.state-dir=target/it-state/" + UUID.randomUUID(),
                "--followup.scheduler.application-server=localhost:" + port,
                "--followup.auth.api-keys[0].tenant=acme",
                "--followup.auth.api-keys[0].sha256=62c2fc277ab4261d4243be7b5cf49bdab2c39fed01ae2d4ce1cf9a38ec4e793c",
                "--followup.auth.api-keys[1].tenant=globex",
                "--followup.auth.api-keys[1].sha256=4763e480ccf7dc583baddba37894eb1dc1fabf79bfc9d82a4a8b00710e18f124",
                // the fuzz below sends 10,000 queries in seconds; the rate limit has its own test (TwoInstanceQueryApiTest)
                "--followup.scheduler.query-rate-limit.enabled=false");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> get("/actuator/health/readiness", null).statusCode() == 200);
        // acme: two manual tasks and an enrollment for lead-a, due in two days (nothing fires during the test)
        kafka.send(Topics.SEQUENCES, SequenceKey.of("acme", "welcome").toString(), SequenceDefinition.newBuilder()
                .setTenantId("acme").setSequenceId("welcome").setName("Welcome").setEnabled(true)
                .setSteps(List.of(SequenceStep.newBuilder().setType(StepType.EMAIL).setDelay("2d").build())).build());
        for (int i = 0; i < 2; i++) {
            kafka.send(Topics.COMMANDS, LeadKey.of("acme", "lead-a").toString(), Command.newBuilder()
                    .setCommandId("cmd-" + i).setTenantId("acme").setLeadId("lead-a").setIssuedAt(Instant.now())
                    .setPayload(ScheduleTask.newBuilder().setChannel(Channel.SMS).setDueAt(DUE).build()).build());
        }
        kafka.send(Topics.COMMANDS, LeadKey.of("acme", "lead-a").toString(), Command.newBuilder()
                .setCommandId("cmd-enroll").setTenantId("acme").setLeadId("lead-a").setIssuedAt(Instant.now())
                .setPayload(EnrollInSequence.newBuilder().setSequenceId("welcome").build()).build());
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                json(get("/v1/leads/lead-a/tasks", ACME)).size() == 3
                        && json(get("/v1/leads/lead-a/enrollments", ACME)).size() == 1);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void everyMappedRouteRequiresAuthExceptHealthAndInfo() {
        List<String[]> routes = new ArrayList<>();
        app.getBeansOfType(HandlerMapping.class).values().forEach(mapping -> {
            if (mapping instanceof RequestMappingInfoHandlerMapping m) {
                m.getHandlerMethods().keySet().forEach(info -> {
                    var methods = info.getMethodsCondition().getMethods();
                    for (String pattern : info.getPatternValues()) {
                        String path = pattern.replaceAll("\\{\\*?[^}/]+}", "x").replace("/**", "/x");
                        if (methods.isEmpty()) {
                            routes.add(new String[] {"GET", path});
                        }
                        methods.forEach(method -> routes.add(new String[] {method.name(), path}));
                    }
                });
            }
        });
        List<String> found = routes.stream().map(r -> r[0] + " " + r[1]).distinct().sorted().toList();
        assertThat(found).as("the enumeration finds the API and the actuator")
                .contains("GET /v1/tasks/x", "GET /v1/queue", "GET /actuator/health", "GET /actuator/prometheus");
        List<String> open = List.of("/actuator/health", "/actuator/health/x", "/actuator/info");
        for (String[] route : routes) {
            if (open.contains(route[1]) || route[0].equals("OPTIONS") || route[0].equals("HEAD")) {
                continue;
            }
            HttpResponse<String> r = send(route[0], route[1], null, List.of());
            assertThat(r.statusCode()).as(route[0] + " " + route[1] + " without credentials").isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        }
        assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/info", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/prometheus", ACME).statusCode()).isEqualTo(200);
    }

    /**
     * The ops console's files are the only static routes open without a key (they hold no data; the page sends the
     * key with every API call), only for GET and HEAD, only the console's own names, and no path trick reaches the
     * API through them.
     */
    @Test
    void theConsoleFilesAreTheOnlyRoutesOpenBesideHealthAndInfo() {
        for (String file : List.of("/console/index.html", "/console/console.js", "/console/console.css")) {
            HttpResponse<String> r = get(file, null);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                    assertThat(csp).contains("script-src 'self'").contains("connect-src 'self'").doesNotContain("unsafe"));
        }
        assertThat(get("/console/index.html", null).body()).contains("<label for=\"api-key\">API key</label>");
        assertThat(get("/console/console.js", null).headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                assertThat(t).contains("javascript"));
        assertThat(get("/console", null).statusCode()).isEqualTo(302);
        assertThat(get("/console", null).headers().firstValue("Location")).hasValueSatisfying(l ->
                assertThat(l).endsWith("/console/index.html"));
        assertThat(get("/console/missing.js", null).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/console/index.html", null, List.of()).statusCode()).isEqualTo(401);
        for (String trick : List.of("/console/../v1/queue", "/console/%2e%2e/v1/queue", "/console/..%2fv1/queue",
                "/console/;/../v1/queue", "/console/index.html/../../v1/queue", "/index.html", "/console.js",
                "/console/x.json", "/console/index.html;x=1")) {
            HttpResponse<String> r = get(trick, null);
            assertThat(r.statusCode()).as(trick).isIn(400, 401, 404);
            assertThat(r.body()).as(trick).doesNotContain("pending");
        }
    }

    @Test
    void anotherTenantCannotReadATenantsTasksEnrollmentsOrQueueNorTellTheyExist() {
        String acmeTask = TaskIds.manual("acme", "cmd-0");
        String missingTask = TaskIds.manual("acme", "never-issued");
        assertThat(get("/v1/tasks/" + acmeTask, ACME).statusCode()).isEqualTo(200);

        HttpResponse<String> theirs = get("/v1/tasks/" + acmeTask, GLOBEX);
        HttpResponse<String> missing = get("/v1/tasks/" + missingTask, GLOBEX);
        assertThat(theirs.statusCode()).isEqualTo(404);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(theirs.body().replace(acmeTask, "ID")).as("same answer as for a task that never existed")
                .isEqualTo(missing.body().replace(missingTask, "ID"));
        assertThat(theirs.body()).doesNotContain("acme").doesNotContain("lead-a");

        // a lead id is scoped by the caller's tenant: globex's lead-a is a lead without tasks, like any unknown lead
        assertThat(get("/v1/leads/lead-a/tasks", GLOBEX).body()).isEqualTo(get("/v1/leads/lead-z/tasks", GLOBEX).body())
                .isEqualTo("[]");
        assertThat(get("/v1/leads/lead-a/enrollments", GLOBEX).body())
                .isEqualTo(get("/v1/leads/lead-z/enrollments", GLOBEX).body()).isEqualTo("[]");

        JsonNode acmeQueue = json(get("/v1/queue", ACME));
        JsonNode globexQueue = json(get("/v1/queue", GLOBEX));
        assertThat(acmeQueue.get("pending").get("SMS").asInt()).isEqualTo(2);
        assertThat(globexQueue.get("pending").get("SMS").asInt()).isZero();
        assertThat(globexQueue.get("pending").get("EMAIL").asInt()).isZero();
        assertThat(globexQueue.path("nextDueAt").isNull() || globexQueue.path("nextDueAt").isMissingNode()).isTrue();
        // two manual tasks scheduled, the enrollment and its first step
        assertThat(json(get("/v1/leads/lead-a/journey", ACME)).get("entries").size()).isEqualTo(4);
        // the answer names the lead asked for; otherwise globex's lead-a looks like any unknown lead
        assertThat(get("/v1/leads/lead-a/journey", GLOBEX).body().replace("lead-a", "ID"))
                .isEqualTo(get("/v1/leads/lead-z/journey", GLOBEX).body().replace("lead-z", "ID"))
                .doesNotContain("cmd-");
        assertThat(json(get("/v1/leads/lead-a/journey", GLOBEX)).get("entries").size()).isZero();
        assertThat(send("POST", "/v1/tasks/" + acmeTask + "/retry", GLOBEX, List.of()).body().replace(acmeTask, "ID"))
                .as("retrying another tenant's task: the same 404 as a missing task")
                .isEqualTo(send("POST", "/v1/tasks/" + missingTask + "/retry", GLOBEX, List.of()).body()
                        .replace(missingTask, "ID"));

        // the peer-forwarding header gives no way around the tenant either
        assertThat(send("GET", "/v1/tasks/" + acmeTask, GLOBEX, List.of(TaskQueries.LOCAL_ONLY, "true")).statusCode())
                .isEqualTo(404);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void tenThousandHostileQueriesGetOnlyTheirDocumented4xxAndChangeNothing(TestKafka kafka) throws Exception {
        List<Hostile> requests = hostile(new Random(SEED), REQUESTS);
        Map<String, Integer> perFamily = new TreeMap<>();
        requests.forEach(h -> perFamily.merge(h.family(), 1, Integer::sum));
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Hostile h : requests) {
                done.add(pool.submit(() -> {
                    try {
                        HttpResponse<String> r = send(h.method(), h.path(), h.key(), h.headers());
                        if (!h.expected().contains(r.statusCode())) {
                            String body = r.body() == null ? "" : r.body();
                            failures.add(r.statusCode() + " (expected " + h.expected() + ") "
                                    + body.substring(0, Math.min(200, body.length())) + " ← " + h);
                        }
                    } catch (IllegalStateException e) {
                        if (!h.family().equals("header-size")) {
                            failures.add("no answer: " + e.getCause() + " ← " + h);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(perFamily).as("every family is exercised").hasSize(8);
        assertThat(failures).as("seed " + SEED + ": queries answered otherwise than documented").isEmpty();
        // the query API writes nothing: no task fired, no alert, no dead letter
        assertThat(committedRecords(kafka, Topics.dueTasks(Channel.EMAIL), Topics.dueTasks(Channel.SMS),
                Topics.dueTasks(Channel.CALL), Topics.ALERTS, Topics.dlq(Topics.COMMANDS))).isZero();
        assertThat(json(get("/v1/leads/lead-a/tasks", ACME)).size()).as("acme's tasks are untouched").isEqualTo(3);
    }

    record Hostile(String family, String method, String path, String key, List<String> headers, Set<Integer> expected) {
        @Override
        public String toString() {
            return family + ": " + method + " " + (path.length() > 120 ? path.substring(0, 120) + "…" : path);
        }
    }

    private static final List<String> HOSTILE_IDS = List.of("a%3Ab", "a%20b", "x".repeat(129), "x".repeat(4000),
            "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fqueue", "..%5C..%5Cwindows", "lead%00", "lead%0Aid",
            "lead%0D%0AX-Injected:%201", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%27%20OR%201%3D1%20--", "l%C3%A9ad",
            "%F0%9F%98%80", "%C3%28", "%FF%FE", "%252e%252e", "%24%7Bjndi%3Aldap%3A%2F%2Fx%7D", "lead%2Fx", "%E2%80%AE",
            "lead%2Cother", "%7B%7D", "lead*", "lead+1", "%5B0%5D", ".", "..", "...", "....", "%2E%2E");

    private static final List<String> ROUTES = List.of("/v1/tasks/ID", "/v1/leads/ID/tasks", "/v1/leads/ID/enrollments",
            "/v1/queue", "/v1/leads/ID/journey", "/v1/receipts");

    private static <T> T pick(Random random, List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** One defect per request from one family, each with the statuses the contract allows for it. */
    static List<Hostile> hostile(Random random, int count) {
        List<String> families = List.of("credentials", "path-id", "traversal", "local-only-header", "accept",
                "header-size", "method", "other-tenant-task");
        List<Hostile> out = new ArrayList<>();
        while (out.size() < count) {
            String family = pick(random, families);
            String route = pick(random, ROUTES);
            String valid = route.replace("ID", random.nextBoolean() ? "lead-a" : "id_" + random.nextInt(1000));
            List<String> noHeaders = List.of();
            Hostile h = switch (family) {
                case "credentials" -> {
                    String key = pick(random, List.of("", "dev-acme-key-wrong", "DEV-ACME-KEY", "x".repeat(4000),
                            "62c2fc277ab4261d4243be7b5cf49bdab2c39fed01ae2d4ce1cf9a38ec4e793c", "a.b.c", "null"));
                    if (random.nextInt(3) == 0) {
                        yield new Hostile(family, "GET", valid, null, List.of("Authorization", pick(random,
                                List.of("Basic YWNtZTpkZXYtYWNtZS1rZXk=", "Bearer", "Bearer  ", "Digest x",
                                        "Token dev-acme-key"))), Set.of(401));
                    }
                    yield new Hostile(family, "GET", valid, key.isEmpty() ? null : key, noHeaders, Set.of(401));
                }
                case "path-id" -> route.contains("ID")
                        ? new Hostile(family, "GET", route.replace("ID", pick(random, HOSTILE_IDS)), ACME, noHeaders,
                                Set.of(400, 404))
                        : null;
                case "traversal" -> route.contains("ID")
                        ? new Hostile(family, "GET", route.replace("ID", pick(random,
                                List.of("../../etc/passwd", "../x", "./../y", "%2e%2e/x"))), ACME, noHeaders,
                                Set.of(400, 404))
                        : null;
                case "local-only-header" -> new Hostile(family, "GET", valid, ACME, List.of(TaskQueries.LOCAL_ONLY,
                        pick(random, List.of("maybe", "2", "yes please", "'; DROP TABLE tasks", "x".repeat(500)))),
                        Set.of(400));
                case "accept" -> new Hostile(family, "GET", valid, ACME, List.of("Accept", pick(random,
                        List.of("application/xml", "text/html", "image/png", "application/x-java-serialized-object"))),
                        Set.of(406));
                case "header-size" -> {
                    List<String> headers = new ArrayList<>();
                    if (random.nextBoolean()) {
                        headers.addAll(List.of("X-Padding", "p".repeat(17_000 + random.nextInt(20_000))));
                    } else {
                        for (int i = 0; i < 400; i++) {
                            headers.addAll(List.of("X-H" + i, "v".repeat(60)));
                        }
                    }
                    yield new Hostile(family, "GET", valid, ACME, headers, Set.of(400, 431));
                }
                case "method" -> new Hostile(family, pick(random, List.of("POST", "PUT", "DELETE", "PATCH", "TRACE",
                        "PROPFIND", "FOO")), valid, ACME, noHeaders, Set.of(405, 400));
                case "other-tenant-task" -> new Hostile(family, "GET", "/v1/tasks/" + pick(random,
                        List.of(TaskIds.manual("acme", "cmd-0"), TaskIds.manual("acme", "cmd-1"))), GLOBEX, noHeaders,
                        Set.of(404));
                default -> throw new IllegalArgumentException(family);
            };
            if (h != null) {
                out.add(h);
            }
        }
        return out;
    }

    private static long committedRecords(TestKafka kafka, String... topics) {
        Properties props = kafka.consumerProperties("query-fuzz-check");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            return partitions.stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum();
        }
    }

    private static HttpResponse<String> get(String path, String key) {
        return send("GET", path, key, List.of());
    }

    private static HttpResponse<String> send(String method, String path, String key, List<String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15)).method(method, HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        for (int i = 0; i < headers.size(); i += 2) {
            request.header(headers.get(i), headers.get(i + 1));
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
}
