package dev.followup.executor.consume;

import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Handles one due task of a channel: drafts it on the channel's worker pool and answers the records its outcome
 * comes to ({@link TaskOutcomes}): a receipt, a retry or a dead letter. A slow or failing task therefore costs one
 * worker thread for at most one provider timeout, never its backoff. {@link RetryTaskHandler} runs retries through
 * it, starting their work later.
 */
public final class DueTaskHandler implements TaskHandler {

    /** How the work for a decoded task starts: on the worker pool now, later, or not at all. */
    @FunctionalInterface
    interface Start {
        CompletableFuture<List<ProducerRecord<String, byte[]>>> work(Supplier<List<ProducerRecord<String, byte[]>>> work);
    }

    private final Channel channel;
    private final TaskDrafting drafting;
    private final TaskOutcomes outcomes;
    private final Executor workers;
    private final AvroDeserializer<DueTask> tasks = new AvroDeserializer<>(DueTask.class);

    public DueTaskHandler(Channel channel, TaskDrafting drafting, TaskOutcomes outcomes, Executor workers) {
        this.channel = channel;
        this.drafting = drafting;
        this.outcomes = outcomes;
        this.workers = workers;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public Mode mode() {
        return Mode.DUE;
    }

    /**
     * Starts handling {@code record} on the worker pool. An unexpected failure becomes a retry, and a failure to
     * build even that a dead letter.
     */
    @Override
    public CompletableFuture<List<ProducerRecord<String, byte[]>>> handle(ConsumerRecord<String, byte[]> record) {
        return handle(record, work -> CompletableFuture.supplyAsync(work, workers));
    }

    /** Decodes {@code record} and has {@code start} run its work; an undecodable record is dead-lettered at once. */
    CompletableFuture<List<ProducerRecord<String, byte[]>>> handle(ConsumerRecord<String, byte[]> record, Start start) {
        DueTask task;
        try {
            if (record.value() == null) {
                throw new SerializationException("record from topic '" + record.topic() + "' has no value (a DueTask is required)");
            }
            task = tasks.deserialize(record.topic(), record.value());
            if (task.getChannel() != channel) {
                throw new SerializationException("task " + task.getTaskId() + " is for channel " + task.getChannel()
                        + " but arrived on " + record.topic());
            }
        } catch (SerializationException e) {
            return CompletableFuture.completedFuture(List.of(outcomes.undecodable(record, e)));
        }
        int attempt = TaskOutcomes.intHeader(record, TaskOutcomes.ATTEMPT, task.getAttempt());
        int firstAttempt = TaskOutcomes.intHeader(record, TaskOutcomes.FIRST_ATTEMPT, task.getAttempt());
        DueTask current = attempt == task.getAttempt() ? task : DueTask.newBuilder(task).setAttempt(attempt).build();
        return start.work(() -> {
            try {
                return outcomes.of(record, current, attempt, firstAttempt, drafting.draft(current));
            } catch (RuntimeException e) {
                return outcomes.failed(record, current, attempt, firstAttempt, e);
            }
        });
    }
}
