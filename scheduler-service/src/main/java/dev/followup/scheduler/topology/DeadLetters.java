package dev.followup.scheduler.topology;

import dev.followup.events.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** The error headers every dead-lettered record carries, next to its original key, value and headers. */
public final class DeadLetters {

    public static final String ERROR = "followup.error";
    public static final String ERROR_CLASS = "followup.error.class";
    public static final String SOURCE_TOPIC = "followup.source.topic";
    public static final String SOURCE_PARTITION = "followup.source.partition";
    public static final String SOURCE_OFFSET = "followup.source.offset";

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
