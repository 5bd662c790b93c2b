package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.repeating;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.SequenceKey;
import dev.followup.events.Topics;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.StepRepeat;
import dev.followup.events.v1.StepType;
import dev.followup.scheduler.policy.EnrollmentStatus;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A recurring step more frequent than {@code followup.scheduler.recurrence.min-interval} (1m by default): its definition
 * is not stored, and an enrollment in such a definition (one stored before the minimum) is dead-lettered.
 */
class RecurrenceMinimumRulesTest {

    private final AtomicInteger rejected = new AtomicInteger();
    private final SchedulerDriver d = new SchedulerDriver(SchedulerSettings.defaults(), new SchedulerEvents() {
        @Override
        public void sequenceDefinitionRejected() {
            rejected.incrementAndGet();
        }
    });

    @AfterEach
    void close() {
        d.close();
    }

    private KeyValueStore<String, SequenceDefinition> sequences() {
        return d.driver.getKeyValueStore(SchedulerTopology.SEQUENCES_STORE);
    }

    @Test
    void anEveryBelowTheMinimumIsNotStoredAndEnrollingInItIsDeadLettered() {
        d.sequence("fast", true, repeating(StepType.SMS, "0m", StepRepeat.newBuilder().setEvery("30s").build()));

        assertThat(rejected).hasValue(1);
        assertThat(sequences().get(SequenceKey.of("acme", "fast").toString())).isNull();
        d.enroll("enroll-1", "lead-1", "fast", null);
        var dlq = d.deadLetters(Topics.COMMANDS);
        assertThat(dlq).hasSize(1);
        assertThat(SchedulerDriver.headers(dlq.get(0)).get("followup.error")).contains("sequenceId 'fast'");
        assertThat(d.enrollment("lead-1", "fast")).isNull();
    }

    @Test
    void aCronFiringEveryTenSecondsIsNotStored() {
        d.sequence("ticker", true, repeating(StepType.SMS, "0m",
                StepRepeat.newBuilder().setCron("*/10 * * * * *").build()));

        assertThat(rejected).hasValue(1);
        assertThat(sequences().get(SequenceKey.of("acme", "ticker").toString())).isNull();
    }

    @Test
    void aTooFrequentDefinitionStoredEarlierIsRefusedAtEnrollmentNamingTheField() {
        // as if written before the minimum existed: straight into the global store
        SequenceDefinition old = SequenceDefinition.newBuilder().setTenantId("acme").setSequenceId("old")
                .setName("Old").setEnabled(true).setSteps(List.of(repeating(StepType.SMS, "0m",
                        StepRepeat.newBuilder().setEvery("10s").build()))).build();
        sequences().put(SequenceKey.of("acme", "old").toString(), old);

        d.enroll("enroll-1", "lead-1", "old", null);

        var dlq = d.deadLetters(Topics.COMMANDS);
        assertThat(dlq).hasSize(1);
        assertThat(SchedulerDriver.headers(dlq.get(0)).get("followup.error"))
                .contains("sequence acme:old steps[0].repeat.every '10s' is below the minimum interval 1m");
        assertThat(d.enrollment("lead-1", "old")).isNull();
    }

    @Test
    void aScheduleAtTheMinimumIsStoredAndRuns() {
        d.sequence("minutely", true, repeating(StepType.SMS, "0m", StepRepeat.newBuilder().setEvery("1m").build()),
                repeating(StepType.EMAIL, "0m", StepRepeat.newBuilder().setCron("0 * * * * *").setTimes(2).build()));
        d.enroll("enroll-1", "lead-1", "minutely", null);

        assertThat(rejected).hasValue(0);
        assertThat(d.deadLetters(Topics.COMMANDS)).isEmpty();
        assertThat(d.enrollment("lead-1", "minutely").status()).isEqualTo(EnrollmentStatus.ACTIVE);
    }

    @Test
    void aLowerMinimumAllowsAShorterEvery() {
        try (SchedulerDriver fast = new SchedulerDriver(SchedulerSettings.defaults()
                .withRecurrenceMinInterval(java.time.Duration.ofSeconds(1)))) {
            fast.sequence("fast", true, repeating(StepType.SMS, "0m", StepRepeat.newBuilder().setEvery("4s").build()));
            fast.enroll("enroll-1", "lead-1", "fast", null);
            assertThat(fast.enrollment("lead-1", "fast").status()).isEqualTo(EnrollmentStatus.ACTIVE);
        }
    }
}
