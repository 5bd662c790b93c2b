package dev.followup.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.Topics;
import dev.followup.events.v1.BookingCanceled;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.BookingRescheduled;
import dev.followup.events.v1.BookingScheduled;
import dev.followup.events.v1.CancelTask;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.EnrollInSequence;
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadErased;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.LeadScored;
import dev.followup.events.v1.PauseFollowUps;
import dev.followup.events.v1.ResumeFollowUps;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.StepRepeat;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import dev.followup.ingest.IngestClient.Response;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Every endpoint of docs/design.md §7 against a real broker: the 202 body and the Avro record that lands. */
@WithKafka
@ExtendWith(OutputCaptureExtension.class)
@ActiveProfiles("local")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EndpointRecordsTest {

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        // the local profile grants the webhook secrets; this mailbox is acme's here
        r.add("followup.grants.mailboxes.sales", () -> "acme");
    }

    @LocalServerPort
    int port;

    IngestClient api;
    final TestKafka kafka = TestKafka.current();

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void client() {
        api = new IngestClient(port);
    }

    /** Asserts the 202 body and returns the record stored where it says. */
    private <T extends SpecificRecord> ConsumerRecord<String, T> landed(Response response, String topic, Class<T> type) {
        assertThat(response.status()).as(response.toString()).isEqualTo(202);
        JsonNode body = response.json();
        assertThat(body.get("topic").asString()).isEqualTo(topic);
        assertThat(body.get("eventId").asString()).isNotBlank();
        int partition = body.get("partition").asInt();
        long offset = body.get("offset").asLong();
        List<ConsumerRecord<String, T>> records = kafka.awaitRecords(topic, type,
                r -> r.partition() == partition && r.offset() == offset, 1, Duration.ofSeconds(30));
        return records.get(0);
    }

    @Test
    void leadCaptureLandsAsLeadCaptured() {
        Response r = api.json("POST", "/v1/leads", IngestClient.ACME_KEY, """
                {"leadId":"lead-1","name":"Ada Lovelace","email":"ada@example.com","phone":"+14155550123",
                 "timezone":"Europe/London","predProb":0.82,"attributes":{"plan":"pro","source":"web"}}""");
        ConsumerRecord<String, LeadEvent> rec = landed(r, Topics.LEAD_EVENTS, LeadEvent.class);
        assertThat(rec.key()).isEqualTo("acme:lead-1");
        LeadEvent e = rec.value();
        assertThat(e.getEventId()).isEqualTo(r.json().get("eventId").asString());
        assertThat(e.getTenantId()).isEqualTo("acme");
        assertThat(e.getLeadId()).isEqualTo("lead-1");
        assertThat(e.getOccurredAt()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
        LeadCaptured c = (LeadCaptured) e.getPayload();
        assertThat(c.getName()).isEqualTo("Ada Lovelace");
        assertThat(c.getEmail()).isEqualTo("ada@example.com");
        assertThat(c.getPhone()).isEqualTo("+14155550123");
        assertThat(c.getTimezone()).isEqualTo("Europe/London");
        assertThat(c.getPredProb()).isEqualTo(0.82);
        assertThat(c.getAttributes()).containsExactlyInAnyOrderEntriesOf(Map.of("plan", "pro", "source", "web"));
    }

    @Test
    void minimalLeadWithBackfilledTimeAndUnicodeName() {
        Response r = api.json("POST", "/v1/leads", IngestClient.GLOBEX_KEY, """
                {"leadId":"lead-2","name":"Zoë 李 🚀","occurredAt":"2026-01-15T10:00:00+01:00"}""");
        ConsumerRecord<String, LeadEvent> rec = landed(r, Topics.LEAD_EVENTS, LeadEvent.class);
        assertThat(rec.key()).isEqualTo("globex:lead-2");
        assertThat(rec.value().getOccurredAt()).isEqualTo(Instant.parse("2026-01-15T09:00:00Z"));
        LeadCaptured c = (LeadCaptured) rec.value().getPayload();
        assertThat(c.getName()).isEqualTo("Zoë 李 🚀");
        assertThat(c.getEmail()).isNull();
        assertThat(c.getPredProb()).isNull();
        assertThat(c.getAttributes()).isEmpty();
    }

    @Test
    void scoreLandsAsLeadScored() {
        Response r = api.json("POST", "/v1/leads/lead-1/score", IngestClient.ACME_KEY, "{\"predProb\":0.91}");
        ConsumerRecord<String, LeadEvent> rec = landed(r, Topics.LEAD_EVENTS, LeadEvent.class);
        assertThat(rec.key()).isEqualTo("acme:lead-1");
        assertThat(rec.value().getPayload()).isEqualTo(new LeadScored(0.91));
    }

    @Test
    void engagementLandsAsLeadEngaged() {
        Response r = api.json("POST", "/v1/leads/lead-1/engagements", IngestClient.ACME_KEY, "{\"kind\":\"REPLIED\"}");
        ConsumerRecord<String, LeadEvent> rec = landed(r, Topics.LEAD_EVENTS, LeadEvent.class);
        assertThat(rec.key()).isEqualTo("acme:lead-1");
        assertThat(rec.value().getPayload()).isEqualTo(new LeadEngaged(EngagementKind.REPLIED));
    }

    @Test
    void eraseLandsAsLeadErased() {
        Response r = api.json("DELETE", "/v1/leads/lead-9", IngestClient.ACME_KEY, null);
        ConsumerRecord<String, LeadEvent> rec = landed(r, Topics.LEAD_EVENTS, LeadEvent.class);
        assertThat(rec.key()).isEqualTo("acme:lead-9");
        assertThat(rec.value().getPayload()).isInstanceOf(LeadErased.class);
    }

    @Test
    void bookingLandsAsBookingScheduled() {
        Response r = api.json("POST", "/v1/bookings", IngestClient.ACME_KEY, """
                {"bookingId":"b-1","leadId":"lead-1","localStart":"2026-03-29T09:30","timezone":"America/New_York",
                 "bookingType":"demo","assignedUserId":"rep@acme"}""");
        ConsumerRecord<String, BookingEvent> rec = landed(r, Topics.BOOKING_EVENTS, BookingEvent.class);
        assertThat(rec.key()).isEqualTo("acme:lead-1");
        BookingEvent e = rec.value();
        assertThat(e.getBookingId()).isEqualTo("b-1");
        assertThat(e.getTenantId()).isEqualTo("acme");
        assertThat(e.getEventId()).isEqualTo(r.json().get("eventId").asString());
        assertThat(e.getPayload()).isEqualTo(new BookingScheduled("2026-03-29T09:30", "America/New_York", "demo", "rep@acme"));
    }

    @Test
    void rescheduleLandsAsBookingRescheduled() {
        Response r = api.json("PUT", "/v1/bookings/b-1", IngestClient.ACME_KEY, """
                {"leadId":"lead-1","localStart":"2026-03-30T14:00","timezone":"Europe/Paris"}""");
        ConsumerRecord<String, BookingEvent> rec = landed(r, Topics.BOOKING_EVENTS, BookingEvent.class);
        assertThat(rec.key()).isEqualTo("acme:lead-1");
        assertThat(rec.value().getBookingId()).isEqualTo("b-1");
        assertThat(rec.value().getPayload()).isEqualTo(new BookingRescheduled("2026-03-30T14:00", "Europe/Paris"));
    }

    @Test
    void cancelLandsAsBookingCanceled() {
        Response r = api.json("DELETE", "/v1/bookings/b-1?leadId=lead-1&reason=no-show", IngestClient.ACME_KEY, null);
        ConsumerRecord<String, BookingEvent> rec = landed(r, Topics.BOOKING_EVENTS, BookingEvent.class);
        assertThat(rec.key()).isEqualTo("acme:lead-1");
        assertThat(rec.value().getPayload()).isEqualTo(new BookingCanceled("no-show"));
    }

    @Test
    void enrollLandsAsEnrollInSequence() {
        Response r = api.json("POST", "/v1/leads/lead-1/sequences/welcome", IngestClient.ACME_KEY,
                "{\"startAt\":\"2026-04-01T08:00:00Z\"}");
        ConsumerRecord<String, Command> rec = landed(r, Topics.COMMANDS, Command.class);
        assertThat(rec.key()).isEqualTo("acme:lead-1");
        assertThat(rec.value().getCommandId()).isEqualTo(r.json().get("eventId").asString());
        assertThat(rec.value().getLeadId()).isEqualTo("lead-1");
        assertThat(rec.value().getPayload())
                .isEqualTo(new EnrollInSequence("welcome", Instant.parse("2026-04-01T08:00:00Z")));

        Response noBody = api.json("POST", "/v1/leads/lead-2/sequences/welcome", IngestClient.ACME_KEY, null);
        assertThat(landed(noBody, Topics.COMMANDS, Command.class).value().getPayload())
                .isEqualTo(new EnrollInSequence("welcome", null));
    }

    @Test
    void pauseAndResumeLandAsCommands() {
        ConsumerRecord<String, Command> pause = landed(
                api.json("POST", "/v1/leads/lead-1/pause", IngestClient.ACME_KEY, null), Topics.COMMANDS, Command.class);
        assertThat(pause.key()).isEqualTo("acme:lead-1");
        assertThat(pause.value().getPayload()).isInstanceOf(PauseFollowUps.class);
        ConsumerRecord<String, Command> resume = landed(
                api.json("POST", "/v1/leads/lead-1/resume", IngestClient.ACME_KEY, "{}"), Topics.COMMANDS, Command.class);
        assertThat(resume.value().getPayload()).isInstanceOf(ResumeFollowUps.class);
        assertThat(resume.value().getIssuedAt()).isAfterOrEqualTo(pause.value().getIssuedAt());

        String until = java.time.Instant.now().plus(java.time.Duration.ofDays(3)).truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS).toString();
        ConsumerRecord<String, Command> vacation = landed(api.json("POST", "/v1/leads/lead-1/pause",
                IngestClient.ACME_KEY, "{\"until\":\"" + until + "\",\"reason\":\"vacation\"}"), Topics.COMMANDS,
                Command.class);
        assertThat(vacation.value().getPayload()).isEqualTo(PauseFollowUps.newBuilder()
                .setUntil(java.time.Instant.parse(until)).setReason("vacation").build());
    }

    @Test
    void manualTaskLandsAsScheduleTask() {
        Response r = api.json("POST", "/v1/tasks", IngestClient.ACME_KEY, """
                {"leadId":"lead-1","channel":"SMS","dueAt":"2026-05-01T12:00:00Z","templateId":"nudge","note":"Call back\\nafter lunch"}""");
        ConsumerRecord<String, Command> rec = landed(r, Topics.COMMANDS, Command.class);
        assertThat(rec.key()).isEqualTo("acme:lead-1");
        assertThat(rec.value().getPayload()).isEqualTo(
                new ScheduleTask(Channel.SMS, Instant.parse("2026-05-01T12:00:00Z"), "nudge", "Call back\nafter lunch"));
    }

    @Test
    void cancelTaskLandsAsCancelTask() {
        Response r = api.json("DELETE", "/v1/tasks/task-42?leadId=lead-1", IngestClient.ACME_KEY, null);
        ConsumerRecord<String, Command> rec = landed(r, Topics.COMMANDS, Command.class);
        assertThat(rec.key()).isEqualTo("acme:lead-1");
        assertThat(rec.value().getPayload()).isEqualTo(new CancelTask("task-42"));
    }

    @Test
    void settingsLandOnTheCompactedTopicKeyedByTenantWithDefaultsForAbsentFields() {
        Response r = api.json("PUT", "/v1/settings", IngestClient.GLOBEX_KEY, """
                {"leadScoreThreshold":0.8,"timezone":"Europe/Berlin","workingDays":["MON","TUE"],
                 "sendWindow":{"start":"08:00","end":"17:30"},"sendWindowAppliesToBookings":true,
                 "maxTasksPerMinute":10,"draftOnly":false,
                 "leadFollowUps":[{"delay":"15m","channel":"SMS"}],
                 "channels":{"SMS":{"webhookUrl":"https://crm.example.com/hook","webhookSecretRef":"globex-crm","sendEnabled":true}}}""");
        ConsumerRecord<String, TenantSettings> rec = landed(r, Topics.TENANT_SETTINGS, TenantSettings.class);
        assertThat(rec.key()).isEqualTo("globex");
        TenantSettings s = rec.value();
        TenantSettings defaults = TenantSettings.newBuilder().setTenantId("globex").build();
        assertThat(s.getTenantId()).isEqualTo("globex");
        assertThat(s.getLeadScoreThreshold()).isEqualTo(0.8);
        assertThat(s.getTimezone()).isEqualTo("Europe/Berlin");
        assertThat(s.getWorkingDays()).containsExactly(Weekday.MON, Weekday.TUE);
        assertThat(s.getSendWindow().getStart()).isEqualTo("08:00");
        assertThat(s.getSendWindow().getEnd()).isEqualTo("17:30");
        assertThat(s.getSendWindowAppliesToBookings()).isTrue();
        assertThat(s.getMaxTasksPerMinute()).isEqualTo(10);
        assertThat(s.getDraftOnly()).isFalse();
        assertThat(s.getLeadFollowUps()).hasSize(1);
        assertThat(s.getLeadFollowUps().get(0).getChannel()).isEqualTo(Channel.SMS);
        assertThat(s.getChannels().get("SMS").getWebhookSecretRef()).isEqualTo("globex-crm");
        assertThat(s.getChannels().get("SMS").getSendEnabled()).isTrue();
        assertThat(s.getChannels().get("SMS").getMaxAttempts()).isEqualTo(5);
        // absent fields take the contract defaults
        assertThat(s.getAutoEnabled()).isEqualTo(defaults.getAutoEnabled());
        assertThat(s.getBookingFollowUps()).isEqualTo(defaults.getBookingFollowUps());
        assertThat(s.getMaxTasksPerDay()).isEqualTo(defaults.getMaxTasksPerDay());
        assertThat(s.getFailureAlertThreshold()).isEqualTo(defaults.getFailureAlertThreshold());
        assertThat(s.getOutOfOfficePause()).isEqualTo("7d");
        assertThat(s.getUnsubscribeLine()).isTrue();
    }

    @Test
    void outOfOfficePauseAndUnsubscribeLineAreStoredAndReadBack() {
        JsonNode defaults = api.get("/v1/settings", IngestClient.GLOBEX_KEY).json();
        assertThat(defaults.get("outOfOfficePause").asString()).isEqualTo("7d");
        assertThat(defaults.get("unsubscribeLine").asBoolean()).isTrue();

        Response r = api.json("PUT", "/v1/settings", IngestClient.GLOBEX_KEY,
                "{\"outOfOfficePause\":\"3d\",\"unsubscribeLine\":false}");
        TenantSettings s = landed(r, Topics.TENANT_SETTINGS, TenantSettings.class).value();
        assertThat(s.getOutOfOfficePause()).isEqualTo("3d");
        assertThat(s.getUnsubscribeLine()).isFalse();
        JsonNode stored = api.get("/v1/settings", IngestClient.GLOBEX_KEY).json();
        assertThat(stored.get("outOfOfficePause").asString()).isEqualTo("3d");
        assertThat(stored.get("unsubscribeLine").asBoolean()).isFalse();
        // the bounds themselves are accepted, ISO-8601 too
        for (String pause : List.of("1h", "90d", "PT36H")) {
            Response edge = api.json("PUT", "/v1/settings", IngestClient.GLOBEX_KEY, "{\"outOfOfficePause\":\"" + pause + "\"}");
            assertThat(landed(edge, Topics.TENANT_SETTINGS, TenantSettings.class).value().getOutOfOfficePause())
                    .isEqualTo(pause);
        }
    }

    /** The local profile allows loopback (127.0.0.0/8, ::1/128, localhost), so local webhook receivers work. */
    @Test
    void loopbackWebhooksAreAcceptedWhereTheOperatorAllowsThem() {
        for (String url : List.of("http://127.0.0.1:9000/x", "http://[::1]:9000/x", "http://localhost:9000/x")) {
            Response r = api.json("PUT", "/v1/settings", IngestClient.ACME_KEY,
                    "{\"channels\":{\"CALL\":{\"webhookUrl\":\"" + url + "\",\"webhookSecretRef\":\"local\"}}}");
            TenantSettings s = landed(r, Topics.TENANT_SETTINGS, TenantSettings.class).value();
            assertThat(s.getChannels().get("CALL").getWebhookUrl()).isEqualTo(url);
        }
        // the allow-list is for loopback only: a private address stays refused
        Response lan = api.json("PUT", "/v1/settings", IngestClient.ACME_KEY,
                "{\"channels\":{\"CALL\":{\"webhookUrl\":\"http://10.0.0.5/\"}}}");
        assertThat(lan.status()).as(lan.toString()).isEqualTo(400);
    }

    @Test
    void sequencePutAndDeleteLandAsDefinitionAndTombstone() {
        Response put = api.json("PUT", "/v1/sequences/welcome", IngestClient.ACME_KEY, """
                {"name":"Welcome","steps":[{"type":"EMAIL","delay":"0m","templateId":"hello","subject":"Hi {{name}}"},
                 {"type":"WAIT","delay":"2d"},{"type":"CALL","delay":"1h"}]}""");
        ConsumerRecord<String, SequenceDefinition> rec = landed(put, Topics.SEQUENCES, SequenceDefinition.class);
        assertThat(rec.key()).isEqualTo("acme:welcome");
        SequenceDefinition d = rec.value();
        assertThat(d.getTenantId()).isEqualTo("acme");
        assertThat(d.getSequenceId()).isEqualTo("welcome");
        assertThat(d.getName()).isEqualTo("Welcome");
        assertThat(d.getEnabled()).isTrue();
        assertThat(d.getSteps()).extracting(s -> s.getType()).containsExactly(StepType.EMAIL, StepType.WAIT, StepType.CALL);
        assertThat(d.getSteps().get(0).getSubject()).isEqualTo("Hi {{name}}");

        Response delete = api.json("DELETE", "/v1/sequences/welcome", IngestClient.ACME_KEY, null);
        assertThat(delete.status()).isEqualTo(202);
        int partition = delete.json().get("partition").asInt();
        long offset = delete.json().get("offset").asLong();
        var tombstones = kafka.awaitRawRecords(Topics.SEQUENCES,
                x -> x.partition() == partition && x.offset() == offset, 1, Duration.ofSeconds(30));
        assertThat(tombstones.get(0).key()).isEqualTo("acme:welcome");
        assertThat(tombstones.get(0).value()).isNull();
    }

    @Test
    void aRecurringStepLandsWithItsRepeat() {
        Response put = api.json("PUT", "/v1/sequences/daily-checkin", IngestClient.ACME_KEY, """
                {"name":"Daily check-in","steps":[{"type":"EMAIL","delay":"0m","repeat":{"every":"1d","times":5,
                 "workingDaysOnly":true,"inSendWindow":true}},
                 {"type":"CALL","delay":"1h","repeat":{"cron":"0 0 9 * * MON-FRI","until":"2026-06-30T18:00:00Z"}}]}""");
        SequenceDefinition d = landed(put, Topics.SEQUENCES, SequenceDefinition.class).value();
        assertThat(d.getSteps().get(0).getRepeat()).isEqualTo(StepRepeat.newBuilder().setEvery("1d").setTimes(5)
                .setWorkingDaysOnly(true).setInSendWindow(true).build());
        assertThat(d.getSteps().get(1).getRepeat()).isEqualTo(StepRepeat.newBuilder().setCron("0 0 9 * * MON-FRI")
                .setUntil(Instant.parse("2026-06-30T18:00:00Z")).build());
    }

    @Test
    void aLeadIdThatLooksLikeAnEmailIsAcceptedWithAWarningCountedAndNeverLogged(CapturedOutput output) {
        double before = emailLikeCount();
        Response r = api.json("POST", "/v1/leads", IngestClient.ACME_KEY, """
                {"leadId":"ada.lovelace@example.com","name":"Ada"}""");
        ConsumerRecord<String, LeadEvent> rec = landed(r, Topics.LEAD_EVENTS, LeadEvent.class);
        assertThat(rec.key()).isEqualTo("acme:ada.lovelace@example.com");
        assertThat(r.header("Warning"))
                .isEqualTo("299 - \"leadId looks like an email address; use a pseudonymous id\"");
        Response score = api.json("POST", "/v1/leads/ada.lovelace@example.com/score", IngestClient.ACME_KEY,
                "{\"predProb\":0.9}");
        assertThat(score.status()).isEqualTo(202);
        assertThat(score.header("Warning")).contains("pseudonymous");
        Response batch = api.send("POST", "/v1/events:batch", IngestClient.ACME_KEY, "application/x-ndjson", """
                {"type":"score","leadId":"lead-9","predProb":0.5}
                {"type":"score","leadId":"grace@example.org","predProb":0.5}
                """);
        assertThat(batch.status()).as(batch.toString()).isEqualTo(202);
        assertThat(batch.header("Warning")).contains("pseudonymous");
        assertThat(emailLikeCount() - before).isEqualTo(3);

        for (String pseudonymous : List.of("lead-7", "team@acme", "crm.4711")) {
            Response ok = api.json("POST", "/v1/leads/" + pseudonymous + "/score", IngestClient.ACME_KEY,
                    "{\"predProb\":0.9}");
            assertThat(ok.status()).as(pseudonymous).isEqualTo(202);
            assertThat(ok.header("Warning")).as(pseudonymous).isNull();
        }
        assertThat(emailLikeCount() - before).isEqualTo(3);
        assertThat(output.getAll()).doesNotContain("ada.lovelace@example.com").doesNotContain("grace@example.org");
    }

    private double emailLikeCount() {
        return meters.counter("followup.ingest.lead-id.email-like").count();
    }

    @Test
    void batchPublishesEveryLineInOrderWithAResultPerLine() {
        String ndjson = """
                {"type":"lead","leadId":"bl-1","name":"Batch One","occurredAt":"2026-01-01T00:00:00Z"}
                {"type":"score","leadId":"bl-1","predProb":0.9}

                {"type":"booking","bookingId":"bb-1","leadId":"bl-1","localStart":"2026-02-01T10:00","timezone":"Asia/Kolkata"}
                {"type":"pause","leadId":"bl-1"}
                {"type":"cancelTask","taskId":"t-1","leadId":"bl-1"}
                """;
        Response r = api.send("POST", "/v1/events:batch", IngestClient.ACME_KEY, "application/x-ndjson", ndjson);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        JsonNode results = r.json().get("results");
        assertThat(r.json().get("accepted").asInt()).isEqualTo(5);
        List<Integer> lines = new java.util.ArrayList<>();
        results.forEach(x -> lines.add(x.get("line").asInt()));
        assertThat(lines).containsExactly(1, 2, 4, 5, 6);
        JsonNode booking = results.get(2);
        assertThat(booking.get("topic").asString()).isEqualTo(Topics.BOOKING_EVENTS);
        var rec = kafka.awaitRecords(Topics.BOOKING_EVENTS, BookingEvent.class,
                x -> x.partition() == booking.get("partition").asInt() && x.offset() == booking.get("offset").asLong(),
                1, Duration.ofSeconds(30)).get(0);
        assertThat(rec.key()).isEqualTo("acme:bl-1");
        assertThat(rec.value().getPayload()).isEqualTo(new BookingScheduled("2026-02-01T10:00", "Asia/Kolkata", null, null));
        // same key, same partition: the lead's events keep the batch's order
        List<ConsumerRecord<String, LeadEvent>> leadEvents = kafka.awaitRecords(Topics.LEAD_EVENTS, LeadEvent.class,
                x -> x.key().equals("acme:bl-1"), 2, Duration.ofSeconds(30));
        assertThat(leadEvents).extracting(x -> x.value().getPayload().getClass().getSimpleName())
                .containsExactly("LeadCaptured", "LeadScored");
        assertThat(leadEvents.get(0).value().getOccurredAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        var cancel = kafka.awaitRecords(Topics.COMMANDS, Command.class,
                x -> x.value().getCommandId().equals(results.get(4).get("eventId").asString()), 1, Duration.ofSeconds(30));
        assertThat(cancel.get(0).value().getPayload()).isEqualTo(new CancelTask("t-1"));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyReturnsTheFirstResponseAndPublishesOnce() {
        String body = "{\"predProb\":0.77}";
        Response first = api.json("POST", "/v1/leads/lead-i/score", IngestClient.ACME_KEY, body, "Idempotency-Key", "retry-1");
        Response again = api.json("POST", "/v1/leads/lead-i/score", IngestClient.ACME_KEY, body, "Idempotency-Key", "retry-1");
        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(first.header("Idempotent-Replayed")).isEqualTo("false");
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        // the id is derived from tenant, key and route, so even a retry after a restart carries the same id
        String expected = dev.followup.ingest.publish.EventIds.of("acme", "retry-1", "POST /v1/leads/lead-i/score", 0);
        assertThat(first.json().get("eventId").asString()).isEqualTo(expected);

        Response other = api.json("POST", "/v1/leads/lead-i/score", IngestClient.ACME_KEY, "{\"predProb\":0.1}",
                "Idempotency-Key", "retry-1");
        assertThat(other.status()).as(other.toString()).isEqualTo(422);
        assertThat(other.contentType()).startsWith("application/problem+json");

        kafka.awaitRecords(Topics.LEAD_EVENTS, LeadEvent.class, x -> x.key().equals("acme:lead-i"), 1, Duration.ofSeconds(30));
        assertThat(kafka.readAll(Topics.LEAD_EVENTS, LeadEvent.class, x -> x.key().equals("acme:lead-i"))).hasSize(1);
    }

    @Test
    void settingsGetAnswersFromTheCompactedTopic() {
        JsonNode defaults = api.get("/v1/settings", "dev-acme-key").json();
        assertThat(defaults.get("tenantId").asString()).isEqualTo("acme");
        assertThat(defaults.get("leadScoreThreshold").asDouble()).isEqualTo(0.70);
        assertThat(defaults.get("timezone").asString()).isEqualTo("UTC");
        assertThat(defaults.get("sendWindow").get("start").asString()).isEqualTo("09:00");
        assertThat(defaults.get("sendWindowAppliesToBookings").asBoolean()).isFalse();

        Response put = api.json("PUT", "/v1/settings", IngestClient.ACME_KEY,
                "{\"leadScoreThreshold\":0.75,\"sendWindow\":null,\"channels\":{\"EMAIL\":{\"mailboxRef\":\"sales\"}}}");
        assertThat(put.status()).isEqualTo(202);
        JsonNode stored = api.get("/v1/settings", IngestClient.ACME_KEY).json();
        assertThat(stored.get("leadScoreThreshold").asDouble()).isEqualTo(0.75);
        assertThat(stored.get("sendWindow").isNull()).isTrue();
        assertThat(stored.get("channels").get("EMAIL").get("mailboxRef").asString()).isEqualTo("sales");

        assertThat(api.json("PUT", "/v1/settings", IngestClient.ACME_KEY,
                "{\"holidayCalendar\":\"DE-BY\",\"blackoutDates\":[\"2026-12-24\",\"2026-12-28/2026-12-31\"]}")
                .status()).isEqualTo(202);
        JsonNode calendar = api.get("/v1/settings", IngestClient.ACME_KEY).json();
        assertThat(calendar.get("holidayCalendar").asString()).isEqualTo("DE-BY");
        assertThat(calendar.get("blackoutDates")).extracting(JsonNode::asString)
                .containsExactly("2026-12-24", "2026-12-28/2026-12-31");

        // a record written by someone else (another instance, a migration) shows up too: the view reads the topic
        kafka.send(Topics.TENANT_SETTINGS, "acme",
                TenantSettings.newBuilder().setTenantId("acme").setLeadScoreThreshold(0.55).build());
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                api.get("/v1/settings", IngestClient.ACME_KEY).json().get("leadScoreThreshold").asDouble()).isEqualTo(0.55));
    }

    @Test
    void sequenceGetAfterPutAndDelete() {
        assertThat(api.json("PUT", "/v1/sequences/nurture", IngestClient.GLOBEX_KEY,
                "{\"name\":\"Nurture\",\"enabled\":false,\"steps\":[{\"type\":\"SMS\",\"delay\":\"1d\",\"body\":\"Hi\"}]}")
                .status()).isEqualTo(202);
        Response got = api.get("/v1/sequences/nurture", IngestClient.GLOBEX_KEY);
        assertThat(got.status()).as(got.toString()).isEqualTo(200);
        assertThat(got.json().get("sequenceId").asString()).isEqualTo("nurture");
        assertThat(got.json().get("enabled").asBoolean()).isFalse();
        assertThat(got.json().get("steps").get(0).get("type").asString()).isEqualTo("SMS");
        assertThat(api.json("DELETE", "/v1/sequences/nurture", IngestClient.GLOBEX_KEY, null).status()).isEqualTo(202);
        assertThat(api.get("/v1/sequences/nurture", IngestClient.GLOBEX_KEY).status()).isEqualTo(404);
    }
}
