package dev.followup.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.Topics;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.TenantSettings;
import dev.followup.ingest.IngestClient.Response;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Bad input, table-driven: each request gets the documented 4xx as {@code application/problem+json} naming the
 * field, and nothing at all is published (checked by reading every topic the service writes after the table).
 */
@WithKafka
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BadInputTest {

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
    }

    static final String JSON = "application/json";
    static final String LEAD_OK = "\"leadId\":\"lead-1\",\"name\":\"Ada\"";
    static final String BOOKING_OK = "\"bookingId\":\"b-1\",\"leadId\":\"lead-1\"";

    record Case(String name, String method, String path, String contentType, String body, int status, String field,
            String[] headers) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case bad(String name, String method, String path, String body, String field) {
        return new Case(name, method, path, JSON, body, 400, field, new String[0]);
    }

    static Case lead(String name, String fields, String field) {
        return bad(name, "POST", "/v1/leads", "{" + fields + "}", field);
    }

    static Case settings(String name, String body, String field) {
        return bad(name, "PUT", "/v1/settings", body, field);
    }

    static Case sequence(String name, String body, String field) {
        return bad(name, "PUT", "/v1/sequences/welcome", body, field);
    }

    static Stream<Case> cases() {
        String manyAttributes = IntStream.range(0, 51).mapToObj(i -> "\"k" + i + "\":\"v\"")
                .reduce((a, b) -> a + "," + b).orElseThrow();
        List<Case> c = new ArrayList<>(List.of(
                // lead: each field's bad values
                lead("leadId missing", "\"name\":\"Ada\"", "leadId"),
                lead("leadId empty", "\"leadId\":\"\",\"name\":\"Ada\"", "leadId"),
                lead("leadId with space", "\"leadId\":\"a b\",\"name\":\"Ada\"", "leadId"),
                lead("leadId with colon (would break the tenant:lead key)", "\"leadId\":\"a:b\",\"name\":\"Ada\"", "leadId"),
                lead("leadId of 129 characters", "\"leadId\":\"" + "x".repeat(129) + "\",\"name\":\"Ada\"", "leadId"),
                lead("leadId non-ASCII", "\"leadId\":\"léad\",\"name\":\"Ada\"", "leadId"),
                lead("name missing", "\"leadId\":\"lead-1\"", "name"),
                lead("name blank", "\"leadId\":\"lead-1\",\"name\":\"   \"", "name"),
                lead("name of 201 characters", "\"leadId\":\"lead-1\",\"name\":\"" + "n".repeat(201) + "\"", "name"),
                lead("name huge (100k characters)", "\"leadId\":\"lead-1\",\"name\":\"" + "n".repeat(100_000) + "\"", "name"),
                lead("name with NUL", "\"leadId\":\"lead-1\",\"name\":\"Ada\\u0000\"", "name"),
                lead("name with a bell control character", "\"leadId\":\"lead-1\",\"name\":\"Ada\\u0007\"", "name"),
                lead("name with an unpaired surrogate", "\"leadId\":\"lead-1\",\"name\":\"Ada\\ud800\"", "name"),
                lead("name with a non-character", "\"leadId\":\"lead-1\",\"name\":\"Ada\\uffff\"", "name"),
                lead("name is a number (wrong type)", "\"leadId\":\"lead-1\",\"name\":123", "name"),
                lead("name is an object (wrong type)", "\"leadId\":\"lead-1\",\"name\":{\"first\":\"Ada\"}", "name"),
                lead("email without @", LEAD_OK + ",\"email\":\"ada.example.com\"", "email"),
                lead("email without domain dot", LEAD_OK + ",\"email\":\"ada@example\"", "email"),
                lead("email too long", LEAD_OK + ",\"email\":\"" + "a".repeat(250) + "@example.com\"", "email"),
                lead("phone not E.164", LEAD_OK + ",\"phone\":\"555-1234\"", "phone"),
                lead("phone with spaces", LEAD_OK + ",\"phone\":\"+1 415 555 0123\"", "phone"),
                lead("timezone abbreviation EST", LEAD_OK + ",\"timezone\":\"EST\"", "timezone"),
                lead("timezone abbreviation GST", LEAD_OK + ",\"timezone\":\"GST\"", "timezone"),
                lead("timezone Mars/Olympus", LEAD_OK + ",\"timezone\":\"Mars/Olympus\"", "timezone"),
                lead("timezone fixed offset", LEAD_OK + ",\"timezone\":\"+02:00\"", "timezone"),
                lead("timezone wrong case", LEAD_OK + ",\"timezone\":\"europe/paris\"", "timezone"),
                lead("predProb above 1", LEAD_OK + ",\"predProb\":1.5", "predProb"),
                lead("predProb below 0", LEAD_OK + ",\"predProb\":-0.1", "predProb"),
                lead("predProb a word (wrong type)", LEAD_OK + ",\"predProb\":\"high\"", "predProb"),
                lead("predProb a numeric string (no coercion)", LEAD_OK + ",\"predProb\":\"0.5\"", "predProb"),
                lead("predProb a boolean", LEAD_OK + ",\"predProb\":true", "predProb"),
                lead("attributes an array", LEAD_OK + ",\"attributes\":[\"a\"]", "attributes"),
                lead("attributes with 51 entries", LEAD_OK + ",\"attributes\":{" + manyAttributes + "}", "attributes"),
                lead("attribute value of 1001 characters", LEAD_OK + ",\"attributes\":{\"k\":\"" + "v".repeat(1001) + "\"}", "attributes[k]"),
                lead("attribute value a number", LEAD_OK + ",\"attributes\":{\"k\":1}", "attributes[k]"),
                lead("unknown field (rejected, documented policy)", LEAD_OK + ",\"nickname\":\"A\"", "nickname"),
                lead("occurredAt not a date", LEAD_OK + ",\"occurredAt\":\"yesterday\"", "occurredAt"),
                lead("occurredAt without offset", LEAD_OK + ",\"occurredAt\":\"2026-01-01T10:00:00\"", "occurredAt"),
                lead("occurredAt in the far future", LEAD_OK + ",\"occurredAt\":\"2999-01-01T00:00:00Z\"", "occurredAt"),
                // JSON itself
                bad("malformed JSON", "POST", "/v1/leads", "{\"leadId\":", "body"),
                bad("single quotes are not JSON", "POST", "/v1/leads", "{'leadId':'a'}", "body"),
                bad("a JSON array instead of an object", "POST", "/v1/leads", "[]", "body"),
                bad("a bare string instead of an object", "POST", "/v1/leads", "\"lead\"", "body"),
                bad("trailing garbage after the object", "POST", "/v1/leads", "{" + LEAD_OK + "} x", "body"),
                bad("empty body", "POST", "/v1/leads", "", "body"),
                new Case("wrong content type text/plain", "POST", "/v1/leads", "text/plain", "{" + LEAD_OK + "}", 415, "Content-Type", new String[0]),
                new Case("form content type", "POST", "/v1/leads", "application/x-www-form-urlencoded", "leadId=a", 415, null, new String[0]),
                new Case("no content type", "POST", "/v1/leads", null, "{" + LEAD_OK + "}", 415, null, new String[0]),
                new Case("body over 256 KiB", "POST", "/v1/leads", JSON, "{" + LEAD_OK + ",\"attributes\":{\"k\":\"" + "v".repeat(300 * 1024) + "\"}}", 413, null, new String[0]),
                new Case("Idempotency-Key with spaces", "POST", "/v1/leads", JSON, "{" + LEAD_OK + "}", 400, "Idempotency-Key", new String[] {"Idempotency-Key", "a key with spaces"}),
                // other endpoints
                bad("score without predProb", "POST", "/v1/leads/lead-1/score", "{}", "predProb"),
                bad("pause until in the past", "POST", "/v1/leads/lead-1/pause", "{\"until\":\"2020-01-01T00:00:00Z\"}", "until"),
                bad("pause until not a time", "POST", "/v1/leads/lead-1/pause", "{\"until\":\"next week\"}", "until"),
                bad("pause reason with a space", "POST", "/v1/leads/lead-1/pause", "{\"reason\":\"on holiday\"}", "reason"),
                bad("score above 1", "POST", "/v1/leads/lead-1/score", "{\"predProb\":2}", "predProb"),
                bad("score with a path id containing a space", "POST", "/v1/leads/bad%20id/score", "{\"predProb\":0.5}", "leadId"),
                bad("engagement of an unknown kind", "POST", "/v1/leads/lead-1/engagements", "{\"kind\":\"LIKED\"}", "kind"),
                bad("engagement kind lower case", "POST", "/v1/leads/lead-1/engagements", "{\"kind\":\"replied\"}", "kind"),
                bad("erase with an invalid lead id", "DELETE", "/v1/leads/a:b", null, "leadId"),
                bad("booking localStart with a space", "POST", "/v1/bookings", "{" + BOOKING_OK + ",\"localStart\":\"2026-03-29 09:30\",\"timezone\":\"Europe/Paris\"}", "localStart"),
                bad("booking localStart with an offset", "POST", "/v1/bookings", "{" + BOOKING_OK + ",\"localStart\":\"2026-03-29T09:30Z\",\"timezone\":\"Europe/Paris\"}", "localStart"),
                bad("booking localStart on Feb 30", "POST", "/v1/bookings", "{" + BOOKING_OK + ",\"localStart\":\"2026-02-30T09:30\",\"timezone\":\"Europe/Paris\"}", "localStart"),
                bad("booking without timezone", "POST", "/v1/bookings", "{" + BOOKING_OK + ",\"localStart\":\"2026-03-29T09:30\"}", "timezone"),
                bad("booking with timezone EST", "POST", "/v1/bookings", "{" + BOOKING_OK + ",\"localStart\":\"2026-03-29T09:30\",\"timezone\":\"EST\"}", "timezone"),
                bad("booking without bookingId", "POST", "/v1/bookings", "{\"leadId\":\"lead-1\",\"localStart\":\"2026-03-29T09:30\",\"timezone\":\"UTC\"}", "bookingId"),
                bad("reschedule to a non-date", "PUT", "/v1/bookings/b-1", "{\"leadId\":\"lead-1\",\"localStart\":\"tomorrow\",\"timezone\":\"UTC\"}", "localStart"),
                bad("cancel booking without leadId", "DELETE", "/v1/bookings/b-1", null, "leadId"),
                bad("enroll in an invalid sequence id", "POST", "/v1/leads/lead-1/sequences/bad%20seq", "{}", "sequenceId"),
                bad("enroll with a bad startAt", "POST", "/v1/leads/lead-1/sequences/welcome", "{\"startAt\":\"soon\"}", "startAt"),
                bad("task on an unknown channel", "POST", "/v1/tasks", "{\"leadId\":\"lead-1\",\"channel\":\"FAX\",\"dueAt\":\"2026-05-01T12:00:00Z\"}", "channel"),
                bad("task dueAt without time", "POST", "/v1/tasks", "{\"leadId\":\"lead-1\",\"channel\":\"SMS\",\"dueAt\":\"2026-05-01\"}", "dueAt"),
                bad("task note of 2001 characters", "POST", "/v1/tasks", "{\"leadId\":\"lead-1\",\"channel\":\"SMS\",\"dueAt\":\"2026-05-01T12:00:00Z\",\"note\":\"" + "n".repeat(2001) + "\"}", "note"),
                bad("cancel task without leadId", "DELETE", "/v1/tasks/task-1", null, "leadId"),
                // settings
                settings("settings timezone EST", "{\"timezone\":\"EST\"}", "timezone"),
                settings("settings follow-up delay in words", "{\"leadFollowUps\":[{\"delay\":\"30 minutes\",\"channel\":\"EMAIL\"}]}", "leadFollowUps[0].delay"),
                settings("settings follow-up delay negative", "{\"leadFollowUps\":[{\"delay\":\"-5m\",\"channel\":\"EMAIL\"}]}", "leadFollowUps[0].delay"),
                settings("settings booking follow-up offset unit unknown", "{\"bookingFollowUps\":[{\"offset\":\"5y\",\"channel\":\"CALL\"}]}", "bookingFollowUps[0].offset"),
                settings("settings send window 9am", "{\"sendWindow\":{\"start\":\"9am\",\"end\":\"18:00\"}}", "sendWindow.start"),
                settings("settings send window 24:00", "{\"sendWindow\":{\"start\":\"09:00\",\"end\":\"24:00\"}}", "sendWindow.end"),
                settings("settings working day MONDAY", "{\"workingDays\":[\"MONDAY\"]}", "workingDays[0]"),
                settings("settings holiday calendar unknown", "{\"holidayCalendar\":\"XX\"}", "holidayCalendar"),
                settings("settings holiday calendar subdivision unknown", "{\"holidayCalendar\":\"DE-ZZ\"}", "holidayCalendar"),
                settings("settings holiday calendar lower case", "{\"holidayCalendar\":\"us\"}", "holidayCalendar"),
                settings("settings blackout date not a date", "{\"blackoutDates\":[\"2026-12-24\",\"24.12.2026\"]}", "blackoutDates[1]"),
                settings("settings blackout range backwards", "{\"blackoutDates\":[\"2026-12-31/2026-12-24\"]}", "blackoutDates[0]"),
                settings("settings blackout dates over two years in all", "{\"blackoutDates\":[\"2026-01-01/2026-12-31\",\"2027-01-01/2027-12-31\",\"2028-01-01/2028-12-31\"]}", "blackoutDates"),
                settings("settings channel FAX", "{\"channels\":{\"FAX\":{}}}", "channels[FAX]"),
                settings("settings carries a raw webhook secret", "{\"channels\":{\"SMS\":{\"webhookSecret\":\"s3cr3t-value\"}}}", "channels[SMS].webhookSecret"),
                settings("settings webhook URL not http", "{\"channels\":{\"SMS\":{\"webhookUrl\":\"ftp://x\"}}}", "channels[SMS].webhookUrl"),
                settings("settings webhook URL to the cloud metadata address", "{\"channels\":{\"SMS\":{\"webhookUrl\":\"http://169.254.169.254/latest/meta-data/\"}}}", "channels[SMS].webhookUrl"),
                settings("settings secret ref granted to another tenant", "{\"channels\":{\"SMS\":{\"webhookSecretRef\":\"globex-crm\"}}}", "channels[SMS].webhookSecretRef"),
                settings("settings mailbox ref not granted", "{\"channels\":{\"EMAIL\":{\"mailboxRef\":\"sales\"}}}", "channels[EMAIL].mailboxRef"),
                settings("settings maxTasksPerDay 0", "{\"maxTasksPerDay\":0}", "maxTasksPerDay"),
                settings("settings maxTasksPerDay a fraction", "{\"maxTasksPerDay\":1.5}", "maxTasksPerDay"),
                settings("settings threshold 2", "{\"leadScoreThreshold\":2}", "leadScoreThreshold"),
                settings("settings draftOnly a string", "{\"draftOnly\":\"no\"}", "draftOnly"),
                settings("settings outOfOfficePause in words", "{\"outOfOfficePause\":\"a week\"}", "outOfOfficePause"),
                settings("settings outOfOfficePause below 1h", "{\"outOfOfficePause\":\"30m\"}", "outOfOfficePause"),
                settings("settings outOfOfficePause above 90d", "{\"outOfOfficePause\":\"91d\"}", "outOfOfficePause"),
                settings("settings outOfOfficePause negative", "{\"outOfOfficePause\":\"-1d\"}", "outOfOfficePause"),
                settings("settings outOfOfficePause a number", "{\"outOfOfficePause\":7}", "outOfOfficePause"),
                settings("settings unsubscribeLine a string", "{\"unsubscribeLine\":\"off\"}", "unsubscribeLine"),
                // sequences
                sequence("sequence without steps", "{\"name\":\"W\",\"steps\":[]}", "steps"),
                sequence("sequence step of unknown type", "{\"name\":\"W\",\"steps\":[{\"type\":\"FAX\",\"delay\":\"0m\"}]}", "steps[0].type"),
                sequence("sequence step delay soon", "{\"name\":\"W\",\"steps\":[{\"type\":\"EMAIL\",\"delay\":\"soon\"}]}", "steps[0].delay"),
                sequence("recurring step with every and cron", "{\"name\":\"W\",\"steps\":[{\"type\":\"EMAIL\",\"delay\":\"0m\",\"repeat\":{\"every\":\"1d\",\"cron\":\"0 0 9 * * *\"}}]}", "steps[0].repeat.cron"),
                sequence("recurring step with neither every nor cron", "{\"name\":\"W\",\"steps\":[{\"type\":\"EMAIL\",\"delay\":\"0m\",\"repeat\":{\"times\":3}}]}", "steps[0].repeat.every"),
                sequence("recurring step with a bad cron", "{\"name\":\"W\",\"steps\":[{\"type\":\"EMAIL\",\"delay\":\"0m\",\"repeat\":{\"cron\":\"0 0 25 * * *\"}}]}", "steps[0].repeat.cron"),
                sequence("recurring step every 0s", "{\"name\":\"W\",\"steps\":[{\"type\":\"EMAIL\",\"delay\":\"0m\",\"repeat\":{\"every\":\"0s\"}}]}", "steps[0].repeat.every"),
                sequence("recurring step every 30s (below the 1m minimum)", "{\"name\":\"W\",\"steps\":[{\"type\":\"EMAIL\",\"delay\":\"0m\"},{\"type\":\"SMS\",\"delay\":\"0m\",\"repeat\":{\"every\":\"30s\"}}]}", "steps[1].repeat.every"),
                sequence("recurring step cron every 10 seconds (below the 1m minimum)", "{\"name\":\"W\",\"steps\":[{\"type\":\"EMAIL\",\"delay\":\"0m\",\"repeat\":{\"cron\":\"*/10 * * * * *\"}}]}", "steps[0].repeat.cron"),
                sequence("recurring step times 0", "{\"name\":\"W\",\"steps\":[{\"type\":\"EMAIL\",\"delay\":\"0m\",\"repeat\":{\"every\":\"1d\",\"times\":0}}]}", "steps[0].repeat.times"),
                sequence("sequence without name", "{\"steps\":[{\"type\":\"EMAIL\",\"delay\":\"0m\"}]}", "name"),
                bad("sequence with an invalid id in the path", "PUT", "/v1/sequences/a:b", "{\"name\":\"W\",\"steps\":[{\"type\":\"EMAIL\",\"delay\":\"0m\"}]}", "sequenceId"),
                // batch
                new Case("batch with one invalid line publishes nothing", "POST", "/v1/events:batch", "application/x-ndjson",
                        "{\"type\":\"score\",\"leadId\":\"lead-1\",\"predProb\":0.5}\n{\"type\":\"score\",\"leadId\":\"a b\",\"predProb\":0.5}\n",
                        400, "lines[2].leadId", new String[0]),
                new Case("batch line of unknown type", "POST", "/v1/events:batch", "application/x-ndjson",
                        "{\"type\":\"fax\",\"leadId\":\"lead-1\"}\n", 400, "lines[1].type", new String[0]),
                new Case("batch line not JSON", "POST", "/v1/events:batch", "application/x-ndjson",
                        "{\"type\":\"pause\",\"leadId\":\"lead-1\"}\nnot json\n", 400, "lines[2].body", new String[0]),
                new Case("batch sent as application/json", "POST", "/v1/events:batch", JSON,
                        "{\"type\":\"pause\",\"leadId\":\"lead-1\"}", 415, null, new String[0]),
                new Case("empty batch", "POST", "/v1/events:batch", "application/x-ndjson", "\n\n", 400, "body", new String[0])));
        return c.stream();
    }

    @LocalServerPort
    int port;

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRejectedWithAProblemNamingTheField(Case c) {
        Response r = new IngestClient(port).send(c.method(), c.path(), IngestClient.ACME_KEY, c.contentType(), c.body(),
                c.headers());
        assertThat(r.status()).as(r.toString()).isEqualTo(c.status());
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode problem = r.json();
        assertThat(problem.get("status").asInt()).isEqualTo(c.status());
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("type").asString()).isNotBlank();
        if (c.field() != null) {
            List<String> fields = new ArrayList<>();
            problem.get("errors").forEach(e -> fields.add(e.get("field").asString()));
            assertThat(fields).as(r.toString()).contains(c.field());
            problem.get("errors").forEach(e -> assertThat(e.get("message").asString()).isNotBlank());
        }
    }

    @Test
    void rejectedValuesAreEchoedShortenedAndSecretsNever() {
        IngestClient api = new IngestClient(port);
        Response huge = api.json("POST", "/v1/leads", IngestClient.ACME_KEY,
                "{\"leadId\":\"lead-1\",\"name\":\"" + "n".repeat(100_000) + "\"}");
        JsonNode error = huge.json().get("errors").get(0);
        assertThat(error.get("value").asString()).startsWith("nnnn").hasSizeLessThan(100);

        Response secret = api.json("PUT", "/v1/settings", IngestClient.ACME_KEY,
                "{\"channels\":{\"SMS\":{\"webhookSecret\":\"s3cr3t-value\"}}}");
        assertThat(secret.text()).doesNotContain("s3cr3t-value").contains("webhookSecretRef");

        Response est = api.json("POST", "/v1/leads", IngestClient.ACME_KEY, "{" + LEAD_OK + ",\"timezone\":\"EST\"}");
        assertThat(est.json().get("errors").get(0).get("value").asString()).isEqualTo("EST");
        assertThat(est.json().get("errors").get(0).get("message").asString()).contains("abbreviation")
                .contains("America/New_York");
    }

    @Test
    void aCronFiringMoreOftenThanTheMinimumIntervalIsRefusedNamingTheSpacingAndTheMinimum() {
        IngestClient api = new IngestClient(port);
        Response fast = api.json("PUT", "/v1/sequences/minutely", IngestClient.ACME_KEY,
                "{\"name\":\"W\",\"steps\":[{\"type\":\"SMS\",\"delay\":\"0m\",\"repeat\":{\"cron\":\"*/10 * * * * *\"}}]}");
        assertThat(fast.status()).as(fast.toString()).isEqualTo(400);
        JsonNode error = fast.json().get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("steps[0].repeat.cron");
        assertThat(error.get("value").asString()).isEqualTo("*/10 * * * * *");
        assertThat(error.get("message").asString()).contains("10s").contains("minimum interval 1m");
    }

    @Test
    void anOutOfOfficePauseOutOfRangeNamesTheFieldTheValueAndTheRange() {
        Response r = new IngestClient(port).json("PUT", "/v1/settings", IngestClient.ACME_KEY,
                "{\"outOfOfficePause\":\"120d\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        JsonNode error = r.json().get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("outOfOfficePause");
        assertThat(error.get("value").asString()).isEqualTo("120d");
        assertThat(error.get("message").asString()).isEqualTo("must be between 1h and 90d");
    }

    @Test
    void everyInvalidFieldIsListedAtOnce() {
        Response r = new IngestClient(port).json("POST", "/v1/leads", IngestClient.ACME_KEY,
                "{\"leadId\":\"a b\",\"name\":\"\",\"email\":\"x\",\"phone\":\"1\",\"timezone\":\"EST\",\"predProb\":7}");
        List<String> fields = new ArrayList<>();
        r.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).contains("leadId", "name", "email", "phone", "timezone", "predProb");
    }

    @Test
    void chunkedBodyOverTheLimitIs413() throws Exception {
        byte[] big = ("{" + LEAD_OK + ",\"attributes\":{\"k\":\"" + "v".repeat(300 * 1024) + "\"}}").getBytes();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/leads"))
                .header("Authorization", "Bearer " + IngestClient.ACME_KEY).header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }

    @Test
    void invalidUtf8IsA400() {
        byte[] body = {'{', '"', 'l', 'e', 'a', 'd', 'I', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        Response r = new IngestClient(port).sendBytes("POST", "/v1/leads", IngestClient.ACME_KEY, JSON, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
    }

    @AfterAll
    static void nothingWasPublished(TestKafka kafka) {
        assertThat(kafka.readAll(Topics.LEAD_EVENTS, LeadEvent.class, r -> true)).isEmpty();
        assertThat(kafka.readAll(Topics.BOOKING_EVENTS, BookingEvent.class, r -> true)).isEmpty();
        assertThat(kafka.readAll(Topics.COMMANDS, Command.class, r -> true)).isEmpty();
        assertThat(kafka.readAll(Topics.TENANT_SETTINGS, TenantSettings.class, r -> true)).isEmpty();
        assertThat(kafka.readAll(Topics.SEQUENCES, SequenceDefinition.class, r -> true)).isEmpty();
    }
}
