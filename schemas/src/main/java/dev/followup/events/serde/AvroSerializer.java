package dev.followup.events.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/** Writes a generated Avro record in single-object encoding; {@code null} stays {@code null} (a tombstone). */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final Class<T> type;
    private final BinaryMessageEncoder<T> encoder;

    public AvroSerializer(Class<T> type) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        this.encoder = new BinaryMessageEncoder<>(model, SpecificData.getForClass(type).getSchema(type));
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer buffer = encoder.encode(data);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + type.getSimpleName() + " for topic '" + topic
                    + "': " + e.getMessage(), e);
        }
    }
}
