package dev.followup.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.followup.events.LeadKey;
import dev.followup.events.SequenceKey;
import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.EnrollInSequence;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.SequenceStep;
import dev.followup.events.v1.StepRepeat;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import dev.followup.scheduler.api.EnrollmentView;
import dev.followup.scheduler.api.TaskQueries;
import dev.followup.scheduler.config.SchedulerProperties;
import dev.followup.scheduler.config.SchedulerStreams;
import dev.followup.scheduler.topology.SchedulerEvents;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/**
 * A recurring step on the real broker across a restart: the app is stopped after the first occurrence went out and
 * a new instance starts on the same state; every occurrence is emitted exactly once, at its own time or later.
 */
@WithKafka
class RecurringOnBrokerTest {

    private static final String LEAD = "lead-recurring";
    private static final String KEY = LeadKey.of("acme", LEAD).toString();
    private static final Duration EVERY = Duration.ofSeconds(4);

    /** Both instances share the application id and the state directory, as a restarted pod does. */
    private final SchedulerProperties props = new SchedulerProperties("scheduler-recurring-test",
            Duration.ofMillis(100), 2000, Path.of("target", "it-state", UUID.randomUUID().toString()).toString(), 1, 0,
            "localhost:18083", Duration.ofMillis(100), Duration.ofSeconds(30), null,
            new SchedulerProperties.Recurrence(Duration.ofSeconds(1)), 200);

    private SchedulerStreams start(TestKafka kafka) {
        SchedulerStreams app = new SchedulerStreams(props, kafka.bootstrapServers(), props.applicationServer(),
                SchedulerEvents.NONE);
        app.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> app.kafkaStreams().state() == KafkaStreams.State.RUNNING);
        return app;
    }

    private static List<ConsumerRecord<String, DueTask>> runs(TestKafka kafka) {
        return kafka.readAll(Topics.dueTasks(Channel.SMS), DueTask.class, r -> LEAD.equals(r.value().getLeadId()));
    }

    @Test
    void aRestartBetweenOccurrencesNeitherSkipsNorRepeatsOne(TestKafka kafka) {
        // the test runs on the wall clock: any day, any hour
        kafka.send(Topics.TENANT_SETTINGS, "acme", TenantSettings.newBuilder().setTenantId("acme")
                .setWorkingDays(List.of(Weekday.values())).setSendWindow(null).build());
        kafka.send(Topics.SEQUENCES, SequenceKey.of("acme", "ticker").toString(), SequenceDefinition.newBuilder()
                .setTenantId("acme").setSequenceId("ticker").setName("Ticker")
                .setSteps(List.of(SequenceStep.newBuilder().setType(StepType.SMS).setDelay("0s")
                        .setRepeat(StepRepeat.newBuilder().setEvery("4s").setTimes(3).build()).build()))
                .build());

        SchedulerStreams first = start(kafka);
        Instant issuedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusSeconds(1);
        int beforeRestart;
        try {
            kafka.send(Topics.COMMANDS, KEY, Command.newBuilder().setCommandId("enroll-ticker").setTenantId("acme")
                    .setLeadId(LEAD).setIssuedAt(issuedAt)
                    .setPayload(EnrollInSequence.newBuilder().setSequenceId("ticker").build()).build());
            kafka.awaitRecords(Topics.dueTasks(Channel.SMS), DueTask.class, r -> LEAD.equals(r.value().getLeadId()), 1,
                    Duration.ofSeconds(60));
        } finally {
            first.stop();
        }
        beforeRestart = runs(kafka).size();

        SchedulerStreams second = start(kafka);
        try {
            TaskQueries queries = new TaskQueries(second, Clock.systemUTC(),
                new dev.followup.scheduler.api.PeerClient(RestClient.create(), "http", null, Clock.systemUTC()));
            kafka.awaitRecords(Topics.dueTasks(Channel.SMS), DueTask.class, r -> LEAD.equals(r.value().getLeadId()), 3,
                    Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                EnrollmentView view = queries.leadEnrollments("acme", LEAD, true).get(0);
                assertThat(view.occurrence()).isEqualTo(3);
                assertThat(view.remaining()).isZero();
                assertThat(view.nextDueAt()).as("the last occurrence is out").isNull();
            });

            List<ConsumerRecord<String, DueTask>> all = runs(kafka);
            System.out.printf("recurring restart test: %d occurrence(s) before the restart, %d after%n", beforeRestart,
                    all.size() - beforeRestart);
            assertThat(beforeRestart).as("stopped between occurrences").isBetween(1, 2);
            assertThat(all).extracting(r -> r.value().getTaskId()).hasSize(3).doesNotHaveDuplicates();
            assertThat(all).extracting(r -> r.value().getDueAt()).containsExactly(issuedAt, issuedAt.plus(EVERY),
                    issuedAt.plus(EVERY).plus(EVERY));
            assertThat(all).allSatisfy(r -> assertThat(r.value().getEmittedAt()).isAfterOrEqualTo(r.value().getDueAt()));
        } finally {
            second.stop();
        }
    }
}
