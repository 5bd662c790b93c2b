package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.SequenceStep;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.SequencePolicy.EnrollDecision;
import dev.followup.scheduler.policy.SequencePolicy.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequencePolicyTest {

    private static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");
    private static final TenantSettings TENANT = TenantSettings.newBuilder().setTenantId("acme").build();

    private static SequenceDefinition sequence(SequenceStep... steps) {
        return SequenceDefinition.newBuilder().setTenantId("acme").setSequenceId("seq").setName("Seq")
                .setSteps(List.of(steps)).build();
    }

    private static SequenceStep step(StepType type, String delay) {
        return SequenceStep.newBuilder().setType(type).setDelay(delay).build();
    }

    private static Transition start(SequenceDefinition definition, LeadProfile profile) {
        EnrollDecision decision = SequencePolicy.enroll(null, definition, "acme", "lead-1", "seq", "cmd-1", T0, null,
                profile, TENANT);
        assertThat(decision).isInstanceOf(EnrollDecision.Start.class);
        return ((EnrollDecision.Start) decision).transition();
    }

    @Test
    void waitStepsAddTheirDelaysToTheNextStep() {
        Transition t = start(sequence(step(StepType.WAIT, "1d"), step(StepType.WAIT, "2h"), step(StepType.SMS, "5m")),
                LeadProfile.UNKNOWN);
        assertThat(t.task().stepIndex()).isEqualTo(2);
        assertThat(t.task().channel()).isEqualTo(Channel.SMS);
        assertThat(t.task().dueAt()).isEqualTo(T0.plus(Duration.ofDays(1)).plus(Duration.ofHours(2)).plusSeconds(300));
        assertThat(t.enrollment().step()).isEqualTo(2);
        assertThat(t.enrollment().taskId()).isEqualTo(t.task().taskId());
    }

    @Test
    void aTrailingWaitCompletesTheEnrollmentAtTheLastReceipt() {
        SequenceDefinition definition = sequence(step(StepType.EMAIL, "0m"), step(StepType.WAIT, "3d"));
        Transition first = start(definition, LeadProfile.UNKNOWN);
        Instant receivedAt = T0.plusSeconds(60);
        Transition after = SequencePolicy.afterReceipt(first.enrollment(), first.task().taskId(), ReceiptStatus.SKIPPED,
                receivedAt, null, definition, LeadProfile.UNKNOWN, TENANT).orElseThrow();
        assertThat(after.task()).isNull();
        assertThat(after.enrollment().status()).isEqualTo(EnrollmentStatus.COMPLETED);
        assertThat(after.enrollment().statusAt()).isEqualTo(receivedAt);
    }

    @Test
    void aReceiptOfAnotherTaskChangesNothing() {
        SequenceDefinition definition = sequence(step(StepType.EMAIL, "0m"), step(StepType.SMS, "1h"));
        Transition first = start(definition, LeadProfile.UNKNOWN);
        assertThat(SequencePolicy.afterReceipt(first.enrollment(), "sq-other", ReceiptStatus.SENT, T0, null, definition,
                LeadProfile.UNKNOWN, TENANT)).isEmpty();
    }

    @Test
    void aStepOnABlockedChannelStopsTheEnrollment() {
        Transition t = start(sequence(step(StepType.EMAIL, "0m")), LeadProfile.UNKNOWN.bounceEmail());
        assertThat(t.task()).isNull();
        assertThat(t.enrollment().status()).isEqualTo(EnrollmentStatus.STOPPED);
        assertThat(t.enrollment().statusDetail()).isEqualTo("step 0: EMAIL is blocked for the lead");
    }

    @Test
    void onlyALaterCommandReEnrollsAfterTheEnrollmentEnded() {
        SequenceDefinition definition = sequence(step(StepType.CALL, "0m"));
        Enrollment ended = start(definition, LeadProfile.UNKNOWN).enrollment()
                .ended(EnrollmentStatus.STOPPED, T0.plusSeconds(60), "lead engaged: REPLIED");

        assertThat(SequencePolicy.enroll(ended, definition, "acme", "lead-1", "seq", "cmd-2", T0.plusSeconds(30), null,
                LeadProfile.UNKNOWN, TENANT)).isInstanceOf(EnrollDecision.Ignore.class);
        assertThat(SequencePolicy.enroll(ended, definition, "acme", "lead-1", "seq", "cmd-1", T0.plusSeconds(90), null,
                LeadProfile.UNKNOWN, TENANT)).as("the command that started it, replayed").isInstanceOf(EnrollDecision.Ignore.class);
        EnrollDecision again = SequencePolicy.enroll(ended, definition, "acme", "lead-1", "seq", "cmd-2",
                T0.plusSeconds(90), null, LeadProfile.UNKNOWN, TENANT);
        assertThat(again).isInstanceOfSatisfying(EnrollDecision.Start.class, s -> {
            assertThat(s.transition().enrollment().number()).isEqualTo(2);
            assertThat(s.transition().task().taskId()).isEqualTo(TaskIds.sequenceStep("acme", "lead-1", "seq", 2, 0));
        });
    }
}
