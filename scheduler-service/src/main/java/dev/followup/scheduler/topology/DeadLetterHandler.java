package dev.followup.scheduler.topology;

import dev.followup.events.Topics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams exception handler: a record that cannot be decoded (or whose processing throws unexpectedly) goes,
 * with its original bytes, to {@code <topic>.dlq} with error headers, inside the same transaction, and processing
 * resumes. The app never stops on poison input. The scheduler's own topics ({@link GateTopics}) have no dead-letter
 * topic: only the scheduler writes them, so a failure there is a bug, logged as an error and skipped.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    /** Config key under which the app passes its {@link SchedulerEvents} (an object, not a string). */
    public static final String EVENTS_CONFIG = "followup.scheduler.events";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);

    /** Topics read as global tables by every instance (restored at each start, outside any task). */
    static final java.util.Set<String> GLOBAL_TOPICS = java.util.Set.of(Topics.TENANT_SETTINGS, Topics.SEQUENCES);

    private SchedulerEvents events = SchedulerEvents.NONE;

    @Override
    public void configure(Map<String, ?> configs) {
        if (configs.get(EVENTS_CONFIG) instanceof SchedulerEvents e) {
            events = e;
        }
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
            ConsumerRecord<byte[], byte[]> record, Exception exception) {
        log.atWarn().setMessage("record.dead_lettered").addKeyValue("topic", record.topic())
                .addKeyValue("partition", record.partition()).addKeyValue("offset", record.offset())
                .addKeyValue("error", exception.getMessage()).log();
        events.deadLettered(record.topic());
        if (!hasDeadLetterTopic(record.topic()) || GLOBAL_TOPICS.contains(record.topic())) {
            // the global thread cannot produce (Kafka Streams fails its start on a dead-letter record there):
            // poison on a global table is skipped, counted and logged, and the tenant keeps its last good record
            return DeserializationExceptionHandler.Response.resume();
        }
        return DeserializationExceptionHandler.Response.resume(List.of(new ProducerRecord<>(
                DeadLetters.topicFor(record.topic()), null, record.timestamp(), record.key(), record.value(),
                DeadLetters.headers(record.headers(), exception.getMessage(), exception, record.topic(),
                        record.partition(), record.offset()))));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
            Exception exception) {
        log.atError().setMessage("record.processing_failed").addKeyValue("topic", context.topic())
                .addKeyValue("partition", context.partition()).addKeyValue("offset", context.offset())
                .addKeyValue("processor", context.processorNodeId()).setCause(exception).log();
        if (context.topic() == null || context.sourceRawValue() == null || !hasDeadLetterTopic(context.topic())) {
            return ProcessingExceptionHandler.Response.resume();
        }
        events.deadLettered(context.topic());
        return ProcessingExceptionHandler.Response.resume(List.of(new ProducerRecord<>(
                DeadLetters.topicFor(context.topic()), null, context.timestamp(), context.sourceRawKey(),
                context.sourceRawValue(), DeadLetters.headers(context.headers(), "processing failed: "
                        + exception, exception, context.topic(), context.partition(), context.offset()))));
    }

    private static boolean hasDeadLetterTopic(String topic) {
        return Topics.allNames().contains(DeadLetters.topicFor(topic));
    }
}
