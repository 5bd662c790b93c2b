package dev.followup.events.serde;

import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads single-object-encoded records into the current generated class, resolving older writer schemas from
 * the {@link SchemaHistory}. Unknown fingerprints and corrupt bytes raise a {@link SerializationException} that
 * names the topic, the expected type and the fingerprint, so callers can dead-letter the record.
 * {@code null} stays {@code null} (a tombstone).
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private static final int HEADER_LENGTH = 10;

    private final Class<T> type;
    private final BinaryMessageDecoder<T> decoder;

    public AvroDeserializer(Class<T> type) {
        this(type, SchemaHistory.load(type.getSimpleName()));
    }

    public AvroDeserializer(Class<T> type, SchemaHistory history) {
        this.type = type;
        SpecificData model = SpecificData.getForClass(type);
        Schema current = model.getSchema(type);
        this.decoder = new BinaryMessageDecoder<>(model, current, history);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return decoder.decode(data);
        } catch (MissingSchemaException e) {
            throw new SerializationException("cannot decode record from topic '" + topic + "' as "
                    + type.getSimpleName() + ": unknown writer schema fingerprint " + fingerprintOf(data)
                    + " (not the current schema nor a kept version)", e);
        } catch (BadHeaderException e) {
            throw new SerializationException("cannot decode record from topic '" + topic + "' as "
                    + type.getSimpleName() + ": not Avro single-object encoding (" + e.getMessage() + "), "
                    + data.length + " bytes", e);
        } catch (Exception e) {
            throw new SerializationException("cannot decode record from topic '" + topic + "' as "
                    + type.getSimpleName() + " with writer schema fingerprint " + fingerprintOf(data)
                    + ": corrupt body (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    /** The writer fingerprint in the header as 16 hex digits (the 8 header bytes, little-endian), or "none". */
    static String fingerprintOf(byte[] data) {
        if (data.length < HEADER_LENGTH || data[0] != (byte) 0xC3 || data[1] != (byte) 0x01) {
            return "none";
        }
        long fp = 0;
        for (int i = HEADER_LENGTH - 1; i >= 2; i--) {
            fp = (fp << 8) | (data[i] & 0xFF);
        }
        return HexFormat.of().toHexDigits(fp);
    }
}
