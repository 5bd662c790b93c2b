package dev.followup.scheduler.api;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.RetryTask;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * Publishes {@code RetryTask} commands for {@code POST /v1/tasks/{taskId}/retry}: the same command the ingest API's
 * clients and any producer can send, so the scheduler applies it like every other (a duplicate is a no-op).
 */
public class RetryCommands implements AutoCloseable {

    /** The 202 answer. */
    public record Accepted(String commandId, String taskId, String topic, int partition, long offset) {
    }

    private final KafkaProducer<String, Command> producer;
    private final Clock clock;
    private final Duration timeout;

    public RetryCommands(Map<String, Object> producerProperties, Clock clock, Duration timeout) {
        Map<String, Object> props = new HashMap<>(producerProperties);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) (Math.max(timeout.toMillis(), 2_000L) + 1_000L));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), 2_000L));
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new AvroSerializer<>(Command.class));
        this.clock = clock;
        this.timeout = timeout;
    }

    public Accepted retry(TaskView task) {
        String commandId = "console-retry-" + UUID.randomUUID();
        Command command = Command.newBuilder().setCommandId(commandId).setTenantId(task.tenantId())
                .setLeadId(task.leadId()).setIssuedAt(clock.instant())
                .setPayload(RetryTask.newBuilder().setTaskId(task.taskId()).build()).build();
        try {
            RecordMetadata meta = producer.send(new ProducerRecord<>(Topics.COMMANDS,
                    LeadKey.of(task.tenantId(), task.leadId()).toString(), command))
                    .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            return new Accepted(commandId, task.taskId(), meta.topic(), meta.partition(), meta.offset());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (ExecutionException | TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw unavailable();
        }
    }

    private static ResponseStatusException unavailable() {
        return new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                "Kafka did not acknowledge the RetryTask command in time; retry shortly (a second retry of a task already retried changes nothing)");
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
