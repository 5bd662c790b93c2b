package dev.followup.executor.consume;

import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Handles a channel's retry topic: each record waits for its not-before time on a delayed executor (no thread is
 * held) and is then handled as a due task. A record due beyond the retry horizon is held for one horizon and then
 * goes back on the retry topic, in the transaction that commits its offset: at most one re-write per record per
 * horizon (re-writing at once made a record due in hours cycle through the topic every commit). Held records count
 * as in flight, so the consumer's in-flight bound also bounds them in memory.
 */
public final class RetryTaskHandler implements TaskHandler {

    private final DueTaskHandler due;
    private final String retryTopic;
    private final Duration retryHorizon;
    private final Executor workers;
    private final Clock clock;

    public RetryTaskHandler(DueTaskHandler due, Duration retryHorizon, Executor workers, Clock clock) {
        this.due = due;
        this.retryTopic = retryTopicOf(due.channel());
        this.retryHorizon = retryHorizon;
        this.workers = workers;
        this.clock = clock;
    }

    /** The channel's retry topic, an operational topic the executor creates: {@code <due-task topic>.retry}. */
    public static String retryTopicOf(Channel channel) {
        return Topics.dueTasks(channel) + ".retry";
    }

    @Override
    public Channel channel() {
        return due.channel();
    }

    @Override
    public Mode mode() {
        return Mode.RETRY;
    }

    @Override
    public CompletableFuture<List<ProducerRecord<String, byte[]>>> handle(ConsumerRecord<String, byte[]> record) {
        return due.handle(record, work -> {
            long wait = TaskOutcomes.longHeader(record, TaskOutcomes.NOT_BEFORE, 0L) - clock.millis();
            if (wait > retryHorizon.toMillis()) {
                return CompletableFuture.supplyAsync(() -> List.of(requeue(record)),
                        CompletableFuture.delayedExecutor(retryHorizon.toMillis(), TimeUnit.MILLISECONDS, workers));
            }
            if (wait > 0) {
                return CompletableFuture.supplyAsync(work,
                        CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS, workers));
            }
            return CompletableFuture.supplyAsync(work, workers);
        });
    }

    private ProducerRecord<String, byte[]> requeue(ConsumerRecord<String, byte[]> record) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h);
        }
        return new ProducerRecord<>(retryTopic, null, record.key(), record.value(), headers);
    }
}
