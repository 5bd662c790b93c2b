package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.repeating;
import static dev.followup.scheduler.topology.SchedulerDriver.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.StepRepeat;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import dev.followup.scheduler.policy.Enrollment;
import dev.followup.scheduler.policy.EnrollmentStatus;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Recurring steps under the real topology: campaign-style daily runs, cron steps, local time across DST changes,
 * stop rules. Each occurrence is a task; the next one is scheduled when the previous one is emitted.
 */
class RecurringRulesTest {

    private static final ZoneId DUBAI = ZoneId.of("Asia/Dubai");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private final SchedulerDriver d = new SchedulerDriver();

    @AfterEach
    void close() {
        d.close();
    }

    /** Any day, any hour, in {@code timezone}: only the schedule decides. */
    private void anyDayAnyHour(String timezone) {
        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setTimezone(timezone)
                .setWorkingDays(List.of(Weekday.values())).setSendWindow(null).build());
    }

    private static StepRepeat.Builder repeat() {
        return StepRepeat.newBuilder();
    }

    /**
     * Advances the wall clock to {@code end}, stopping at the due time of every pending task on the way (so each fires
     * exactly at its due time), and collects every task emitted.
     */
    private List<DueTask> runUntil(Instant end) {
        List<DueTask> out = new ArrayList<>();
        while (d.now().isBefore(end)) {
            Instant next = d.nextDueAt();
            d.advanceTo(next == null || next.isAfter(end) ? end : next.isAfter(d.now()) ? next : d.now().plusMillis(100));
            out.addAll(d.emittedAll());
        }
        return out;
    }

    private static List<LocalDateTime> localDue(List<DueTask> tasks, ZoneId zone) {
        return tasks.stream().map(t -> LocalDateTime.ofInstant(t.getDueAt(), zone)).toList();
    }

    private static LocalDateTime at(String localDateTime) {
        return LocalDateTime.parse(localDateTime);
    }

    @Test
    void everyWorkingDayFor5DaysStartingOnAThursdayInDubaiFiresThuFriMonTueWedAtTheWindowStart() {
        // the tenant's defaults: Mon-Fri, 09:00-18:00; its zone Dubai (the lead has none)
        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setTimezone("Asia/Dubai").build());
        d.sequence("checkin", true, repeating(StepType.EMAIL, "0m",
                repeat().setEvery("1d").setTimes(5).setWorkingDaysOnly(true).setInSendWindow(true).build()));
        d.advanceTo(LocalDateTime.parse("2026-03-05T06:00").atZone(DUBAI).toInstant()); // Thursday, before the window
        d.enroll("enroll-1", "lead-1", "checkin", null);

        Enrollment enrolled = d.enrollment("lead-1", "checkin");
        assertThat(enrolled.occurrence().number()).isEqualTo(1);
        assertThat(enrolled.occurrence().key()).isEqualTo("2026-03-05T06:00");
        assertThat(enrolled.remaining()).isEqualTo(5);

        List<DueTask> fired = runUntil(LocalDateTime.parse("2026-03-20T00:00").atZone(DUBAI).toInstant());
        assertThat(localDue(fired, DUBAI)).containsExactly(at("2026-03-05T09:00"), at("2026-03-06T09:00"),
                at("2026-03-09T09:00"), at("2026-03-10T09:00"), at("2026-03-11T09:00"));
        assertThat(fired).allSatisfy(t -> assertThat(t.getEmittedAt()).isEqualTo(t.getDueAt()));
        assertThat(fired).extracting(t -> t.getContext().get("occurrence")).containsExactly("2026-03-05T06:00",
                "2026-03-06T06:00", "2026-03-09T06:00", "2026-03-10T06:00", "2026-03-11T06:00");
        assertThat(fired).extracting(DueTask::getTaskId).doesNotHaveDuplicates();

        Enrollment afterLast = d.enrollment("lead-1", "checkin");
        assertThat(afterLast.status()).isEqualTo(EnrollmentStatus.ACTIVE);
        assertThat(afterLast.occurrence().number()).isEqualTo(5);
        assertThat(afterLast.remaining()).isZero();
        d.receipt(fired.get(4), ReceiptStatus.DRAFTED);
        assertThat(d.enrollment("lead-1", "checkin").status()).isEqualTo(EnrollmentStatus.COMPLETED);
    }

    @Test
    void aDaily0900NewYorkScheduleFiresExactlyOncePerLocalDayAt0900AcrossTheMarchAndNovemberDstChanges() {
        anyDayAnyHour("UTC");
        d.sequence("daily", true, repeating(StepType.SMS, "0m", repeat().setEvery("1d").setTimes(8).build()));
        d.capturedIn("lead-march", "America/New_York");

        // March: clocks go forward on Sunday 2026-03-08 (02:00 EST -> 03:00 EDT)
        d.enroll("enroll-march", "lead-march", "daily", LocalDateTime.parse("2026-03-05T09:00").atZone(NEW_YORK)
                .toInstant());
        List<DueTask> march = runUntil(Instant.parse("2026-03-14T00:00:00Z"));
        assertThat(localDue(march, NEW_YORK)).containsExactly(at("2026-03-05T09:00"), at("2026-03-06T09:00"),
                at("2026-03-07T09:00"), at("2026-03-08T09:00"), at("2026-03-09T09:00"), at("2026-03-10T09:00"),
                at("2026-03-11T09:00"), at("2026-03-12T09:00"));
        assertThat(march.get(2).getDueAt()).isEqualTo(Instant.parse("2026-03-07T14:00:00Z"));
        assertThat(march.get(3).getDueAt()).isEqualTo(Instant.parse("2026-03-08T13:00:00Z"));

        // November: clocks go back on Sunday 2026-11-01 (02:00 EDT -> 01:00 EST)
        d.advanceTo(Instant.parse("2026-10-29T00:00:00Z"));
        d.capturedIn("lead-november", "America/New_York"); // captured now: an idle lead's profile goes after 180 days
        d.enroll("enroll-november", "lead-november", "daily", LocalDateTime.parse("2026-10-29T09:00")
                .atZone(NEW_YORK).toInstant());
        List<DueTask> november = runUntil(Instant.parse("2026-11-07T00:00:00Z"));
        Map<LocalDate, Long> perDay = november.stream().collect(Collectors.groupingBy(
                t -> LocalDate.ofInstant(t.getDueAt(), NEW_YORK), Collectors.counting()));
        assertThat(perDay).hasSize(8).allSatisfy((day, n) -> assertThat(n).as(day.toString()).isEqualTo(1));
        assertThat(localDue(november, NEW_YORK)).allSatisfy(t -> assertThat(t.toLocalTime()).hasToString("09:00"));
        assertThat(november.get(2).getDueAt()).isEqualTo(Instant.parse("2026-10-31T13:00:00Z"));
        assertThat(november.get(3).getDueAt()).isEqualTo(Instant.parse("2026-11-01T14:00:00Z"));
        assertThat(november).allSatisfy(t -> assertThat(t.getEmittedAt()).isEqualTo(t.getDueAt()));
    }

    @Test
    void a0230DailyScheduleFiresOnceAt0300OnTheSpringForwardDayAndOnceOnTheFallBackDay() {
        // Berlin: 02:00 -> 03:00 on 2026-03-29 (02:30 does not exist); 03:00 -> 02:00 on 2026-10-25 (02:30 twice)
        anyDayAnyHour("UTC");
        d.sequence("nightly", true, repeating(StepType.EMAIL, "0m",
                repeat().setCron("0 30 2 * * *").setTimes(4).build()));
        d.capturedIn("lead-spring", "Europe/Berlin");

        d.advanceTo(Instant.parse("2026-03-27T12:00:00Z"));
        d.enroll("enroll-spring", "lead-spring", "nightly", null);
        List<DueTask> spring = runUntil(Instant.parse("2026-04-02T00:00:00Z"));
        assertThat(spring).extracting(DueTask::getDueAt).containsExactly(
                Instant.parse("2026-03-28T01:30:00Z"),  // 02:30 CET
                Instant.parse("2026-03-29T01:00:00Z"),  // 03:00 CEST, when the clock jumps
                Instant.parse("2026-03-30T00:30:00Z"),  // 02:30 CEST
                Instant.parse("2026-03-31T00:30:00Z"));
        assertThat(LocalDateTime.ofInstant(spring.get(1).getDueAt(), BERLIN)).isEqualTo(at("2026-03-29T03:00"));
        assertThat(spring.get(1).getContext()).containsEntry("occurrence", "2026-03-29T02:30");

        d.advanceTo(Instant.parse("2026-10-23T12:00:00Z"));
        d.capturedIn("lead-autumn", "Europe/Berlin"); // captured now: an idle lead's profile goes after 180 days
        d.enroll("enroll-autumn", "lead-autumn", "nightly", null);
        List<DueTask> autumn = runUntil(Instant.parse("2026-10-29T00:00:00Z"));
        assertThat(autumn).extracting(DueTask::getDueAt).containsExactly(
                Instant.parse("2026-10-24T00:30:00Z"),  // 02:30 CEST
                Instant.parse("2026-10-25T00:30:00Z"),  // the first 02:30 (CEST); not again at 02:30 CET
                Instant.parse("2026-10-26T01:30:00Z"),  // 02:30 CET
                Instant.parse("2026-10-27T01:30:00Z"));
        assertThat(autumn).allSatisfy(t -> assertThat(t.getEmittedAt()).isEqualTo(t.getDueAt()));
    }

    @Test
    void cronWeekdaysAt0900WithTimes3RunsMonTueWedThenTheSequenceGoesOnFromTheLastReceipt() {
        anyDayAnyHour("UTC");
        d.sequence("standup", true,
                repeating(StepType.CALL, "0m", repeat().setCron("0 0 9 * * MON-FRI").setTimes(3).build()),
                step(StepType.SMS, "1h"));
        d.advanceTo(Instant.parse("2026-03-06T10:00:00Z")); // Friday, after 09:00
        d.enroll("enroll-1", "lead-1", "standup", null);
        assertThat(d.enrollment("lead-1", "standup").remaining()).isEqualTo(3);

        List<DueTask> calls = runUntil(Instant.parse("2026-03-10T12:00:00Z"));
        assertThat(calls).extracting(DueTask::getDueAt).containsExactly(Instant.parse("2026-03-09T09:00:00Z"),
                Instant.parse("2026-03-10T09:00:00Z"));
        Enrollment second = d.enrollment("lead-1", "standup");
        assertThat(second.occurrence().number()).isEqualTo(3);
        assertThat(second.remaining()).isEqualTo(1);
        assertThat(d.task(second.taskId()).dueAt()).isEqualTo(Instant.parse("2026-03-11T09:00:00Z"));

        d.receipt(calls.get(0), ReceiptStatus.DRAFTED);
        d.receipt(calls.get(1), ReceiptStatus.FAILED);
        assertThat(d.enrollment("lead-1", "standup").status()).as("receipts of earlier occurrences only record")
                .isEqualTo(EnrollmentStatus.ACTIVE);

        List<DueTask> rest = runUntil(Instant.parse("2026-03-14T00:00:00Z"));
        assertThat(rest).extracting(DueTask::getDueAt).containsExactly(Instant.parse("2026-03-11T09:00:00Z"));
        assertThat(d.enrollment("lead-1", "standup").remaining()).isZero();

        d.receipt(rest.get(0), ReceiptStatus.DRAFTED);
        Instant smsDue = d.now().plus(Duration.ofHours(1));
        assertThat(d.task(TaskIds.sequenceStep("acme", "lead-1", "standup", 1, 1)).dueAt()).isEqualTo(smsDue);
        d.advanceTo(smsDue);
        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getDueAt).containsExactly(smsDue);
    }

    @Test
    void aReplyCancelsThePendingOccurrenceAndStopsTheSchedule() {
        anyDayAnyHour("UTC");
        d.sequence("daily", true, repeating(StepType.EMAIL, "0m", repeat().setEvery("1d").build()));
        d.enroll("enroll-1", "lead-1", "daily", null);
        List<DueTask> fired = runUntil(d.now().plus(Duration.ofDays(2)));
        assertThat(fired).hasSize(3);
        Enrollment running = d.enrollment("lead-1", "daily");
        assertThat(running.remaining()).as("no times, no until: unbounded").isNull();

        d.engaged("lead-1", d.now(), EngagementKind.REPLIED);
        assertThat(d.task(running.taskId()).status()).isEqualTo(TaskStatus.CANCELED);
        assertThat(d.enrollment("lead-1", "daily").status()).isEqualTo(EnrollmentStatus.STOPPED);
        assertThat(runUntil(d.now().plus(Duration.ofDays(5)))).isEmpty();
    }

    @Test
    void cancelFollowUpsStopsARecurringSchedule() {
        anyDayAnyHour("UTC");
        d.sequence("hourly", true, repeating(StepType.SMS, "0m", repeat().setEvery("1h").setTimes(10).build()));
        d.enroll("enroll-1", "lead-1", "hourly", null);
        assertThat(runUntil(d.now().plus(Duration.ofMinutes(90)))).hasSize(2);

        d.cancelFollowUps("lead-1");
        assertThat(d.enrollment("lead-1", "hourly").status()).isEqualTo(EnrollmentStatus.STOPPED);
        assertThat(runUntil(d.now().plus(Duration.ofDays(1)))).isEmpty();
        assertThat(d.dueIndexSize()).isZero();
    }

    @Test
    void disablingTheSequenceCancelsTheNextOccurrenceWhenItComesDue() {
        anyDayAnyHour("UTC");
        StepRepeat daily = repeat().setEvery("1d").setTimes(5).build();
        d.sequence("daily", true, repeating(StepType.EMAIL, "0m", daily));
        d.enroll("enroll-1", "lead-1", "daily", null);
        assertThat(runUntil(d.now().plus(Duration.ofHours(1)))).hasSize(1);

        d.sequence("daily", false, repeating(StepType.EMAIL, "0m", daily));
        assertThat(runUntil(d.now().plus(Duration.ofDays(6)))).isEmpty();
        Enrollment stopped = d.enrollment("lead-1", "daily");
        assertThat(stopped.status()).isEqualTo(EnrollmentStatus.STOPPED);
        assertThat(stopped.statusDetail()).isEqualTo("sequence disabled");
    }

    @Test
    void anEditedScheduleAppliesFromTheOccurrenceAfterThePendingOne() {
        anyDayAnyHour("UTC");
        d.sequence("daily", true, repeating(StepType.EMAIL, "0m", repeat().setEvery("1d").setTimes(4).build()));
        Instant start = d.now();
        d.enroll("enroll-1", "lead-1", "daily", null);
        assertThat(runUntil(start.plus(Duration.ofHours(1)))).hasSize(1);

        d.sequence("daily", true, repeating(StepType.EMAIL, "0m", repeat().setEvery("2d").setTimes(3).build()));
        List<DueTask> fired = runUntil(start.plus(Duration.ofDays(10)));
        assertThat(fired).extracting(DueTask::getDueAt).as("the pending day-1 run, then every 2 days, 3 in all")
                .containsExactly(start.plus(Duration.ofDays(1)), start.plus(Duration.ofDays(3)));
    }

    @Test
    void aReplayedEnrollmentOrReceiptNeverRunsAnOccurrenceTwice() {
        anyDayAnyHour("UTC");
        d.sequence("daily", true, repeating(StepType.EMAIL, "0m", repeat().setEvery("1d").setTimes(3).build()));
        Instant issuedAt = d.now();
        d.enroll("enroll-1", "lead-1", "daily", null);
        List<DueTask> fired = new ArrayList<>(runUntil(issuedAt.plus(Duration.ofHours(1))));
        d.command("enroll-1", "lead-1", issuedAt, dev.followup.events.v1.EnrollInSequence.newBuilder()
                .setSequenceId("daily").build());
        d.receipt(fired.get(0), ReceiptStatus.DRAFTED);
        d.receipt(fired.get(0), ReceiptStatus.DRAFTED);
        fired.addAll(runUntil(issuedAt.plus(Duration.ofDays(5))));

        Map<String, Long> perTask = fired.stream().collect(Collectors.groupingBy(DueTask::getTaskId,
                Collectors.counting()));
        assertThat(perTask).hasSize(3).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(fired).extracting(DueTask::getTaskId).allMatch(id -> id.startsWith("rc-"));
        assertThat(fired).extracting(DueTask::getDueAt).containsExactly(issuedAt, issuedAt.plus(Duration.ofDays(1)),
                issuedAt.plus(Duration.ofDays(2)));
        assertThat(fired.stream().map(t -> t.getContext().get("occurrenceNumber")).toList())
                .containsExactly("1", "2", "3");
        assertThat(d.enrollment("lead-1", "daily").number()).isEqualTo(1);
    }

    @Test
    void anInvalidCronGoesToTheDeadLetterTopicNamingTheFieldAndValue() {
        anyDayAnyHour("UTC");
        d.sequence("broken", true, repeating(StepType.EMAIL, "0m", repeat().setCron("0 0 25 * * *").build()));
        d.enroll("enroll-1", "lead-1", "broken", null);
        var dlq = d.deadLetters(dev.followup.events.Topics.COMMANDS);
        assertThat(dlq).hasSize(1);
        assertThat(SchedulerDriver.headers(dlq.get(0)).get("followup.error"))
                .contains("sequence acme:broken steps[0].repeat.cron '0 0 25 * * *'");
        assertThat(d.enrollment("lead-1", "broken")).isNull();
    }
}
