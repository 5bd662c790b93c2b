package dev.followup.executor.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Offsets move in order per partition, whatever order the tasks finish in. */
class InFlightTasksTest {

    private static final TopicPartition P0 = new TopicPartition("due", 0);
    private static final TopicPartition P1 = new TopicPartition("due", 1);

    private final InFlightTasks inFlight = new InFlightTasks();

    @Test
    void aFinishedTaskBehindAnUnfinishedOneWaitsForIt() {
        CompletableFuture<List<ProducerRecord<String, byte[]>>> first = new CompletableFuture<>();
        CompletableFuture<List<ProducerRecord<String, byte[]>>> second = new CompletableFuture<>();
        inFlight.add(P0, 10, first);
        inFlight.add(P0, 11, second);

        second.complete(List.of(receipt("task-11")));
        InFlightTasks.Done nothingYet = inFlight.takeDone();
        first.complete(List.of(receipt("task-10")));
        InFlightTasks.Done both = inFlight.takeDone();

        assertThat(nothingYet.tasks()).isZero();
        assertThat(nothingYet.offsets()).isEmpty();
        assertThat(both.tasks()).isEqualTo(2);
        assertThat(both.outputs()).extracting(ProducerRecord::key).containsExactly("task-10", "task-11");
        assertThat(both.offsets()).isEqualTo(Map.of(P0, new OffsetAndMetadata(12)));
        assertThat(inFlight.size()).isZero();
    }

    @Test
    void runningCountsTasksUntilTheyFinishWhileSizeCountsThemUntilTaken() {
        CompletableFuture<List<ProducerRecord<String, byte[]>>> first = new CompletableFuture<>();
        CompletableFuture<List<ProducerRecord<String, byte[]>>> second = new CompletableFuture<>();
        inFlight.add(P0, 1, first);
        inFlight.add(P1, 2, second);
        inFlight.add(P1, 3, CompletableFuture.completedFuture(List.of()));

        assertThat(inFlight.running()).isEqualTo(2);
        first.complete(List.of());
        assertThat(inFlight.running()).isEqualTo(1);
        assertThat(inFlight.size()).isEqualTo(3);

        inFlight.takeDone();
        assertThat(inFlight.size()).isEqualTo(2); // P1's finished task waits behind the running one
        inFlight.forget(List.of(P1)); // cancels the running one
        assertThat(inFlight.running()).isZero();
        assertThat(inFlight.size()).isZero();
    }

    @Test
    void aWaitForAFreeWorkerEndsWhenATaskFinishesNotAtTheTimeout() throws Exception {
        CompletableFuture<List<ProducerRecord<String, byte[]>>> first = new CompletableFuture<>();
        inFlight.add(P0, 1, first);
        inFlight.add(P0, 2, new CompletableFuture<>());
        CompletableFuture.delayedExecutor(100, java.util.concurrent.TimeUnit.MILLISECONDS)
                .execute(() -> first.complete(List.of()));

        long start = System.nanoTime();
        inFlight.awaitRunningBelow(2, java.time.Duration.ofSeconds(30));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(inFlight.running()).isEqualTo(1);
        assertThat(waitedMs).as("woken by the finished task, not by the 30 s timeout").isLessThan(20_000);
        long again = System.nanoTime();
        inFlight.awaitRunningBelow(2, java.time.Duration.ofSeconds(30)); // already below: returns at once
        inFlight.awaitRunningBelow(1, java.time.Duration.ofMillis(50)); // never below: returns at the timeout
        assertThat((System.nanoTime() - again) / 1_000_000).isBetween(40L, 20_000L);
    }

    @Test
    void aSlowTaskHoldsOnlyItsOwnPartition() {
        inFlight.add(P0, 5, new CompletableFuture<>());
        inFlight.add(P1, 7, CompletableFuture.completedFuture(List.of(receipt("task-7"))));
        inFlight.add(P1, 8, CompletableFuture.completedFuture(List.of()));

        InFlightTasks.Done done = inFlight.takeDone();

        assertThat(done.offsets()).isEqualTo(Map.of(P1, new OffsetAndMetadata(9)));
        assertThat(done.outputs()).extracting(ProducerRecord::key).containsExactly("task-7");
        assertThat(inFlight.size()).isEqualTo(1);
    }

    @Test
    void aFailedTaskIsNeverSkipped() {
        inFlight.add(P0, 3, CompletableFuture.failedFuture(new IllegalStateException("bug")));
        inFlight.add(P0, 4, CompletableFuture.completedFuture(List.of()));

        assertThatThrownBy(inFlight::takeDone).isInstanceOf(IllegalStateException.class).hasMessageContaining("due-0@3");
        assertThat(inFlight.size()).isEqualTo(2);
    }

    @Test
    void forgottenTasksThatHaveNotStartedNeverCallTheirProvider() {
        List<Runnable> queuedInPool = new ArrayList<>();
        AtomicBoolean called = new AtomicBoolean();
        inFlight.add(P0, 1, CompletableFuture.supplyAsync(() -> {
            called.set(true);
            return List.of();
        }, queuedInPool::add));

        inFlight.forget(List.of(P0));
        queuedInPool.forEach(Runnable::run); // the pool gets round to it

        assertThat(called).isFalse();
        assertThat(inFlight.size()).isZero();
        assertThat(inFlight.takeDone().tasks()).isZero();
    }

    private static ProducerRecord<String, byte[]> receipt(String key) {
        return new ProducerRecord<>("receipts", key, new byte[0]);
    }
}
