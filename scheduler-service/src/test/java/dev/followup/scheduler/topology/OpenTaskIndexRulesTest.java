package dev.followup.scheduler.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lead's hot paths (cancel, pause, the open-task cap, retention's "is the lead busy") read the open range of the
 * lead index: a lead with a long finished history costs them its open tasks only. Counted in store reads, not time.
 */
class OpenTaskIndexRulesTest {

    private static final int FINISHED = 40;
    private final SchedulerDriver d = new SchedulerDriver(SchedulerSettings.defaults().withMaxOpenTasksPerLead(5));
    private int commands;

    @BeforeEach
    void anyDayAnyHourNoQuota() {
        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setTimezone("UTC")
                .setWorkingDays(List.of(Weekday.values())).setSendWindow(null).setMaxTasksPerDay(0).build());
        d.advance(Duration.ofSeconds(1)); // the index backfill finds empty stores
    }

    /** {@code finished} drafted tasks of lead-1, then two open ones ({@code open-1}, {@code open-2}). */
    private void historyOfFinishedTasksAndTwoOpenOnes(int finished) {
        for (int round = 0; round < finished / 4; round++) { // four at a time: under the cap of five open tasks
            for (int i = 0; i < 4; i++) {
                d.scheduleTask(next(), "lead-1", Channel.SMS, d.now().plusSeconds(10));
            }
            d.advance(Duration.ofSeconds(11));
            for (DueTask task : d.emitted(Channel.SMS)) {
                d.receipt(task, ReceiptStatus.DRAFTED);
            }
        }
        d.scheduleTask("open-1", "lead-1", Channel.EMAIL, d.now().plus(Duration.ofDays(1)));
        d.scheduleTask("open-2", "lead-1", Channel.CALL, d.now().plus(Duration.ofDays(2)));
    }

    @AfterEach
    void close() {
        d.close();
    }

    @Test
    void aLeadWithManyFinishedTasksCostsTheHotPathOnlyItsOpenOnes() {
        historyOfFinishedTasksAndTwoOpenOnes(FINISHED);
        CountingStore<ScheduledTask> tasks = new CountingStore<>(d.driver.getKeyValueStore(SchedulerTopology.TASKS_STORE));
        CountingStore<byte[]> open = new CountingStore<>(d.driver.getKeyValueStore(SchedulerTopology.LEAD_TASKS_STORE));
        CountingStore<byte[]> all = new CountingStore<>(d.driver.getKeyValueStore(SchedulerTopology.LEAD_TASKS_STORE));

        List<ScheduledTask> openTasks = LeadTaskIndex.openTasksOf(open, tasks, SchedulerDriver.key("lead-1"));

        assertThat(openTasks).extracting(ScheduledTask::taskId).containsExactlyInAnyOrder(
                TaskIds.manual("acme", "open-1"), TaskIds.manual("acme", "open-2"));
        assertThat(open.visited.get()).as("index entries visited").isEqualTo(2);
        assertThat(tasks.reads.get()).as("tasks read").isEqualTo(2);

        List<ScheduledTask> history = LeadTaskIndex.tasksOf(all, tasks, SchedulerDriver.key("lead-1"));
        assertThat(history).hasSize(FINISHED + 2); // the paged history still has everything
        assertThat(all.visited.get()).isEqualTo(FINISHED + 2);
    }

    @Test
    void cancelPauseAndTheCapSeeTheOpenTasksBehindTheHistory() {
        historyOfFinishedTasksAndTwoOpenOnes(8);
        for (int i = 0; i < 3; i++) { // five open: the cap
            d.scheduleTask(next(), "lead-1", Channel.SMS, d.now().plus(Duration.ofDays(3)));
        }
        d.scheduleTask("over-the-cap", "lead-1", Channel.SMS, d.now().plus(Duration.ofDays(3)));
        assertThat(d.task(TaskIds.manual("acme", "over-the-cap"))).isNull();
        assertThat(d.deadLetters(dev.followup.events.Topics.COMMANDS)).hasSize(1);

        d.pause("lead-1");
        assertThat(d.task(TaskIds.manual("acme", "open-1")).status()).isEqualTo(TaskStatus.HELD);
        d.resume("lead-1");
        assertThat(d.task(TaskIds.manual("acme", "open-1")).status()).isEqualTo(TaskStatus.PENDING);

        d.commandOf("globex", "globex-1", "lead-1", d.now(), dev.followup.events.v1.ScheduleTask.newBuilder()
                .setChannel(Channel.SMS).setDueAt(d.now().plus(Duration.ofDays(1))).build()); // same lead id, other tenant
        d.cancelFollowUps("lead-1");
        assertThat(d.task(TaskIds.manual("acme", "open-2")).status()).isEqualTo(TaskStatus.CANCELED);
        assertThat(d.task(TaskIds.manual("globex", "globex-1")).status()).as("another tenant's lead")
                .isEqualTo(TaskStatus.PENDING);
        assertThat(LeadTaskIndex.openTasksOf(d.driver.getKeyValueStore(SchedulerTopology.LEAD_TASKS_STORE),
                d.driver.getKeyValueStore(SchedulerTopology.TASKS_STORE), SchedulerDriver.key("lead-1"))).isEmpty();
        List<String> openKeys = new java.util.ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = d.driver.<String, byte[]>getKeyValueStore(
                SchedulerTopology.LEAD_TASKS_STORE).all()) {
            it.forEachRemaining(kv -> {
                if (kv.key.contains("/o/")) {
                    openKeys.add(kv.key);
                }
            });
        }
        assertThat(openKeys).as("finished tasks leave the open range")
                .containsExactly("globex:lead-1/o/" + TaskIds.manual("globex", "globex-1"));
    }

    private String next() {
        return "cmd-" + (++commands);
    }

    /** A real store, with its reads counted: {@code get} calls and entries visited by prefix scans. */
    private static final class CountingStore<V> implements ReadOnlyKeyValueStore<String, V> {

        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger visited = new AtomicInteger();
        private final ReadOnlyKeyValueStore<String, V> store;

        CountingStore(ReadOnlyKeyValueStore<String, V> store) {
            this.store = store;
        }

        @Override
        public V get(String key) {
            reads.incrementAndGet();
            return store.get(key);
        }

        @Override
        public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS serializer) {
            KeyValueIterator<String, V> it = store.prefixScan(prefix, serializer);
            return new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<String, V> next() {
                    visited.incrementAndGet();
                    return it.next();
                }

                @Override
                public void close() {
                    it.close();
                }

                @Override
                public String peekNextKey() {
                    return it.peekNextKey();
                }
            };
        }

        @Override
        public KeyValueIterator<String, V> range(String from, String to) {
            throw new UnsupportedOperationException("not a hot-path read");
        }

        @Override
        public KeyValueIterator<String, V> all() {
            throw new UnsupportedOperationException("not a hot-path read");
        }

        @Override
        public long approximateNumEntries() {
            return store.approximateNumEntries();
        }
    }
}
