package dev.followup.executor.consume;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The tasks of the assigned partitions that are being handled, in offset order per partition. Tasks finish in any
 * order, but a partition's committable offset only moves past a task once it and every task before it are done:
 * committing what {@link #takeDone()} answers never skips an unfinished task (at-least-once), while the tasks
 * behind a slow one keep running. Used by one consumer thread only; the futures complete on worker threads.
 */
final class InFlightTasks {

    private record Task(long offset, CompletableFuture<List<ProducerRecord<String, byte[]>>> outputs) {
    }

    /** Finished tasks taken out: their records to publish, in offset order per partition, and the offsets to commit. */
    record Done(List<ProducerRecord<String, byte[]>> outputs, Map<TopicPartition, OffsetAndMetadata> offsets, int tasks) {
    }

    private final Map<TopicPartition, ArrayDeque<Task>> byPartition = new HashMap<>();
    private int size;
    /** Tasks added and not finished: counted down on the worker thread that finishes one (or by a cancel). */
    private final AtomicInteger running = new AtomicInteger();
    /** Signalled when {@link #running} falls below {@link #wakeBelow} while the consumer thread waits for it. */
    private final Object finished = new Object();
    private volatile int wakeBelow = -1;

    void add(TopicPartition partition, long offset, CompletableFuture<List<ProducerRecord<String, byte[]>>> outputs) {
        byPartition.computeIfAbsent(partition, p -> new ArrayDeque<>()).addLast(new Task(offset, outputs));
        size++;
        running.incrementAndGet();
        outputs.whenComplete((records, failure) -> {
            if (running.decrementAndGet() < wakeBelow) {
                synchronized (finished) {
                    finished.notifyAll();
                }
            }
        });
    }

    /**
     * Waits until fewer than {@code limit} tasks are running, or {@code timeout} has passed: the consumer thread, paused
     * for back-pressure, goes on as soon as a worker is free instead of sleeping through a whole poll timeout.
     */
    void awaitRunningBelow(int limit, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (finished) {
            wakeBelow = limit; // set before reading running: a task finishing meanwhile either is seen or notifies
            try {
                long left;
                while (running.get() >= limit && (left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(finished, left);
                }
            } finally {
                wakeBelow = -1;
            }
        }
    }

    /** Tasks added and not yet taken or forgotten: running ones and finished ones waiting for their commit. */
    int size() {
        return size;
    }

    /** Tasks added and not finished yet (what occupies the worker pool). */
    int running() {
        return running.get();
    }

    /**
     * Takes out the finished head of every partition (up to its first unfinished task).
     *
     * @throws IllegalStateException when a head task failed: the handler contract says it never does, and skipping
     *                               it would lose the task
     */
    Done takeDone() {
        List<ProducerRecord<String, byte[]>> outputs = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        int tasks = 0;
        for (Iterator<Map.Entry<TopicPartition, ArrayDeque<Task>>> it = byPartition.entrySet().iterator(); it.hasNext();) {
            Map.Entry<TopicPartition, ArrayDeque<Task>> e = it.next();
            ArrayDeque<Task> queue = e.getValue();
            while (!queue.isEmpty() && queue.peekFirst().outputs().isDone()) {
                Task task = queue.peekFirst();
                if (task.outputs().isCompletedExceptionally()) {
                    throw new IllegalStateException("task at " + e.getKey() + "@" + task.offset() + " failed: "
                            + task.outputs().handle((ok, failure) -> failure).join());
                }
                queue.removeFirst();
                outputs.addAll(task.outputs().join());
                offsets.put(e.getKey(), new OffsetAndMetadata(task.offset() + 1));
                tasks++;
            }
            if (queue.isEmpty()) {
                it.remove();
            }
        }
        size -= tasks;
        return new Done(outputs, offsets, tasks);
    }

    /** Waits until every task of {@code partitions} is done, or {@code timeout} has passed. */
    void awaitDone(Collection<TopicPartition> partitions, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (TopicPartition partition : partitions) {
            for (Task task : byPartition.getOrDefault(partition, new ArrayDeque<>())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    task.outputs().get(left, TimeUnit.NANOSECONDS);
                } catch (ExecutionException | CancellationException e) {
                    // reported by takeDone
                } catch (TimeoutException e) {
                    return;
                }
            }
        }
    }

    /** Drops the tasks of {@code partitions}; those not started yet never call their provider. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            ArrayDeque<Task> queue = byPartition.remove(partition);
            if (queue != null) {
                queue.forEach(t -> t.outputs().cancel(false));
                size -= queue.size();
            }
        }
    }

    /** Drops every task. */
    void forgetAll() {
        forget(List.copyOf(byPartition.keySet()));
    }
}
