package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.LeadFollowUp;
import dev.followup.events.v1.SendWindow;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Working days and send windows, through the whole topology: planned due times, the gate at fire time. */
class SendWindowRulesTest {

    private static final List<Weekday> MON_TO_FRI = List.of(Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU,
            Weekday.FRI);

    private final SchedulerDriver d = new SchedulerDriver();

    @AfterEach
    void close() {
        d.close();
    }

    /** One email 30 minutes after a hot score, in {@code timezone}, with the given days and window. */
    private static TenantSettings.Builder tenant(String timezone, List<Weekday> days, String start, String end) {
        return TenantSettings.newBuilder().setTenantId("acme").setTimezone(timezone).setWorkingDays(days)
                .setSendWindow(new SendWindow(start, end))
                .setLeadFollowUps(List.of(new LeadFollowUp("30m", Channel.EMAIL)));
    }

    private static String followUp(String leadId) {
        return TaskIds.leadScore("acme", leadId, 0);
    }

    @Test
    void fridayAt1759InSydneyStaysAnd1801MovesToMonday0900Sydney() {
        d.tenantSettings(tenant("Australia/Sydney", MON_TO_FRI, "09:00", "18:00").build());
        // leads without a time zone of their own: the tenant's, AEDT (UTC+11)
        d.scored("lead-a", Instant.parse("2026-03-06T06:29:00Z"), 0.9); // due Friday 17:59 AEDT
        d.scored("lead-b", Instant.parse("2026-03-06T06:31:00Z"), 0.9); // due Friday 18:01 AEDT

        ScheduledTask stays = d.task(followUp("lead-a"));
        assertThat(stays.dueAt()).isEqualTo(stays.originalDueAt()).isEqualTo("2026-03-06T06:59:00Z");
        ScheduledTask moved = d.task(followUp("lead-b"));
        assertThat(moved.originalDueAt()).isEqualTo("2026-03-06T07:01:00Z");
        assertThat(moved.dueAt()).as("Monday 09:00 AEDT").isEqualTo("2026-03-08T22:00:00Z");

        d.advanceTo(Instant.parse("2026-03-06T06:59:00Z"));
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getLeadId).containsExactly("lead-a");
        d.advanceTo(Instant.parse("2026-03-08T22:00:00Z").minusMillis(1));
        assertThat(d.emittedAll()).isEmpty();
        d.advance(Duration.ofMillis(1));
        List<DueTask> monday = d.emitted(Channel.EMAIL);
        assertThat(monday).extracting(DueTask::getLeadId).containsExactly("lead-b");
        assertThat(monday.get(0).getDueAt()).isEqualTo("2026-03-08T22:00:00Z");
    }

    @Test
    void aWindowAcrossMidnightKeeps2300And0559AndMovesNoonTo2200() {
        d.tenantSettings(tenant("UTC", List.of(Weekday.values()), "22:00", "06:00").build());
        d.scored("lead-late", Instant.parse("2026-03-03T22:30:00Z"), 0.9);
        d.scored("lead-noon", Instant.parse("2026-03-03T11:30:00Z"), 0.9);
        d.scored("lead-early", Instant.parse("2026-03-04T05:29:00Z"), 0.9);

        assertThat(d.task(followUp("lead-late")).dueAt()).isEqualTo("2026-03-03T23:00:00Z");
        assertThat(d.task(followUp("lead-noon")).dueAt()).isEqualTo("2026-03-03T22:00:00Z");
        assertThat(d.task(followUp("lead-early")).dueAt()).isEqualTo("2026-03-04T05:59:00Z");

        d.advanceTo(Instant.parse("2026-03-03T22:00:00Z"));
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getLeadId).containsExactly("lead-noon");
    }

    @Test
    void aBookingCallIsExemptByDefaultTheMeetingTimeWins() {
        // the default window is Mon-Fri 09:00-18:00 UTC; the meeting is on Tuesday at 20:00 UTC
        d.bookingScheduled("lead-1", "bk-1", "2026-03-03T20:00", "UTC");
        assertThat(d.task(TaskIds.booking("acme", "lead-1", "bk-1", 0)).dueAt()).isEqualTo("2026-03-03T20:00:00Z");

        d.advanceTo(Instant.parse("2026-03-03T20:00:00Z"));
        assertThat(d.emitted(Channel.CALL)).extracting(DueTask::getDueAt).containsExactly(Instant.parse("2026-03-03T20:00:00Z"));
    }

    @Test
    void aBookingCallFollowsTheWindowWhenTheTenantSaysSo() {
        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setSendWindowAppliesToBookings(true).build());
        d.bookingScheduled("lead-1", "bk-1", "2026-03-03T20:00", "UTC");
        ScheduledTask call = d.task(TaskIds.booking("acme", "lead-1", "bk-1", 0));
        assertThat(call.originalDueAt()).isEqualTo("2026-03-03T20:00:00Z");
        assertThat(call.dueAt()).as("Wednesday 09:00").isEqualTo("2026-03-04T09:00:00Z");

        d.advanceTo(Instant.parse("2026-03-03T20:00:00Z"));
        assertThat(d.emittedAll()).isEmpty();
        d.advanceTo(Instant.parse("2026-03-04T09:00:00Z"));
        assertThat(d.emitted(Channel.CALL)).hasSize(1);
    }

    @Test
    void theLeadsTimeZoneDecidesTheWindow() {
        d.tenantSettings(tenant("UTC", MON_TO_FRI, "09:00", "18:00").build());
        // captured leads live in Europe/London (GMT in March): the same as UTC here, so use a lead of its own
        d.leadEvent("lead-tokyo", START, dev.followup.events.v1.LeadCaptured.newBuilder().setName("Kenji")
                .setTimezone("Asia/Tokyo").setPredProb(0.9).setAttributes(java.util.Map.of()).build());
        // scored Monday 12:00Z = 21:00 in Tokyo: due 21:30 JST, moved to Tuesday 09:00 JST = Tuesday 00:00Z
        assertThat(d.task(followUp("lead-tokyo")).dueAt()).isEqualTo("2026-03-03T00:00:00Z");
    }

    @Test
    void aTaskOverdueAfterDowntimeDoesNotFireOutsideTheWindow() {
        d.tenantSettings(tenant("UTC", MON_TO_FRI, "09:00", "18:00").build());
        // due Monday 17:30 UTC, inside the window; nothing runs until 19:00
        d.scored("lead-1", START.plus(Duration.ofHours(5)), 0.9);
        assertThat(d.indexedAsDeferred(d.task(followUp("lead-1")))).isFalse();
        d.advanceTo(Instant.parse("2026-03-02T19:00:00Z"));

        assertThat(d.emittedAll()).isEmpty();
        ScheduledTask task = d.task(followUp("lead-1"));
        assertThat(task.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(task.originalDueAt()).isEqualTo("2026-03-02T17:30:00Z");
        assertThat(task.dueAt()).isEqualTo("2026-03-03T09:00:00Z");
        assertThat(task.statusDetail()).isEqualTo("deferred: outside the send window");
        assertThat(d.indexedAsDeferred(task)).as("the queue summary counts it from the index").isTrue();
        d.advanceTo(Instant.parse("2026-03-03T09:00:00Z"));
        assertThat(d.emitted(Channel.EMAIL)).hasSize(1);
    }

    @Test
    void aWindowChangedAfterPlanningAppliesWhenTheTaskComesDue() {
        d.scored("lead-1", START, 0.9); // due 12:30 and 14:00 under the default window
        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setSendWindow(new SendWindow("13:00", "18:00"))
                .build());
        d.advanceTo(START.plus(Duration.ofMinutes(30)));
        assertThat(d.emittedAll()).isEmpty();
        assertThat(d.task(followUp("lead-1")).dueAt()).isEqualTo("2026-03-02T13:00:00Z");
        d.advanceTo(Instant.parse("2026-03-02T13:00:00Z"));
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getTaskId).containsExactly(followUp("lead-1"));
    }

    @Test
    void manualTasksFireAtTheirOwnTime() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, Instant.parse("2026-03-07T23:00:00Z")); // a Saturday night
        d.advanceTo(Instant.parse("2026-03-07T23:00:00Z"));
        assertThat(d.emitted(Channel.SMS)).hasSize(1);
    }
}
