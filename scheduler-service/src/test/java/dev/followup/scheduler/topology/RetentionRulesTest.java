package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static dev.followup.scheduler.topology.SchedulerDriver.TENANT;
import static dev.followup.scheduler.topology.SchedulerDriver.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TaskReason;
import dev.followup.scheduler.policy.EnrollmentStatus;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retention: what goes when, what never goes, and how much one punctuation does. */
class RetentionRulesTest {

    private static final Duration TASKS = Duration.ofDays(30);
    private static final Duration LEADS = Duration.ofDays(180);

    private final Map<String, Integer> purged = new TreeMap<>();
    private final SchedulerEvents events = new SchedulerEvents() {
        @Override
        public void purged(String store, int count) {
            purged.merge(store, count, Integer::sum);
        }
    };
    private SchedulerDriver d = driver(500);

    private SchedulerDriver driver(int maxPurgesPerTick) {
        return new SchedulerDriver(SchedulerSettings.defaults().withRetention(new RetentionSettings(TASKS,
                Duration.ofDays(30), LEADS, Duration.ofSeconds(1), maxPurgesPerTick)), events);
    }

    @AfterEach
    void close() {
        d.close();
    }

    private static String manual(String commandId) {
        return TaskIds.manual(TENANT, commandId);
    }

    /** In any of the lead index's layouts: open, finished, or as an earlier version wrote it. */
    private boolean inLeadIndex(String leadId, String taskId) {
        KeyValueStore<String, byte[]> index = d.driver.getKeyValueStore(SchedulerTopology.LEAD_TASKS_STORE);
        String prefix = SchedulerDriver.key(leadId) + "/";
        return index.get(prefix + taskId) != null || index.get(prefix + "o/" + taskId) != null
                || index.get(prefix + "f/" + taskId) != null;
    }

    private int journeySize(String leadId) {
        KeyValueStore<String, byte[]> store = d.driver.getKeyValueStore(SchedulerTopology.JOURNEY_STORE);
        int n = 0;
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(SchedulerDriver.key(leadId) + "/",
                new StringSerializer())) {
            for (; it.hasNext(); it.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void terminalTasksGoAfterTheirRetentionWithTheirIndexEntriesAndOpenOnesStay() {
        d.scheduleTask("cmd-sent", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(1)));
        d.scheduleTask("cmd-emitted", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(1)));
        d.scheduleTask("cmd-canceled", "lead-1", Channel.SMS, START.plus(Duration.ofDays(3)));
        d.scheduleTask("cmd-pending", "lead-1", Channel.SMS, START.plus(Duration.ofDays(90)));
        d.scheduleTask("cmd-held", "lead-2", Channel.SMS, START.plus(Duration.ofDays(2)));
        d.pause("lead-2");
        d.advance(Duration.ofMinutes(2));
        DueTask sent = d.emitted(Channel.SMS).stream().filter(t -> t.getTaskId().equals(manual("cmd-sent")))
                .findFirst().orElseThrow();
        d.receipt(sent, ReceiptStatus.SENT);
        d.cancelTask("lead-1", manual("cmd-canceled"));
        Instant terminalAt = d.now();

        d.advanceTo(terminalAt.plus(TASKS).minusSeconds(1));
        assertThat(d.task(manual("cmd-sent")).status()).isEqualTo(TaskStatus.SENT);
        assertThat(d.task(manual("cmd-canceled")).status()).isEqualTo(TaskStatus.CANCELED);

        d.advance(Duration.ofSeconds(2));
        assertThat(d.task(manual("cmd-sent"))).as("SENT 30 days ago").isNull();
        assertThat(d.task(manual("cmd-canceled"))).as("CANCELED 30 days ago").isNull();
        assertThat(inLeadIndex("lead-1", manual("cmd-sent"))).isFalse();
        assertThat(inLeadIndex("lead-1", manual("cmd-canceled"))).isFalse();
        assertThat(purged).containsEntry("tasks", 2).containsEntry("lead-tasks", 2);
        assertThat(d.task(manual("cmd-emitted")).status()).as("no receipt yet: not terminal").isEqualTo(TaskStatus.EMITTED);
        assertThat(d.task(manual("cmd-pending")).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(d.task(manual("cmd-held")).status()).isEqualTo(TaskStatus.HELD);
        assertThat(inLeadIndex("lead-1", manual("cmd-pending"))).isTrue();
        assertThat(inLeadIndex("lead-2", manual("cmd-held"))).isTrue();

        d.advance(Duration.ofDays(365));
        assertThat(d.task(manual("cmd-held")).status()).as("held a year: still held").isEqualTo(TaskStatus.HELD);
        assertThat(d.task(manual("cmd-pending")).status()).as("fired at its time, no receipt")
                .isEqualTo(TaskStatus.EMITTED);
    }

    @Test
    void aTaskRetriedBeforeItsRetentionRanOutIsNotPurgedByTheOldEntry() {
        d.scheduleTask("cmd-1", "lead-1", Channel.SMS, START.plus(Duration.ofMinutes(1)));
        d.advance(Duration.ofMinutes(2));
        d.receipt(d.emitted(Channel.SMS).get(0), ReceiptStatus.FAILED);
        d.advance(Duration.ofDays(29));
        d.retryTask("cmd-retry", "lead-1", manual("cmd-1"), d.now().plus(Duration.ofDays(5)));

        d.advance(Duration.ofDays(2));
        assertThat(d.task(manual("cmd-1")).status()).as("pending again").isEqualTo(TaskStatus.PENDING);
        assertThat(d.task(manual("cmd-1")).attempt()).isEqualTo(2);
        assertThat(purged).doesNotContainKey("tasks");
    }

    @Test
    void anOptOutOutlivesThePurgeOfItsLeadsProfileAndJourney() {
        d.captured("lead-1", START, null);
        d.engaged("lead-1", START, EngagementKind.OPTED_OUT);
        d.captured("lead-2", START, null);
        assertThat(journeySize("lead-1")).isPositive();

        d.advance(LEADS.minusHours(1));
        assertThat(d.profile("lead-1").email()).as("not yet").isEqualTo("lead-1@example.com");

        d.advance(Duration.ofHours(2)); // a lead's horizon is rounded up to the hour
        LeadProfile suppressed = d.profile("lead-1");
        assertThat(suppressed).isEqualTo(new LeadProfile(null, null, null, null, Map.of(), true, false, false, null,
                null, null));
        assertThat(journeySize("lead-1")).isZero();
        assertThat(d.profile("lead-2")).as("nothing to keep of a lead without blocks").isNull();
        assertThat(journeySize("lead-2")).isZero();
        assertThat(purged).containsEntry("lead-profiles", 2).containsKey("lead-journey");

        d.scheduleTask("cmd-after", "lead-1", Channel.SMS, d.now().plus(Duration.ofMinutes(5)));
        assertThat(d.task(manual("cmd-after"))).as("the opt-out still blocks new tasks").isNull();
        d.advance(Duration.ofMinutes(10));
        assertThat(d.emittedAll()).isEmpty();
    }

    @Test
    void aLeadWithATaskStillToFireKeepsItsContactData() {
        d.captured("lead-1", START, null);
        d.scheduleTask("cmd-1", "lead-1", Channel.EMAIL, START.plus(Duration.ofDays(200)));

        d.advance(LEADS.plusHours(2));
        assertThat(d.profile("lead-1").email()).isEqualTo("lead-1@example.com");

        d.advanceTo(START.plus(Duration.ofDays(200)).plusSeconds(1));
        assertThat(d.emitted(Channel.EMAIL)).extracting(t -> t.getContact().getEmail()).containsExactly("lead-1@example.com");
    }

    @Test
    void anEndedEnrollmentGoesAfterItsRetentionAndTheLeadCanEnrollAgain() {
        d.sequence("welcome", true, step(StepType.SMS, "PT1M", "tpl-sms", null, "hi"));
        d.enroll("cmd-1", "lead-1", "welcome", null);
        d.advance(Duration.ofMinutes(2));
        d.receipt(d.emitted(Channel.SMS).get(0), ReceiptStatus.DRAFTED);
        assertThat(d.enrollment("lead-1", "welcome").status()).isEqualTo(EnrollmentStatus.COMPLETED);

        d.advance(Duration.ofDays(30).plusSeconds(2));
        assertThat(d.enrollment("lead-1", "welcome")).isNull();
        assertThat(d.task(TaskIds.sequenceStep(TENANT, "lead-1", "welcome", 1, 0))).isNull();
        assertThat(purged).containsEntry("enrollments", 1);

        d.enroll("cmd-2", "lead-1", "welcome", null);
        assertThat(d.enrollment("lead-1", "welcome").number()).isEqualTo(1);
        d.advance(Duration.ofMinutes(2));
        assertThat(d.emitted(Channel.SMS)).as("enrollment 1 again, with nothing of the old one in its way").hasSize(1);
    }

    @Test
    void onePunctuationPurgesAtMostMaxPurgesPerTick() {
        d.close();
        d = driver(3);
        for (int i = 0; i < 5; i++) {
            d.scheduleTask("cmd-" + i, "lead-1", Channel.SMS, START.plus(Duration.ofDays(1)));
        }
        d.cancelFollowUps("lead-1");

        d.advance(TASKS.plusMillis(1)); // one jump: one punctuation
        assertThat(purged).containsEntry("tasks", 3);
        d.advance(Duration.ofSeconds(1));
        assertThat(purged).containsEntry("tasks", 5);
        for (int i = 0; i < 5; i++) {
            assertThat(d.task(manual("cmd-" + i))).isNull();
        }
    }

    @Test
    void terminalTasksWrittenBeforeRetentionExistedAreFoundByTheBackfill() {
        KeyValueStore<String, ScheduledTask> tasks = d.driver.getKeyValueStore(SchedulerTopology.TASKS_STORE);
        Instant longAgo = START.minus(Duration.ofDays(40));
        ScheduledTask old = ScheduledTask.pending(manual("cmd-old"), TENANT, "lead-1", TaskReason.MANUAL, Channel.SMS,
                longAgo, longAgo, null, null, Map.of()).withStatus(TaskStatus.SKIPPED, longAgo, null);
        ScheduledTask recent = ScheduledTask.pending(manual("cmd-recent"), TENANT, "lead-1", TaskReason.MANUAL,
                Channel.SMS, START, START, null, null, Map.of()).withStatus(TaskStatus.SENT, START, null);
        tasks.put(old.taskId(), old);
        tasks.put(recent.taskId(), recent);
        d.driver.<String, byte[]>getKeyValueStore(SchedulerTopology.LEAD_TASKS_STORE)
                .put(SchedulerDriver.key("lead-1") + "/" + old.taskId(), new byte[0]);

        d.advance(Duration.ofSeconds(1)); // the backfill gives them their entries
        d.advance(Duration.ofSeconds(1)); // the old one's has passed
        assertThat(d.task(old.taskId())).isNull();
        assertThat(inLeadIndex("lead-1", old.taskId())).isFalse();
        assertThat(d.task(recent.taskId())).isNotNull();
        d.advance(TASKS);
        assertThat(d.task(recent.taskId())).isNull();
    }
}
