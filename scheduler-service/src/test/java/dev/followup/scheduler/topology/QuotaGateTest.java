package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Alert;
import dev.followup.events.v1.AlertKind;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadFollowUp;
import dev.followup.events.v1.LeadScored;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.config.SchedulerMetrics;
import dev.followup.scheduler.policy.QuotaPolicy;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Per-tenant quotas through the tenant-keyed gate: deferred, never dropped, one alert per tenant and day. */
class QuotaGateTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SchedulerDriver d = new SchedulerDriver(SchedulerSettings.defaults(), new SchedulerMetrics(registry));

    @AfterEach
    void close() {
        d.close();
    }

    /** One email 30 minutes after a hot score; default window (Mon-Fri 09:00-18:00 UTC) and quotas unless set. */
    private static TenantSettings.Builder tenant() {
        return TenantSettings.newBuilder().setTenantId("acme")
                .setLeadFollowUps(List.of(new LeadFollowUp("30m", Channel.EMAIL)));
    }

    private static String followUp(int lead) {
        return TaskIds.leadScore("acme", "lead-" + lead, 0);
    }

    @Test
    void aTenantWithoutQuotasFiresInTheTickItComesDueWithoutTheGatesRoundTrip() {
        d.tenantSettings(tenant().setMaxTasksPerDay(0).setMaxTasksPerMinute(null).build());
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(5)));
        d.advance(Duration.ofMinutes(4));
        assertThat(d.emitted(Channel.SMS)).isEmpty();

        d.advance(Duration.ofMinutes(2));

        assertThat(d.emitted(Channel.SMS)).singleElement().satisfies(t -> {
            assertThat(t.getTaskId()).isEqualTo(TaskIds.manual("acme", "cmd-1"));
            // emitted by the tick that found it due (the driver punctuates once per advance)
            assertThat(t.getEmittedAt()).isEqualTo(d.now());
        });
        assertThat(d.gateRequests()).isZero();
        assertThat(d.task(TaskIds.manual("acme", "cmd-1")).status()).isEqualTo(TaskStatus.EMITTED);
    }

    @Test
    void aTenantWithoutQuotasStillKeepsItsSendWindowWhenItsTasksComeDue() {
        // planned without a window (due Monday 19:00 UTC), then the tenant sets one: the task waits for Tuesday 09:00
        d.tenantSettings(tenant().setLeadFollowUps(List.of(new LeadFollowUp("7h", Channel.EMAIL))).setSendWindow(null)
                .setMaxTasksPerDay(0).build());
        d.scored("lead-1", START, 0.9);
        d.tenantSettings(tenant().setLeadFollowUps(List.of(new LeadFollowUp("7h", Channel.EMAIL))).setMaxTasksPerDay(0)
                .build());

        d.advance(Duration.ofHours(8));

        assertThat(d.emitted(Channel.EMAIL)).isEmpty();
        ScheduledTask waiting = d.task(followUpAfter("lead-1"));
        assertThat(waiting.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(waiting.dueAt()).isEqualTo("2026-03-03T09:00:00Z");
        assertThat(waiting.statusDetail()).isEqualTo("deferred: outside the send window");
        assertThat(d.gateRequests()).isZero();
        assertThat(registry.get("followup.scheduler.tasks.deferred").tag("reason", "send_window").counter().count())
                .isEqualTo(1.0);

        d.advanceTo(Instant.parse("2026-03-03T09:00:01Z"));
        assertThat(d.emitted(Channel.EMAIL)).singleElement()
                .satisfies(t -> assertThat(t.getTaskId()).isEqualTo(followUpAfter("lead-1")));
    }

    @Test
    void aTenantWithAQuotaHasItsTasksCountedByTheGate() {
        d.tenantSettings(tenant().setMaxTasksPerDay(0).setMaxTasksPerMinute(10).build());
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(5)));

        d.advance(Duration.ofMinutes(6));

        assertThat(d.emitted(Channel.SMS)).hasSize(1);
        assertThat(d.gateRequests()).isEqualTo(1);
    }

    private static String followUpAfter(String lead) {
        return TaskIds.leadScore("acme", lead, 0);
    }

    @Test
    void fourHundredAndOneTasksOnA400PerDayQuotaEmit400AndDeferOneToTheNextDayWithOneAlert() {
        // 20 leads x 20 follow-ups due 12:30..12:49, and a manual task due 12:50: 401 tasks, fired in one tick
        List<LeadFollowUp> cadence = IntStream.range(0, 20).mapToObj(i -> new LeadFollowUp((30 + i) + "m", Channel.EMAIL))
                .toList();
        d.tenantSettings(tenant().setLeadFollowUps(cadence).setMaxTasksPerDay(400).build());
        for (int lead = 0; lead < 20; lead++) {
            d.scored("lead-" + lead, START, 0.9);
        }
        d.scheduleTask("cmd-last", "lead-x", Channel.SMS, START.plus(Duration.ofMinutes(50)));
        String last = TaskIds.manual("acme", "cmd-last");
        d.advance(Duration.ofHours(1));

        List<DueTask> today = d.emitted(Channel.EMAIL);
        assertThat(today).hasSize(400);
        assertThat(d.emitted(Channel.SMS)).isEmpty();
        ScheduledTask waiting = d.task(last);
        assertThat(waiting.status()).isEqualTo(TaskStatus.PENDING);
        assertThat(waiting.originalDueAt()).isEqualTo(START.plus(Duration.ofMinutes(50)));
        // a manual task is exempt from the send window: the start of Tuesday in the tenant's zone (UTC)
        assertThat(waiting.dueAt()).isEqualTo("2026-03-03T00:00:00Z");
        assertThat(waiting.statusDetail()).isEqualTo("deferred: maxTasksPerDay 400 reached");
        assertThat(d.alerts()).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("acme");
            assertThat(r.value().getKind()).isEqualTo(AlertKind.QUOTA_EXHAUSTED);
            assertThat(r.value().getAlertId()).isEqualTo(QuotaPolicy.alertId("acme", LocalDate.parse("2026-03-02")));
            assertThat(r.value().getDetails()).containsEntry("limit", "maxTasksPerDay").containsEntry("max", "400");
        });

        d.advanceTo(Instant.parse("2026-03-03T00:00:00Z").minusMillis(1));
        assertThat(d.emittedAll()).isEmpty();
        d.advance(Duration.ofMillis(1));
        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getTaskId).containsExactly(last);
        assertThat(d.alerts()).isEmpty();

        Set<String> all = new HashSet<>();
        today.forEach(t -> all.add(t.getTaskId()));
        all.add(last);
        assertThat(all).as("every task once, none dropped").hasSize(401);
        assertThat(today).extracting(DueTask::getDueAt).as("in due order").isSorted();
        assertThat(registry.get("followup.scheduler.tasks.deferred").tag("reason", "quota_day").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("followup.scheduler.alerts").tag("kind", "QUOTA_EXHAUSTED").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void aTaskDeferredToTheNextDayWaitsForTheSendWindow() {
        d.tenantSettings(tenant().setMaxTasksPerDay(1).build());
        d.scored("lead-0", START, 0.9);
        d.scored("lead-1", START, 0.9);
        d.advance(Duration.ofMinutes(30));
        assertThat(d.emitted(Channel.EMAIL)).hasSize(1);
        ScheduledTask waiting = IntStream.range(0, 2).mapToObj(i -> d.task(followUp(i)))
                .filter(t -> t.status() == TaskStatus.PENDING).findFirst().orElseThrow();
        assertThat(waiting.dueAt()).as("Tuesday 09:00, the window's start").isEqualTo("2026-03-03T09:00:00Z");
    }

    @Test
    void thePerMinuteQuotaDefersToTheNextMinute() {
        d.tenantSettings(tenant().setMaxTasksPerMinute(2).build());
        for (int i = 0; i < 3; i++) {
            d.scored("lead-" + i, START, 0.9);
        }
        d.advance(Duration.ofMinutes(30));
        assertThat(d.emitted(Channel.EMAIL)).hasSize(2);
        ScheduledTask third = IntStream.range(0, 3).mapToObj(i -> d.task(followUp(i)))
                .filter(t -> t.status() == TaskStatus.PENDING).findFirst().orElseThrow();
        assertThat(third.dueAt()).isEqualTo("2026-03-02T12:31:00Z");
        assertThat(third.statusDetail()).isEqualTo("deferred: maxTasksPerMinute 2 reached");
        assertThat(d.alerts()).singleElement().satisfies(r -> assertThat(r.value().getDetails())
                .containsEntry("limit", "maxTasksPerMinute"));

        d.advanceTo(Instant.parse("2026-03-02T12:31:00Z"));
        List<DueTask> next = d.emitted(Channel.EMAIL);
        assertThat(next).extracting(DueTask::getTaskId).containsExactly(third.taskId());
        assertThat(next.get(0).getEmittedAt()).isEqualTo("2026-03-02T12:31:00Z");
        assertThat(d.alerts()).as("one alert per tenant per day").isEmpty();
    }

    @Test
    void quotasArePerTenant() {
        d.tenantSettings(tenant().setMaxTasksPerDay(1).build());
        d.tenantSettings(tenant().setTenantId("globex").setMaxTasksPerDay(1).build());
        d.scored("lead-1", START, 0.9);
        d.scored("lead-2", START, 0.9);
        d.leadEventOf("globex", "lead-1", START, LeadScored.newBuilder().setPredProb(0.9).build());
        d.advance(Duration.ofMinutes(30));
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getTenantId).containsExactlyInAnyOrder("acme", "globex");
        assertThat(d.alerts()).extracting(TestRecord::key).containsExactly("acme");
    }

    @Test
    void aDeferredTaskStillBelongsToItsLeadAReplyCancelsIt() {
        d.tenantSettings(tenant().setMaxTasksPerDay(1).build());
        d.scored("lead-0", START, 0.9);
        d.scored("lead-1", START, 0.9);
        d.advance(Duration.ofMinutes(30));
        assertThat(d.emitted(Channel.EMAIL)).hasSize(1);
        String deferred = IntStream.range(0, 2).mapToObj(QuotaGateTest::followUp)
                .filter(id -> d.task(id).status() == TaskStatus.PENDING).findFirst().orElseThrow();
        String lead = d.task(deferred).leadId();

        d.engaged(lead, START.plus(Duration.ofHours(1)), EngagementKind.REPLIED);
        assertThat(d.task(deferred).status()).isEqualTo(TaskStatus.CANCELED);
        d.advance(Duration.ofDays(2));
        assertThat(d.emittedAll()).isEmpty();
    }
}
