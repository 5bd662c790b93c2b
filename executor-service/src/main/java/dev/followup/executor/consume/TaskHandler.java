package dev.followup.executor.consume;

import dev.followup.events.v1.Channel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Handles the records of one of a channel's task topics for a {@link TaskTopicConsumer}: the future answers the
 * records to publish for each, which the consumer commits with its offset. It never completes exceptionally, and
 * cancelling it before its work started means the provider is not called.
 */
public interface TaskHandler {

    /** Which topic it reads: the channel's due-task topic or its retry topic. */
    enum Mode { DUE, RETRY }

    Channel channel();

    Mode mode();

    CompletableFuture<List<ProducerRecord<String, byte[]>>> handle(ConsumerRecord<String, byte[]> record);
}
