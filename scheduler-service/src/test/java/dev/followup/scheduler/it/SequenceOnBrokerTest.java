package dev.followup.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.followup.events.LeadKey;
import dev.followup.events.SequenceKey;
import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.EnrollInSequence;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.SequenceStep;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import dev.followup.scheduler.api.EnrollmentView;
import dev.followup.scheduler.api.TaskQueries;
import dev.followup.scheduler.api.TaskView;
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
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/**
 * A sequence on the real broker, driven by the receipts an executor publishes: the scheduler's real topology in
 * Kafka Streams, the definition on {@code followup.sequences.v1}, an enrollment command, due tasks read from their
 * topics, receipts produced back, and a reply that stops the sequence before its last step. The query API's
 * enrollment and task views show the outcome.
 */
@WithKafka
class SequenceOnBrokerTest {

    private static final String LEAD = "lead-seq";
    private static final String KEY = LeadKey.of("acme", LEAD).toString();

    private final SchedulerProperties props = new SchedulerProperties("scheduler-sequence-test", Duration.ofMillis(100),
            2000, Path.of("target", "it-state", UUID.randomUUID().toString()).toString(), 1, 0, "localhost:18081",
            Duration.ofMillis(100), Duration.ofSeconds(30), null, null, 200);

    private static SequenceStep step(StepType type, String delay) {
        return SequenceStep.newBuilder().setType(type).setDelay(delay).setTemplateId("tpl-" + type).build();
    }

    /** The receipt an executor publishes for {@code task}. */
    private static Receipt receipt(DueTask task, ReceiptStatus status, Instant completedAt) {
        return Receipt.newBuilder().setReceiptId(task.getTaskId() + "-" + task.getAttempt()).setTaskId(task.getTaskId())
                .setTenantId(task.getTenantId()).setLeadId(task.getLeadId()).setChannel(task.getChannel())
                .setStatus(status).setProvider("outbox").setAttempt(task.getAttempt()).setDueAt(task.getDueAt())
                .setEmittedAt(task.getEmittedAt()).setCompletedAt(completedAt)
                .setLatencyMs(completedAt.toEpochMilli() - task.getDueAt().toEpochMilli()).build();
    }

    private static DueTask awaitStep(TestKafka kafka, Channel channel) {
        return kafka.awaitRecords(Topics.dueTasks(channel), DueTask.class, r -> LEAD.equals(r.value().getLeadId()), 1,
                Duration.ofSeconds(60)).get(0).value();
    }

    private static Instant nowMillis() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    @Test
    void aSequenceChainsOnRealReceiptsAndAReplyStopsItBeforeTheLastStep(TestKafka kafka) {
        // defined before the app starts: a global store is fully loaded before processing begins.
        // Any day, any hour: the test runs on the wall clock, so the default Mon-Fri 09-18 window would move the steps.
        kafka.send(Topics.TENANT_SETTINGS, "acme", TenantSettings.newBuilder().setTenantId("acme")
                .setWorkingDays(List.of(Weekday.values())).setSendWindow(null).build());
        kafka.send(Topics.SEQUENCES, SequenceKey.of("acme", "onboarding").toString(), SequenceDefinition.newBuilder()
                .setTenantId("acme").setSequenceId("onboarding").setName("Onboarding")
                .setSteps(List.of(step(StepType.EMAIL, "1s"), step(StepType.WAIT, "1s"), step(StepType.SMS, "1s"),
                        step(StepType.CALL, "1h")))
                .build());
        List<Duration> lags = new java.util.concurrent.CopyOnWriteArrayList<>();
        SchedulerStreams app = new SchedulerStreams(props, kafka.bootstrapServers(), props.applicationServer(),
                new SchedulerEvents() {
                    @Override
                    public void taskEmitted(Channel channel, Duration firingLag) {
                        lags.add(firingLag);
                    }
                });
        TaskQueries queries = new TaskQueries(app, Clock.systemUTC(),
                new dev.followup.scheduler.api.PeerClient(RestClient.create(), "http", null, Clock.systemUTC()));
        app.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> app.kafkaStreams().state() == KafkaStreams.State.RUNNING);

            Instant issuedAt = nowMillis();
            kafka.send(Topics.COMMANDS, KEY, Command.newBuilder().setCommandId("enroll-1").setTenantId("acme")
                    .setLeadId(LEAD).setIssuedAt(issuedAt)
                    .setPayload(EnrollInSequence.newBuilder().setSequenceId("onboarding").build()).build());

            DueTask email = awaitStep(kafka, Channel.EMAIL);
            assertThat(email.getReason()).isEqualTo(TaskReason.SEQUENCE);
            assertThat(email.getSequenceId()).isEqualTo("onboarding");
            assertThat(email.getStepIndex()).isZero();
            assertThat(email.getTemplateId()).isEqualTo("tpl-EMAIL");
            assertThat(email.getDueAt()).isEqualTo(issuedAt.plusSeconds(1));
            assertThat(email.getEmittedAt()).isAfterOrEqualTo(email.getDueAt());

            Instant draftedAt = nowMillis();
            kafka.send(Topics.RECEIPTS, KEY, receipt(email, ReceiptStatus.DRAFTED, draftedAt));
            DueTask sms = awaitStep(kafka, Channel.SMS);
            assertThat(sms.getStepIndex()).isEqualTo(2);
            assertThat(sms.getDueAt()).as("WAIT 1s + SMS 1s after the email's receipt").isEqualTo(draftedAt.plusSeconds(2));
            assertThat(sms.getEmittedAt()).isAfterOrEqualTo(sms.getDueAt());

            Instant sentAt = nowMillis();
            kafka.send(Topics.RECEIPTS, KEY, receipt(sms, ReceiptStatus.SENT, sentAt));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                    assertThat(queries.leadEnrollments("acme", LEAD, false)).singleElement()
                            .satisfies(e -> assertThat(e.step()).isEqualTo(3)));

            kafka.send(Topics.LEAD_EVENTS, KEY, LeadEvent.newBuilder().setEventId("reply-1").setTenantId("acme")
                    .setLeadId(LEAD).setOccurredAt(nowMillis())
                    .setPayload(LeadEngaged.newBuilder().setKind(EngagementKind.REPLIED).build()).build());
            // interactive queries read each store as the stream thread writes it: await the enrollment and the tasks
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                EnrollmentView enrollment = queries.leadEnrollments("acme", LEAD, false).get(0);
                assertThat(enrollment.status()).isEqualTo("STOPPED");
                assertThat(enrollment.statusDetail()).isEqualTo("lead engaged: REPLIED");
                List<TaskView> tasks = queries.leadTasks("acme", LEAD, false);
                assertThat(tasks).extracting(TaskView::stepIndex, TaskView::status)
                        .containsExactly(tuple(0, "DRAFTED"), tuple(2, "SENT"), tuple(3, "CANCELED"));
                assertThat(tasks.get(2).dueAt()).isEqualTo(sentAt.plus(Duration.ofHours(1)).toString());
            });

            // On the same app (issue #9): due times before 1970 fire at once, their lag counted from the due time;
            // one in the year 9999 stays pending and visible.
            String farLead = "lead-far";
            List<Instant> past = List.of(Instant.parse("1900-01-01T00:00:00Z"), Instant.EPOCH, Instant.ofEpochMilli(-1));
            Instant farFuture = Instant.parse("9999-12-31T23:59:59Z");
            for (int i = 0; i <= past.size(); i++) {
                kafka.send(Topics.COMMANDS, LeadKey.of("acme", farLead).toString(), Command.newBuilder()
                        .setCommandId("far-" + i).setTenantId("acme").setLeadId(farLead).setIssuedAt(nowMillis())
                        .setPayload(ScheduleTask.newBuilder().setChannel(Channel.SMS)
                                .setDueAt(i < past.size() ? past.get(i) : farFuture).build()).build());
            }
            List<DueTask> fired = kafka.awaitRecords(Topics.dueTasks(Channel.SMS), DueTask.class,
                    r -> farLead.equals(r.value().getLeadId()), past.size(), Duration.ofSeconds(60))
                    .stream().map(r -> r.value()).toList();
            assertThat(fired).extracting(DueTask::getDueAt).containsExactlyInAnyOrderElementsOf(past);
            assertThat(lags).anySatisfy(lag -> assertThat(lag).isGreaterThan(Duration.ofDays(365L * 126)));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                    assertThat(queries.leadTasks("acme", farLead, false))
                            .extracting(TaskView::status, TaskView::dueAt)
                            .containsExactlyInAnyOrder(tuple("EMITTED", past.get(0).toString()),
                                    tuple("EMITTED", past.get(1).toString()), tuple("EMITTED", past.get(2).toString()),
                                    tuple("PENDING", farFuture.toString())));
        } finally {
            app.stop();
        }
    }
}
