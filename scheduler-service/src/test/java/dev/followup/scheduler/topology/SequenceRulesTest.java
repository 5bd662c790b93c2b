package dev.followup.scheduler.topology;

import org.junit.jupiter.api.BeforeEach;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static dev.followup.scheduler.topology.SchedulerDriver.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TaskReason;
import dev.followup.scheduler.policy.Enrollment;
import dev.followup.scheduler.policy.EnrollmentStatus;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SequenceRulesTest {

    private static final String WELCOME = "welcome";

    private final SchedulerDriver d = new SchedulerDriver();

    /** Sequence rules on their own: any day, any hour (send windows have their own tests). */
    @BeforeEach
    void anyDayAnyHour() {
        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setWorkingDays(List.of(Weekday.values()))
                .setSendWindow(null).build());
    }

    @AfterEach
    void close() {
        d.close();
    }

    /** EMAIL 30 min after enrollment → WAIT 2 days → SMS 1 h after that. */
    private void defineWelcome(boolean enabled) {
        d.sequence(WELCOME, enabled,
                step(StepType.EMAIL, "30m", "tpl-intro", "Welcome, {{name}}", "Glad you came by."),
                step(StepType.WAIT, "2d"),
                step(StepType.SMS, "1h", "tpl-nudge", null, "Still interested?"));
    }

    private static String stepTask(String leadId, String sequenceId, int enrollment, int stepIndex) {
        return TaskIds.sequenceStep("acme", leadId, sequenceId, enrollment, stepIndex);
    }

    /** Enrolls lead-1 in welcome now and fires its first email. */
    private DueTask enrollAndFireFirstEmail() {
        defineWelcome(true);
        d.enroll("enroll-1", "lead-1", WELCOME, null);
        d.advance(Duration.ofMinutes(30));
        List<DueTask> email = d.emitted(Channel.EMAIL);
        assertThat(email).hasSize(1);
        return email.get(0);
    }

    @Test
    void emailWaitSmsSequenceChainsEachStepOnThePreviousStepsReceipt() {
        defineWelcome(true);
        d.enroll("enroll-1", "lead-1", WELCOME, null);

        d.advance(Duration.ofMinutes(30).minusMillis(1));
        assertThat(d.emittedAll()).isEmpty();
        d.advance(Duration.ofMillis(1));
        List<DueTask> emails = d.emitted(Channel.EMAIL);
        assertThat(emails).hasSize(1);
        DueTask email = emails.get(0);
        assertThat(email.getTaskId()).isEqualTo(stepTask("lead-1", WELCOME, 1, 0));
        assertThat(email.getDueAt()).isEqualTo(START.plus(Duration.ofMinutes(30)));
        assertThat(email.getReason()).isEqualTo(TaskReason.SEQUENCE);
        assertThat(email.getSequenceId()).isEqualTo(WELCOME);
        assertThat(email.getStepIndex()).isZero();
        assertThat(email.getTemplateId()).isEqualTo("tpl-intro");
        assertThat(email.getSubject()).isEqualTo("Welcome, {{name}}");
        assertThat(email.getBody()).isEqualTo("Glad you came by.");

        d.advance(Duration.ofDays(3));
        assertThat(d.emittedAll()).as("no next step before the receipt").isEmpty();

        Instant draftedAt = d.now();
        d.receipt(email, ReceiptStatus.DRAFTED);
        Instant smsDue = draftedAt.plus(Duration.ofDays(2)).plus(Duration.ofHours(1));
        assertThat(d.task(stepTask("lead-1", WELCOME, 1, 2)).dueAt()).isEqualTo(smsDue);
        assertThat(d.enrollment("lead-1", WELCOME).step()).isEqualTo(2);

        d.advanceTo(smsDue.minusMillis(1));
        assertThat(d.emittedAll()).isEmpty();
        d.advance(Duration.ofMillis(1));
        List<DueTask> sms = d.emitted(Channel.SMS);
        assertThat(sms).extracting(DueTask::getDueAt).containsExactly(smsDue);
        assertThat(sms.get(0).getStepIndex()).isEqualTo(2);
        assertThat(sms.get(0).getBody()).isEqualTo("Still interested?");
        assertThat(d.emittedAll()).as("the WAIT step emits nothing").isEmpty();

        d.receipt(sms.get(0), ReceiptStatus.SENT);
        d.receipt(sms.get(0), ReceiptStatus.SENT);
        Enrollment done = d.enrollment("lead-1", WELCOME);
        assertThat(done.status()).isEqualTo(EnrollmentStatus.COMPLETED);
        assertThat(done.statusAt()).isEqualTo(d.now());
        d.advance(Duration.ofDays(7));
        assertThat(d.emittedAll()).isEmpty();
    }

    @Test
    void startAtIsWhereTheFirstDelayCountsFrom() {
        defineWelcome(true);
        Instant startAt = START.plus(Duration.ofDays(1));
        d.enroll("enroll-1", "lead-1", WELCOME, startAt);
        assertThat(d.task(stepTask("lead-1", WELCOME, 1, 0)).dueAt()).isEqualTo(startAt.plus(Duration.ofMinutes(30)));
    }

    @Test
    void aDuplicateOrLateReceiptDoesNotChainAgain() {
        DueTask email = enrollAndFireFirstEmail();
        d.receipt(email, ReceiptStatus.DRAFTED);
        Instant smsDue = d.task(stepTask("lead-1", WELCOME, 1, 2)).dueAt();

        d.advance(Duration.ofHours(1));
        d.receipt(email, ReceiptStatus.DRAFTED);
        d.receipt(email, ReceiptStatus.SENT);
        assertThat(d.task(stepTask("lead-1", WELCOME, 1, 2)).dueAt()).isEqualTo(smsDue);
        assertThat(d.enrollment("lead-1", WELCOME).step()).isEqualTo(2);
    }

    @Test
    void aReplyCancelsThePendingStepAndStopsTheSequence() {
        DueTask email = enrollAndFireFirstEmail();
        d.receipt(email, ReceiptStatus.DRAFTED);
        d.advance(Duration.ofHours(5));

        d.engaged("lead-1", d.now(), EngagementKind.REPLIED);
        assertThat(d.task(stepTask("lead-1", WELCOME, 1, 2)).status()).isEqualTo(TaskStatus.CANCELED);
        Enrollment stopped = d.enrollment("lead-1", WELCOME);
        assertThat(stopped.status()).isEqualTo(EnrollmentStatus.STOPPED);
        assertThat(stopped.statusDetail()).isEqualTo("lead engaged: REPLIED");
        d.advance(Duration.ofDays(5));
        assertThat(d.emittedAll()).isEmpty();
    }

    @Test
    void aReplyWhileAStepIsOutLetsItFinishButSchedulesNoNextStep() {
        DueTask email = enrollAndFireFirstEmail();
        d.engaged("lead-1", d.now(), EngagementKind.REPLIED);
        d.receipt(email, ReceiptStatus.DRAFTED);

        assertThat(d.task(email.getTaskId()).status()).isEqualTo(TaskStatus.DRAFTED);
        assertThat(d.task(stepTask("lead-1", WELCOME, 1, 2))).isNull();
        assertThat(d.enrollment("lead-1", WELCOME).status()).isEqualTo(EnrollmentStatus.STOPPED);
        d.advance(Duration.ofDays(5));
        assertThat(d.emittedAll()).isEmpty();
    }

    @Test
    void aDisabledSequenceSchedulesNoNewStepAfterTheEmittedOneFinishes() {
        DueTask email = enrollAndFireFirstEmail();
        defineWelcome(false);
        d.receipt(email, ReceiptStatus.SENT);

        assertThat(d.task(email.getTaskId()).status()).isEqualTo(TaskStatus.SENT);
        assertThat(d.task(stepTask("lead-1", WELCOME, 1, 2))).isNull();
        Enrollment stopped = d.enrollment("lead-1", WELCOME);
        assertThat(stopped.status()).isEqualTo(EnrollmentStatus.STOPPED);
        assertThat(stopped.statusDetail()).isEqualTo("sequence disabled");
        d.advance(Duration.ofDays(5));
        assertThat(d.emittedAll()).isEmpty();

        d.enroll("enroll-2", "lead-1", WELCOME, null);
        assertThat(d.enrollment("lead-1", WELCOME).number()).as("no enrollment in a disabled sequence").isEqualTo(1);
    }

    @Test
    void aStepScheduledBeforeItsSequenceWasDeletedIsCanceledInsteadOfEmitted() {
        defineWelcome(true);
        d.enroll("enroll-1", "lead-1", WELCOME, null);
        d.advance(Duration.ofMinutes(10));
        d.deleteSequence(WELCOME);
        d.advance(Duration.ofHours(1));

        assertThat(d.emittedAll()).isEmpty();
        assertThat(d.task(stepTask("lead-1", WELCOME, 1, 0)).status()).isEqualTo(TaskStatus.CANCELED);
        assertThat(d.task(stepTask("lead-1", WELCOME, 1, 0)).statusDetail()).isEqualTo("sequence deleted");
        assertThat(d.enrollment("lead-1", WELCOME).status()).isEqualTo(EnrollmentStatus.STOPPED);
        assertThat(d.dueIndexSize()).isZero();
    }

    @Test
    void reEnrollingAnActiveEnrollmentIsANoOp() {
        defineWelcome(true);
        d.enroll("enroll-1", "lead-1", WELCOME, null);
        d.advance(Duration.ofMinutes(10));
        d.enroll("enroll-2", "lead-1", WELCOME, null);
        d.enroll("enroll-1", "lead-1", WELCOME, null);

        Enrollment enrollment = d.enrollment("lead-1", WELCOME);
        assertThat(enrollment.number()).isEqualTo(1);
        assertThat(enrollment.commandId()).isEqualTo("enroll-1");
        d.advance(Duration.ofHours(1));
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getDueAt)
                .containsExactly(START.plus(Duration.ofMinutes(30)));
    }

    @Test
    void aLeadCanBeInSeveralSequencesAtOnce() {
        defineWelcome(true);
        d.sequence("nurture", true, step(StepType.CALL, "45m"));
        d.enroll("enroll-1", "lead-1", WELCOME, null);
        d.enroll("enroll-2", "lead-1", "nurture", null);
        d.advance(Duration.ofHours(1));

        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getSequenceId).containsExactly(WELCOME);
        assertThat(d.emitted(Channel.CALL)).extracting(DueTask::getSequenceId).containsExactly("nurture");
    }

    @Test
    void reEnrollingAfterTheEnrollmentEndedStartsEnrollmentTwoWithNewTaskIds() {
        d.sequence("one-shot", true, step(StepType.EMAIL, "0m"));
        d.enroll("enroll-1", "lead-1", "one-shot", null);
        d.advance(Duration.ofMillis(100));
        DueTask first = d.emitted(Channel.EMAIL).get(0);
        d.receipt(first, ReceiptStatus.SENT);
        assertThat(d.enrollment("lead-1", "one-shot").status()).isEqualTo(EnrollmentStatus.COMPLETED);

        d.enroll("enroll-1", "lead-1", "one-shot", null);
        d.advance(Duration.ofMinutes(1));
        assertThat(d.emittedAll()).as("the first command replayed").isEmpty();

        d.enroll("enroll-2", "lead-1", "one-shot", null);
        d.advance(Duration.ofMillis(100));
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getTaskId)
                .containsExactly(stepTask("lead-1", "one-shot", 2, 0));
        assertThat(d.enrollment("lead-1", "one-shot").number()).isEqualTo(2);
    }

    @Test
    void aFailedStepFailsTheEnrollmentAndARetryOfTheStepDoesNotResumeIt() {
        DueTask email = enrollAndFireFirstEmail();
        d.receipt(email, ReceiptStatus.FAILED);

        assertThat(d.task(email.getTaskId()).status()).isEqualTo(TaskStatus.FAILED);
        Enrollment failed = d.enrollment("lead-1", WELCOME);
        assertThat(failed.status()).isEqualTo(EnrollmentStatus.FAILED);
        assertThat(failed.statusDetail()).isEqualTo("step 0 FAILED: webhook answered 400");
        assertThat(failed.taskId()).isEqualTo(email.getTaskId());

        d.retryTask("retry-1", "lead-1", email.getTaskId(), null);
        d.advance(Duration.ofMillis(100));
        DueTask retried = d.emitted(Channel.EMAIL).get(0);
        d.receipt(retried, ReceiptStatus.SENT);
        d.advance(Duration.ofDays(5));
        assertThat(d.emittedAll()).isEmpty();
        assertThat(d.enrollment("lead-1", WELCOME).status()).isEqualTo(EnrollmentStatus.FAILED);
    }

    @Test
    void optingOutEndsEveryEnrollmentAndTaskOfTheLead() {
        defineWelcome(true);
        d.sequence("nurture", true, step(StepType.CALL, "45m"));
        d.scored("lead-1", START, 0.9);
        d.enroll("enroll-1", "lead-1", WELCOME, null);
        d.enroll("enroll-2", "lead-1", "nurture", null);
        d.engaged("lead-1", START.plus(Duration.ofMinutes(1)), EngagementKind.OPTED_OUT);

        assertThat(d.enrollment("lead-1", WELCOME).status()).isEqualTo(EnrollmentStatus.STOPPED);
        assertThat(d.enrollment("lead-1", "nurture").statusDetail()).isEqualTo("lead opted out");
        d.advance(Duration.ofDays(3));
        assertThat(d.emittedAll()).isEmpty();

        d.enroll("enroll-3", "lead-1", WELCOME, null);
        Enrollment refused = d.enrollment("lead-1", WELCOME);
        assertThat(refused.number()).isEqualTo(2);
        assertThat(refused.status()).isEqualTo(EnrollmentStatus.STOPPED);
        assertThat(refused.statusDetail()).isEqualTo("step 0: EMAIL is blocked for the lead");
        d.advance(Duration.ofDays(3));
        assertThat(d.emittedAll()).isEmpty();
    }

    @Test
    void erasureAndCancelFollowUpsEndEnrollments() {
        defineWelcome(true);
        d.enroll("enroll-1", "lead-1", WELCOME, null);
        d.enroll("enroll-2", "lead-2", WELCOME, null);
        d.erased("lead-1", START.plus(Duration.ofMinutes(1)));
        d.cancelFollowUps("lead-2");

        assertThat(d.enrollment("lead-1", WELCOME).statusDetail()).isEqualTo("lead erased");
        assertThat(d.enrollment("lead-2", WELCOME).status()).isEqualTo(EnrollmentStatus.STOPPED);
        assertThat(d.enrollment("lead-2", WELCOME).statusDetail()).startsWith("follow-ups canceled by command");
        d.advance(Duration.ofDays(3));
        assertThat(d.emittedAll()).isEmpty();
    }

    @Test
    void aBouncedEmailStepStopsOnlyThatSequence() {
        defineWelcome(true);
        d.sequence("nurture", true, step(StepType.CALL, "45m"));
        d.enroll("enroll-1", "lead-1", WELCOME, null);
        d.enroll("enroll-2", "lead-1", "nurture", null);
        d.engaged("lead-1", START.plus(Duration.ofMinutes(1)), EngagementKind.BOUNCED);

        assertThat(d.enrollment("lead-1", WELCOME).status()).isEqualTo(EnrollmentStatus.STOPPED);
        assertThat(d.enrollment("lead-1", WELCOME).statusDetail()).isEqualTo("lead email bounced");
        assertThat(d.enrollment("lead-1", "nurture").status()).isEqualTo(EnrollmentStatus.ACTIVE);
        d.advance(Duration.ofHours(1));
        assertThat(d.emittedAll()).extracting(DueTask::getChannel).containsExactly(Channel.CALL);
    }

    @Test
    void enrollingInAnUnknownSequenceIsDeadLetteredNamingIt() {
        d.enroll("enroll-1", "lead-1", "nope", null);
        assertThat(d.deadLetters(Topics.COMMANDS)).singleElement().satisfies(r ->
                assertThat(SchedulerDriver.headers(r).get("followup.error"))
                        .isEqualTo("sequenceId 'nope' is not a sequence of tenant 'acme' (never defined, or deleted)"));
        assertThat(d.enrollment("lead-1", "nope")).isNull();
    }

    @Test
    void aDefinitionWhoseKeyIsNotItsTenantAndIdIsIgnored() {
        d.sequenceRecord("acme:welcome", SequenceDefinition.newBuilder().setTenantId("globex").setSequenceId("welcome")
                .setName("Not acme's").setSteps(List.of(step(StepType.EMAIL, "0m"))).build());
        d.enroll("enroll-1", "lead-1", WELCOME, null);
        assertThat(d.deadLetters(Topics.COMMANDS)).hasSize(1);
        assertThat(d.enrollment("lead-1", WELCOME)).isNull();
    }

    @Test
    void aSequenceWithAnInvalidDelayIsRefusedAtEnrollmentNamingTheStep() {
        d.sequence("broken", true, step(StepType.EMAIL, "0m"), step(StepType.WAIT, "2x"));
        d.enroll("enroll-1", "lead-1", "broken", null);
        assertThat(d.deadLetters(Topics.COMMANDS)).singleElement().satisfies(r ->
                assertThat(SchedulerDriver.headers(r).get("followup.error"))
                        .startsWith("sequence acme:broken steps[1].delay '2x' is not a duration"));
        d.advance(Duration.ofHours(1));
        assertThat(d.emittedAll()).isEmpty();
    }
}
