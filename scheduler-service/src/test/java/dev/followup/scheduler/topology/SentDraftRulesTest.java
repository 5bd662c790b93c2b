package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static dev.followup.scheduler.topology.SchedulerDriver.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.EnrollmentStatus;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A DRAFTED task that a person sent: the mailbox watcher's second terminal receipt, SENT. */
class SentDraftRulesTest {

    private static final Duration TASKS = Duration.ofDays(30);

    private final SchedulerDriver d = new SchedulerDriver(SchedulerSettings.defaults().withRetention(
            new RetentionSettings(TASKS, Duration.ofDays(30), Duration.ofDays(180), Duration.ofSeconds(1), 500)));

    @AfterEach
    void close() {
        d.close();
    }

    private DueTask draftedEmail(String commandId, String leadId) {
        d.scheduleTask(commandId, leadId, Channel.EMAIL, d.now().plus(Duration.ofMinutes(1)));
        d.advance(Duration.ofMinutes(1));
        DueTask email = d.emitted(Channel.EMAIL).get(0);
        d.receipt(email, ReceiptStatus.DRAFTED);
        return email;
    }

    private List<JourneyEntry> sentEntries(String leadId) {
        return d.journey(leadId).stream().filter(e -> e.what().equals("sent by a person")).toList();
    }

    @Test
    void aSentDraftMakesTheTaskSentAndTheJourneySaysSentByAPersonOnce() {
        DueTask email = draftedEmail("cmd-1", "lead-1");
        Instant sentAt = d.now().plus(Duration.ofMinutes(20));
        d.advanceTo(sentAt);
        d.sentByPerson(email, sentAt);

        ScheduledTask task = d.task(email.getTaskId());
        assertThat(task.status()).isEqualTo(TaskStatus.SENT);
        assertThat(task.statusDetail()).isEqualTo("sent by a person");
        assertThat(task.statusAt()).isEqualTo(sentAt);
        assertThat(d.journey("lead-1")).filteredOn(e -> e.type().equals("receipt"))
                .extracting(JourneyEntry::what).containsExactly("DRAFTED", "sent by a person");
        assertThat(sentEntries("lead-1")).singleElement().satisfies(e -> {
            assertThat(e.status()).isEqualTo("SENT");
            assertThat(e.provider()).isEqualTo("maildir");
            assertThat(e.at()).isEqualTo(sentAt);
        });

        d.advance(Duration.ofMinutes(5));
        d.sentByPerson(email, sentAt); // replayed
        d.sentByPerson(email, sentAt.plusSeconds(30)); // seen again with another date
        d.receipt(email, ReceiptStatus.DRAFTED); // a late duplicate of the draft's receipt
        assertThat(sentEntries("lead-1")).hasSize(1);
        assertThat(d.journey("lead-1")).filteredOn(e -> e.type().equals("receipt")).hasSize(2);
        assertThat(d.task(email.getTaskId())).isEqualTo(task);
    }

    @Test
    void aSentDraftOfASequenceStepChainsNothingMore() {
        d.sequence("welcome", true, step(StepType.EMAIL, "0m"), step(StepType.SMS, "1h"));
        d.enroll("enroll-1", "lead-1", "welcome", null);
        d.advance(Duration.ofMillis(100));
        DueTask email = d.emitted(Channel.EMAIL).get(0);
        d.receipt(email, ReceiptStatus.DRAFTED);
        String sms = TaskIds.sequenceStep("acme", "lead-1", "welcome", 1, 1);
        assertThat(d.task(sms).status()).isEqualTo(TaskStatus.PENDING);
        var enrollment = d.enrollment("lead-1", "welcome");

        d.sentByPerson(email, d.now().plus(Duration.ofMinutes(5)));
        assertThat(d.task(email.getTaskId()).status()).isEqualTo(TaskStatus.SENT);
        assertThat(d.enrollment("lead-1", "welcome")).isEqualTo(enrollment);
        d.advance(Duration.ofHours(1));
        d.receipt(d.emitted(Channel.SMS).get(0), ReceiptStatus.DRAFTED);
        assertThat(d.enrollment("lead-1", "welcome").status()).isEqualTo(EnrollmentStatus.COMPLETED);
    }

    @Test
    void aSentDraftIsOneSuccessWithItsDraftAndEndsNoLaterFailureStreak() {
        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setFailureAlertThreshold(3).build());
        for (int i = 0; i < 4; i++) {
            d.scheduleTask("cmd-" + i, "lead-" + i, Channel.EMAIL, START.plus(Duration.ofMinutes(1)));
        }
        d.advance(Duration.ofMinutes(1));
        List<DueTask> emails = d.emitted(Channel.EMAIL);
        d.receipt(emails.get(0), ReceiptStatus.DRAFTED);
        d.receipt(emails.get(1), ReceiptStatus.FAILED);
        d.receipt(emails.get(2), ReceiptStatus.FAILED);
        d.sentByPerson(emails.get(0), d.now()); // a person sent an old draft: says nothing about the executor now
        assertThat(d.alerts()).isEmpty();
        d.receipt(emails.get(3), ReceiptStatus.FAILED);
        assertThat(d.alerts()).as("three failures in a row, the SENT in between notwithstanding").hasSize(1);
    }

    @Test
    void retentionCountsFromTheSentReceipt() {
        DueTask email = draftedEmail("cmd-1", "lead-1");
        Instant draftedAt = d.now();
        d.advance(Duration.ofDays(10));
        d.sentByPerson(email, d.now());

        d.advanceTo(draftedAt.plus(TASKS).plus(Duration.ofHours(1)));
        assertThat(d.task(email.getTaskId())).as("30 days after the draft, 20 after the sending: kept").isNotNull();
        d.advance(Duration.ofDays(10));
        assertThat(d.task(email.getTaskId())).as("30 days after the sending: purged").isNull();
    }
}
