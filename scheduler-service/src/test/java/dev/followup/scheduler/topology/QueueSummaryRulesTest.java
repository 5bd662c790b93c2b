package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.LeadKey;
import dev.followup.events.v1.CancelTask;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.LeadErased;
import dev.followup.events.v1.PauseFollowUps;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.ResumeFollowUps;
import dev.followup.events.v1.RetryTask;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.TaskReason;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The queue summary's counts ({@link QueueSummary}) against a full recount of the tasks store, per tenant and channel,
 * after every kind of change a task goes through; and for tasks written before the counts existed (the backfill).
 */
class QueueSummaryRulesTest {

    private static final String ACME = "acme";
    private static final String GLOBEX = "globex";
    private static final Duration RETENTION = Duration.ofMinutes(10);

    private SchedulerDriver d;
    private int commands;

    @AfterEach
    void close() {
        d.close();
    }

    /** Three emits per tick leave a backlog (overdue tasks); short retention purges finished tasks during the run. */
    private static SchedulerSettings settings(int backfillPerTick) {
        return new SchedulerSettings(Duration.ofSeconds(1), 3, null, SchedulerSettings.DEFAULT_APPLICATION_ID,
                new RetentionSettings(RETENTION, RETENTION, Duration.ofDays(180), Duration.ofSeconds(1),
                        backfillPerTick), null, 200);
    }

    @Test
    void countsEqualAFullRecountAfterCreateFireDeferHoldCancelPurgeAndRetryWithTwoTenantsApart() {
        d = new SchedulerDriver(settings(500));
        d.tenantSettings(TenantSettings.newBuilder().setTenantId(GLOBEX).setMaxTasksPerMinute(1).build());
        d.advance(Duration.ofSeconds(1)); // the backfill finds empty stores: counting from here on
        assertMatchesRecount();

        schedule(ACME, "a1", Channel.SMS, Duration.ofMinutes(2), 3);
        schedule(ACME, "a2", Channel.EMAIL, Duration.ofHours(1), 2);
        schedule(ACME, "a3", Channel.CALL, Duration.ofMinutes(3), 1);
        schedule(ACME, "a4", Channel.SMS, Duration.ofMinutes(4), 8); // a backlog: 3 emits per tick
        schedule(GLOBEX, "g1", Channel.SMS, Duration.ofMinutes(2), 3); // 1 a minute: two deferred
        schedule(GLOBEX, "g2", Channel.EMAIL, Duration.ofHours(2), 1);
        schedule(GLOBEX, "g3", Channel.SMS, Duration.ofHours(3), 2);
        assertMatchesRecount();
        assertThat(summary(ACME).pending()).containsEntry(Channel.SMS, 11L).containsEntry(Channel.CALL, 1L);
        assertThat(summary(GLOBEX).pending()).containsEntry(Channel.SMS, 5L).doesNotContainKey(Channel.CALL);

        d.commandOf(ACME, next(), "a2", d.now(), PauseFollowUps.newBuilder().build()); // held
        d.commandOf(ACME, next(), "a1", d.now(), CancelTask.newBuilder().setTaskId(TaskIds.manual(ACME, "cmd-1")).build());
        d.leadEventOf(GLOBEX, "g3", d.now(), LeadErased.newBuilder().build());
        assertMatchesRecount();
        assertThat(summary(ACME).pending()).doesNotContainKey(Channel.EMAIL);

        d.advance(Duration.ofMinutes(2)); // a1's and g1's come due: emitted, or deferred by globex's quota
        assertMatchesRecount();
        assertThat(summary(GLOBEX).deferred()).as("deferred by the quota").isPositive();
        d.advance(Duration.ofMinutes(2)); // a4's eight come due: three go this tick, five wait
        assertThat(summary(ACME).overdue()).as("a backlog").isGreaterThanOrEqualTo(5);
        assertMatchesRecount();

        List<DueTask> emitted = d.emittedAll();
        assertThat(emitted).hasSizeGreaterThanOrEqualTo(4);
        DueTask failed = emitted.get(0);
        d.receipt(failed, ReceiptStatus.FAILED);
        for (DueTask task : emitted.subList(1, emitted.size())) {
            d.receipt(task, ReceiptStatus.DRAFTED);
        }
        assertMatchesRecount();
        d.commandOf(failed.getTenantId(), next(), failed.getLeadId(), d.now(),
                RetryTask.newBuilder().setTaskId(failed.getTaskId()).setNotBefore(d.now().plus(Duration.ofMinutes(30)))
                        .build());
        d.commandOf(ACME, next(), "a2", d.now(), ResumeFollowUps.newBuilder().build());
        assertMatchesRecount();
        assertThat(d.task(failed.getTaskId()).status()).isEqualTo(TaskStatus.PENDING);

        d.advance(RETENTION.plusMinutes(1)); // finished tasks purged; everything else fires or waits
        assertThat(d.task(emitted.get(1).getTaskId())).as("purged").isNull();
        assertMatchesRecount();
        for (int i = 0; i < 30; i++) { // all fired, three a tick
            d.advance(Duration.ofMinutes(10));
        }
        assertMatchesRecount();
        assertThat(summary(ACME).pending()).isEmpty();
        assertThat(summary(GLOBEX).nextDueMillis()).isNull();
    }

    @Test
    void tasksWrittenBeforeTheCountsExistedAreCountedOnceByTheBackfillWhileTasksChange() {
        d = new SchedulerDriver(settings(2)); // two tasks a tick: changes land before, behind and during the walk
        KeyValueStore<String, ScheduledTask> tasks = d.driver.getKeyValueStore(SchedulerTopology.TASKS_STORE);
        KeyValueStore<Bytes, byte[]> dueIndex = d.driver.getKeyValueStore(SchedulerTopology.DUE_INDEX_STORE);
        KeyValueStore<String, byte[]> leadTasks = d.driver.getKeyValueStore(SchedulerTopology.LEAD_TASKS_STORE);
        for (int i = 0; i < 9; i++) { // as an older version wrote them: tasks, due index, lead index, nothing else
            String tenant = i % 3 == 0 ? GLOBEX : ACME;
            Instant due = START.plus(Duration.ofHours(1 + i));
            ScheduledTask task = ScheduledTask.pending(TaskIds.manual(tenant, "old-" + i), tenant, "lead-" + i % 2,
                    TaskReason.MANUAL, i % 2 == 0 ? Channel.SMS : Channel.EMAIL, due, due, null, null, Map.of());
            tasks.put(task.taskId(), task);
            dueIndex.put(DueIndexKey.of(due, task.taskId()).toBytes(),
                    DueIndexKey.value(task.channel(), tenant, false));
            leadTasks.put(LeadKey.of(tenant, task.leadId()) + "/" + task.taskId(), new byte[0]);
        }
        assertThat(summary(ACME).pending()).isEmpty();
        schedule(ACME, "lead-new", Channel.CALL, Duration.ofHours(2), 1); // before the walk starts

        d.advance(Duration.ofSeconds(1));
        schedule(GLOBEX, "lead-new", Channel.SMS, Duration.ofHours(2), 1); // during the walk
        d.advance(Duration.ofSeconds(1));
        d.cancelFollowUps("lead-1"); // acme's lead-1: some visited, some not yet
        d.advance(Duration.ofSeconds(1));
        d.commandOf(GLOBEX, next(), "lead-0", d.now(), CancelTask.newBuilder()
                .setTaskId(TaskIds.manual(GLOBEX, "old-6")).build());
        for (int i = 0; i < 10; i++) {
            d.advance(Duration.ofSeconds(1));
        }
        assertMatchesRecount();
        assertThat(summary(ACME).pending().values().stream().mapToLong(Long::longValue).sum()).isPositive();

        d.cancelFollowUps("lead-0"); // the open-task index found the older tasks too
        assertThat(d.task(TaskIds.manual(ACME, "old-4")).status()).isEqualTo(TaskStatus.CANCELED);
        assertMatchesRecount();
    }

    // ---- helpers ----

    private void schedule(String tenant, String leadId, Channel channel, Duration in, int count) {
        for (int i = 0; i < count; i++) {
            d.commandOf(tenant, next(), leadId, d.now(),
                    ScheduleTask.newBuilder().setChannel(channel).setDueAt(d.now().plus(in)).build());
        }
    }

    private String next() {
        return "cmd-" + (++commands);
    }

    private QueueSummary.Summary summary(String tenant) {
        return QueueSummary.summary(d.driver.getKeyValueStore(SchedulerTopology.QUEUE_COUNTERS_STORE),
                d.driver.getKeyValueStore(SchedulerTopology.DUE_INDEX_STORE), tenant, d.now().toEpochMilli());
    }

    /** Every tenant's summary equals a count of its PENDING tasks in the tasks store. */
    private void assertMatchesRecount() {
        for (String tenant : List.of(ACME, GLOBEX)) {
            Map<Channel, Long> pending = new EnumMap<>(Channel.class);
            long deferred = 0;
            long overdue = 0;
            Long next = null;
            try (KeyValueIterator<String, ScheduledTask> it = d.driver.<String, ScheduledTask>getKeyValueStore(
                    SchedulerTopology.TASKS_STORE).all()) {
                while (it.hasNext()) {
                    ScheduledTask task = it.next().value;
                    if (!task.tenantId().equals(tenant) || task.status() != TaskStatus.PENDING) {
                        continue;
                    }
                    pending.merge(task.channel(), 1L, Long::sum);
                    deferred += task.wasDeferred() ? 1 : 0;
                    long due = task.dueAt().toEpochMilli();
                    overdue += due <= d.now().toEpochMilli() ? 1 : 0;
                    next = next == null ? due : Math.min(next, due);
                }
            }
            QueueSummary.Summary summary = summary(tenant);
            assertThat(summary.pending()).as(tenant + " pending by channel").isEqualTo(pending);
            assertThat(summary.deferred()).as(tenant + " deferred").isEqualTo(deferred);
            assertThat(summary.overdue()).as(tenant + " overdue").isEqualTo(overdue);
            assertThat(summary.nextDueMillis()).as(tenant + " next due").isEqualTo(next);
            assertThat(summary.capped()).isFalse();
        }
        assertThat(countEntries()).as("no zero counts kept").allMatch(kv -> !kv.value.equals(0L));
    }

    private List<KeyValue<String, Long>> countEntries() {
        List<KeyValue<String, Long>> out = new java.util.ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = d.driver.<String, byte[]>getKeyValueStore(
                SchedulerTopology.QUEUE_COUNTERS_STORE).all()) {
            it.forEachRemaining(kv -> {
                if (!kv.key.equals(IndexBackfill.CURSOR)) {
                    out.add(KeyValue.pair(kv.key, java.nio.ByteBuffer.wrap(kv.value).getLong(0)));
                }
            });
        }
        return out;
    }
}
