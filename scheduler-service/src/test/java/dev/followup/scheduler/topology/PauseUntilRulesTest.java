package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static dev.followup.scheduler.topology.SchedulerDriver.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.PauseFollowUps;
import dev.followup.events.v1.SendWindow;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code PauseFollowUps{until}}: the out-of-office pause of the mailbox loop releases itself at {@code until}. */
class PauseUntilRulesTest {

    private static final String MANUAL = TaskIds.manual("acme", "cmd-1");
    private static final Instant UNTIL = START.plus(Duration.ofHours(3));

    private final SchedulerDriver d = new SchedulerDriver();

    @AfterEach
    void close() {
        d.close();
    }

    @Test
    void heldTasksAreReleasedAtUntilByThemselvesAndTheOverdueOnesFireThen() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(10)));
        d.scheduleTask("cmd-2", "lead-1", Channel.SMS, START.plus(Duration.ofHours(5)));
        d.pauseUntil("lead-1", UNTIL, "out_of_office");
        assertThat(d.task(MANUAL).status()).isEqualTo(TaskStatus.HELD);
        assertThat(d.task(MANUAL).statusDetail()).as("the task view shows when it is released")
                .isEqualTo("out of office until " + UNTIL);

        d.advanceTo(UNTIL.minusMillis(1));
        assertThat(d.emittedAll()).as("nothing fires while the pause lasts").isEmpty();
        assertThat(d.task(MANUAL).status()).isEqualTo(TaskStatus.HELD);

        d.advance(Duration.ofMillis(100));
        assertThat(d.profile("lead-1").paused()).isFalse();
        assertThat(d.emitted(Channel.SMS)).as("the overdue one, once, at the release")
                .extracting(DueTask::getTaskId).containsExactly(MANUAL);
        assertThat(d.task(TaskIds.manual("acme", "cmd-2")).status()).as("the later one waits for its time")
                .isEqualTo(TaskStatus.PENDING);
        d.advance(Duration.ofHours(1));
        assertThat(d.emitted(Channel.SMS)).as("no second release").isEmpty();
        d.advanceTo(START.plus(Duration.ofHours(5)));
        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getDueAt)
                .containsExactly(START.plus(Duration.ofHours(5)));
    }

    @Test
    void theJourneySaysOutOfOfficeUntilAndResumedAtTheEnd() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(10)));
        d.pauseUntil("lead-1", UNTIL, "out_of_office");
        d.pauseUntil("lead-2", UNTIL, "vacation");
        d.advanceTo(UNTIL.plus(Duration.ofSeconds(1)));

        assertThat(d.journey("lead-1")).extracting(JourneyEntry::what).containsSubsequence(
                "out of office until " + UNTIL, "held", "resumed", "released");
        JourneyEntry resumed = d.journey("lead-1").stream().filter(e -> e.what().equals("resumed")).findFirst()
                .orElseThrow();
        assertThat(resumed.at()).as("dated at the pause's end").isEqualTo(UNTIL);
        assertThat(d.journey("lead-2")).extracting(JourneyEntry::what)
                .containsExactly("paused until " + UNTIL, "resumed");
    }

    @Test
    void aResumeReleasesEarlyAndTheEndThenChangesNothing() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(10)));
        d.pauseUntil("lead-1", UNTIL, "out_of_office");
        d.advance(Duration.ofHours(1));
        d.resume("lead-1");
        d.advance(Duration.ofMillis(100));
        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getTaskId).containsExactly(MANUAL);

        d.pause("lead-1"); // a person's pause afterwards must not be ended by the old pause's release time
        d.scheduleTask("cmd-2", "lead-1", Channel.SMS, START.plus(Duration.ofHours(2)));
        d.advanceTo(UNTIL.plus(Duration.ofHours(1)));
        assertThat(d.emittedAll()).isEmpty();
        assertThat(d.task(TaskIds.manual("acme", "cmd-2")).status()).isEqualTo(TaskStatus.HELD);
        assertThat(d.journey("lead-1")).as("the stale release wrote nothing")
                .noneMatch(e -> e.type().equals("event") && e.what().equals("resumed"));
    }

    @Test
    void aLaterPauseWithoutUntilKeepsThemHeldIndefinitely() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(10)));
        d.pauseUntil("lead-1", UNTIL, "out_of_office");
        d.advance(Duration.ofMinutes(1));
        d.pause("lead-1");
        assertThat(d.task(MANUAL).statusDetail()).startsWith("lead paused since");

        d.advance(Duration.ofDays(2));
        assertThat(d.emittedAll()).isEmpty();
        d.resume("lead-1");
        d.advance(Duration.ofMillis(100));
        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getTaskId).containsExactly(MANUAL);
    }

    @Test
    void aSecondPauseUntilReplacesTheFirst() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(10)));
        d.pauseUntil("lead-1", UNTIL, "out_of_office");
        Instant later = UNTIL.plus(Duration.ofDays(1));
        d.advance(Duration.ofMinutes(1));
        d.pauseUntil("lead-1", later, "out_of_office");
        assertThat(d.task(MANUAL).statusDetail()).isEqualTo("out of office until " + later);

        d.advanceTo(later.minusMillis(1));
        assertThat(d.emittedAll()).as("the first end is gone").isEmpty();
        d.advance(Duration.ofMillis(100));
        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getTaskId).containsExactly(MANUAL);

        d.scheduleTask("cmd-2", "lead-2", Channel.SMS, START.plus(Duration.ofDays(3)));
        d.pauseUntil("lead-2", d.now().plus(Duration.ofDays(5)), null);
        Instant sooner = d.now().plus(Duration.ofHours(1));
        d.pauseUntil("lead-2", sooner, null);
        d.advanceTo(sooner.plusMillis(100));
        assertThat(d.profile("lead-2").paused()).as("an earlier end replaces a later one too").isFalse();
    }

    @Test
    void aPauseUntilDoesNotShortenAPersonsPause() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(10)));
        d.pause("lead-1");
        d.pauseUntil("lead-1", UNTIL, "out_of_office");
        d.advanceTo(UNTIL.plus(Duration.ofHours(1)));
        assertThat(d.emittedAll()).isEmpty();
        assertThat(d.profile("lead-1").pausedUntil()).isNull();
    }

    @Test
    void tasksCreatedWhilePausedUntilAreHeldAndReleasedAtUntil() {
        d.sequence("welcome", true, step(StepType.CALL, "20m"));
        d.pauseUntil("lead-1", UNTIL, "out_of_office");
        d.scored("lead-1", START, 0.9);
        d.enroll("enroll-1", "lead-1", "welcome", null);
        String step = TaskIds.sequenceStep("acme", "lead-1", "welcome", 1, 0);
        assertThat(d.task(step).status()).isEqualTo(TaskStatus.HELD);
        assertThat(d.task(TaskIds.leadScore("acme", "lead-1", 0)).statusDetail())
                .isEqualTo("out of office until " + UNTIL);

        d.advanceTo(UNTIL.plusMillis(100));
        assertThat(d.emittedAll()).extracting(DueTask::getDueAt).containsExactly(
                START.plus(Duration.ofMinutes(20)), START.plus(Duration.ofMinutes(30)), START.plus(Duration.ofHours(2)));
    }

    @Test
    void overdueTasksReleasedOutsideTheSendWindowWaitForIt() {
        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setSendWindow(new SendWindow("09:00", "12:30"))
                .build());
        d.scored("lead-1", START.minus(Duration.ofMinutes(10)), 0.9); // emails at 12:20 (in) and 13:50 (moved)
        Instant tuesdayNine = Instant.parse("2026-03-03T09:00:00Z");
        d.pauseUntil("lead-1", START.plus(Duration.ofHours(6)), "out_of_office"); // Monday 18:00
        d.advanceTo(START.plus(Duration.ofHours(6)).plusMillis(100));

        assertThat(d.emittedAll()).as("released at 18:00, outside the window").isEmpty();
        assertThat(d.task(TaskIds.leadScore("acme", "lead-1", 0)).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(d.task(TaskIds.leadScore("acme", "lead-1", 0)).dueAt()).isEqualTo(tuesdayNine);
        d.advanceTo(tuesdayNine.plusMillis(100));
        assertThat(d.emitted(Channel.EMAIL)).hasSize(2);
    }

    @Test
    void anEndThatIsNotAfterTheCommandIsDeadLetteredNamingIt() {
        d.command("cmd-x", "lead-1", d.now(), PauseFollowUps.newBuilder().setUntil(d.now()).build());
        assertThat(d.deadLetters("followup.commands.v1")).singleElement()
                .satisfies(r -> assertThat(SchedulerDriver.headers(r).get("followup.error"))
                        .contains("until").contains("is not after issuedAt"));
        assertThat(d.profile("lead-1")).isNull();
    }
}
