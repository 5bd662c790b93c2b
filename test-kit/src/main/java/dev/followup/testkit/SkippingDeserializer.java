package dev.followup.testkit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Decodes like its delegate but marks undecodable records (poison bytes, other types) with a header instead of
 * failing the poll, so a test can wait for the records it cares about on a topic that also holds poison.
 */
final class SkippingDeserializer<T> implements Deserializer<T> {

    static final String UNDECODABLE_HEADER = "followup.test.undecodable";

    private final Deserializer<T> delegate;

    SkippingDeserializer(Deserializer<T> delegate) {
        this.delegate = delegate;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return delegate.deserialize(topic, data);
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        try {
            return delegate.deserialize(topic, headers, data);
        } catch (SerializationException e) {
            headers.add(UNDECODABLE_HEADER, new byte[0]);
            return null;
        }
    }

    static boolean isUndecodable(ConsumerRecord<?, ?> record) {
        return record.headers().lastHeader(UNDECODABLE_HEADER) != null;
    }
}
