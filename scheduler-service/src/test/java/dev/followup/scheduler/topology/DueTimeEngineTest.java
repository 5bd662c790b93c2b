package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import dev.followup.scheduler.policy.DueTimeAdjuster;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class DueTimeEngineTest {

    @Test
    void overdueTasksAfterAnOutageFireOnceInDueOrder() {
        try (SchedulerDriver d = new SchedulerDriver()) {
            List<Instant> dues = new ArrayList<>();
            for (int i = 9; i >= 0; i--) {
                Instant due = START.plus(Duration.ofMinutes(10L * i + 1));
                dues.add(0, due);
                d.scheduleTask("cmd-" + i, "lead-" + (i % 3), Channel.SMS, due);
            }
            // nothing ran for three hours: one wall-clock jump
            d.advance(Duration.ofHours(3));

            List<DueTask> fired = d.emitted(Channel.SMS);
            assertThat(fired).extracting(DueTask::getDueAt).containsExactlyElementsOf(dues);
            assertThat(fired).allMatch(t -> t.getEmittedAt().equals(START.plus(Duration.ofHours(3))));
            d.advance(Duration.ofHours(3));
            assertThat(d.emittedAll()).isEmpty();
            assertThat(d.dueIndexSize()).isZero();
        }
    }

    @Test
    void aBacklogDrainsOverSeveralTicksBoundedPerTick() {
        try (SchedulerDriver d = new SchedulerDriver(new SchedulerSettings(Duration.ofMillis(100), 4, DueTimeAdjuster.NONE))) {
            for (int i = 0; i < 10; i++) {
                d.scheduleTask("cmd-" + i, "lead-1", Channel.EMAIL, START.plus(Duration.ofSeconds(i + 1)));
            }
            d.advance(Duration.ofMinutes(1));
            List<DueTask> first = d.emitted(Channel.EMAIL);
            assertThat(first).hasSize(4);
            d.advance(Duration.ofMillis(100));
            List<DueTask> second = d.emitted(Channel.EMAIL);
            assertThat(second).hasSize(4);
            d.advance(Duration.ofMillis(100));
            List<DueTask> third = d.emitted(Channel.EMAIL);
            assertThat(third).hasSize(2);

            List<DueTask> all = new ArrayList<>(first);
            all.addAll(second);
            all.addAll(third);
            assertThat(all).extracting(DueTask::getDueAt).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void aTaskAddedWithAnEarlierDueTimeThanTheLastFiredOneStillFires() {
        try (SchedulerDriver d = new SchedulerDriver()) {
            d.scheduleTask("cmd-1", "lead-1", Channel.EMAIL, START.plus(Duration.ofMinutes(10)));
            d.advance(Duration.ofMinutes(10));
            assertThat(d.emitted(Channel.EMAIL)).hasSize(1);
            d.scheduleTask("cmd-2", "lead-1", Channel.EMAIL, START.plus(Duration.ofMinutes(1)));
            d.advance(Duration.ofMillis(100));
            assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getDueAt)
                    .containsExactly(START.plus(Duration.ofMinutes(1)));
        }
    }

    @Test
    void dueTasksAreKeyedByTenantAndLeadAndStampedWithTheEmissionTime() {
        try (SchedulerDriver d = new SchedulerDriver()) {
            d.scheduleTask("cmd-1", "lead-7", Channel.CALL, START.plus(Duration.ofSeconds(1)));
            d.advance(Duration.ofSeconds(2));
            TestRecord<String, DueTask> record = d.emittedRecords(Channel.CALL).get(0);
            assertThat(record.key()).isEqualTo("acme:lead-7");
            assertThat(record.value().getEmittedAt()).isEqualTo(START.plus(Duration.ofSeconds(2)));
            assertThat(record.getRecordTime()).isEqualTo(record.value().getEmittedAt());
        }
    }

    @Test
    void undecodableBytesAreDeadLetteredWithHeadersAndProcessingGoesOn() {
        try (SchedulerDriver d = new SchedulerDriver()) {
            d.rawLeadEvent("acme:lead-1", "not avro".getBytes(StandardCharsets.UTF_8));
            d.scored("lead-1", START, 0.9);
            d.advance(Duration.ofMinutes(30));

            List<TestRecord<String, byte[]>> dlq = d.deadLetters(Topics.LEAD_EVENTS);
            assertThat(dlq).hasSize(1);
            assertThat(new String(dlq.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
            Map<String, String> headers = SchedulerDriver.headers(dlq.get(0));
            assertThat(headers.get(DeadLetters.ERROR)).contains("cannot decode record from topic 'followup.lead-events.v1'");
            assertThat(headers).containsEntry(DeadLetters.SOURCE_TOPIC, Topics.LEAD_EVENTS)
                    .containsEntry(DeadLetters.ERROR_CLASS, "org.apache.kafka.common.errors.SerializationException")
                    .containsKeys(DeadLetters.SOURCE_PARTITION, DeadLetters.SOURCE_OFFSET);
            assertThat(d.emitted(Channel.EMAIL)).hasSize(1);
        }
    }

    @Test
    void aRecordWhoseKeyDoesNotMatchItsLeadIsDeadLettered() {
        try (SchedulerDriver d = new SchedulerDriver()) {
            d.scored("lead-1", START, 0.9);
            d.scored("lead-2", START, 0.9);
            // re-send lead-2's event under lead-1's key: the stores are partitioned by key, so it cannot apply
            var event = dev.followup.events.v1.LeadEvent.newBuilder().setEventId("e").setTenantId("acme")
                    .setLeadId("lead-2").setOccurredAt(START).setPayload(new dev.followup.events.v1.LeadScored(0.1)).build();
            d.rawLeadEvent("acme:lead-1", new dev.followup.events.serde.AvroSerializer<>(
                    dev.followup.events.v1.LeadEvent.class).serialize(Topics.LEAD_EVENTS, event));

            assertThat(SchedulerDriver.headers(d.deadLetters(Topics.LEAD_EVENTS).get(0)).get(DeadLetters.ERROR))
                    .contains("record key 'acme:lead-1' does not match tenantId:leadId 'acme:lead-2'");
            d.advance(Duration.ofMinutes(30));
            assertThat(d.emitted(Channel.EMAIL)).hasSize(2);
        }
    }

    @Test
    void theDueTimeAdjusterSeamMovesTasks() {
        DueTimeAdjuster nextHour = (task, settings, tz) -> task.originalDueAt().plus(Duration.ofHours(1));
        try (SchedulerDriver d = new SchedulerDriver(new SchedulerSettings(Duration.ofMillis(100), 100, nextHour))) {
            d.scheduleTask("cmd-1", "lead-1", Channel.EMAIL, START.plus(Duration.ofMinutes(1)));
            d.advance(Duration.ofMinutes(30));
            assertThat(d.emittedAll()).isEmpty();
            d.advance(Duration.ofMinutes(31));
            List<DueTask> fired = d.emitted(Channel.EMAIL);
            assertThat(fired).extracting(DueTask::getDueAt).containsExactly(START.plus(Duration.ofMinutes(61)));
        }
    }

    @Test
    void farPastDueTimesFireAtOnceWithTheirLagAndAFarFutureOneStaysPendingAndVisible() {
        // before 1970 the index clamps the position to 0: the task must still match its entry and fire
        List<Instant> past = List.of(Instant.parse("1900-01-01T00:00:00Z"), Instant.EPOCH, Instant.ofEpochMilli(-1),
                Instant.ofEpochMilli(-86_400_000L));
        Instant farFuture = Instant.parse("9999-12-31T23:59:59Z");
        List<Duration> lags = new ArrayList<>();
        SchedulerEvents events = new SchedulerEvents() {
            @Override
            public void taskEmitted(Channel channel, Duration firingLag) {
                lags.add(firingLag);
            }
        };
        try (SchedulerDriver d = new SchedulerDriver(SchedulerSettings.defaults(), events)) {
            // any day, any hour: the default Mon-Fri 09-18 window would move a due time of 00:00 to 09:00
            d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setWorkingDays(List.of(Weekday.values()))
                    .setSendWindow(null).build());
            for (int i = 0; i < past.size(); i++) {
                d.scheduleTask("past-" + i, "lead-" + i, Channel.SMS, past.get(i));
            }
            d.scheduleTask("future", "lead-f", Channel.SMS, farFuture);
            d.advance(Duration.ofMillis(100));

            List<DueTask> fired = d.emitted(Channel.SMS);
            assertThat(fired).extracting(DueTask::getDueAt).containsExactlyInAnyOrderElementsOf(past);
            assertThat(fired).allMatch(t -> t.getEmittedAt().equals(d.now()));
            assertThat(lags).hasSize(past.size()).allMatch(lag -> !lag.isNegative())
                    .contains(Duration.between(Instant.parse("1900-01-01T00:00:00Z"), d.now()));
            for (int i = 0; i < past.size(); i++) {
                assertThat(d.task(TaskIds.manual("acme", "past-" + i)).status()).isEqualTo(TaskStatus.EMITTED);
            }

            d.advance(Duration.ofDays(1));
            assertThat(d.emittedAll()).as("none fires twice, the far-future one not at all").isEmpty();
            assertThat(d.task(TaskIds.manual("acme", "future")).status()).isEqualTo(TaskStatus.PENDING);
            assertThat(d.nextDueAt()).isEqualTo(farFuture);
        }
    }
}
