package dev.followup.scheduler.topology;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Refuses input records larger than a bound before decoding them, so the dead-letter handler parks them. A record near
 * the broker's size limit would otherwise grow on its way through the stores' changelogs and the due-task topics
 * (contact snapshot, context) until a write is refused, and an exactly-once task that cannot write retries forever.
 */
final class BoundedDeserializer<T> implements Deserializer<T> {

    private final Deserializer<T> inner;
    private final int maxBytes;

    BoundedDeserializer(Deserializer<T> inner, int maxBytes) {
        this.inner = inner;
        this.maxBytes = maxBytes;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return deserialize(topic, null, data);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        if (data != null && data.length > maxBytes) {
            throw new SerializationException("record of " + data.length + " bytes on topic '" + topic
                    + "' is over the scheduler's input limit of " + maxBytes + " bytes");
        }
        return headers == null ? inner.deserialize(topic, data) : inner.deserialize(topic, headers, data);
    }
}
