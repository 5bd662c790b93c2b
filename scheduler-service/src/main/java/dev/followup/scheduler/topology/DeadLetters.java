package dev.followup.scheduler.topology;

import dev.followup.events.DeadLetterHeaders;
import dev.followup.events.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** The error headers every dead-lettered record carries, next to its original key, value and headers. */
public final class DeadLetters {

    // the names are the contract's, shared with the executor's dead letters
    public static final String ERROR = DeadLetterHeaders.ERROR;
    public static final String ERROR_CLASS = DeadLetterHeaders.ERROR_CLASS;
    public static final String SOURCE_TOPIC = DeadLetterHeaders.SOURCE_TOPIC;
    public static final String SOURCE_PARTITION = DeadLetterHeaders.SOURCE_PARTITION;
    public static final String SOURCE_OFFSET = DeadLetterHeaders.SOURCE_OFFSET;

    private DeadLetters() {
    }

    public static String topicFor(String sourceTopic) {
        return Topics.dlq(sourceTopic);
    }

    /** A copy of {@code original} plus the error headers. */
    public static Headers headers(Headers original, String error, Throwable cause, String topic, int partition,
            long offset) {
        RecordHeaders headers = new RecordHeaders(original == null ? new org.apache.kafka.common.header.Header[0]
                : original.toArray());
        headers.add(ERROR, utf8(error == null ? cause.getClass().getSimpleName() : error));
        headers.add(ERROR_CLASS, utf8(cause.getClass().getName()));
        headers.add(SOURCE_TOPIC, utf8(String.valueOf(topic)));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(partition)));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(offset)));
        return headers;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
