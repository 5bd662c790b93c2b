package dev.followup.scheduler.topology;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.smile.SmileMapper;

/**
 * Serde of the scheduler's internal store values and gate records (tasks, lead profiles, journey entries, ...) in the
 * JSON data model. Internal, not part of the contract. Values are written as Smile (Jackson's binary JSON: the same
 * model, about a third smaller and cheaper to read and write, which matters because every timer reads and writes its
 * task several times); values written as JSON text by earlier versions still read, so existing state and changelogs
 * need no migration. Added fields are tolerated either way (unknown ones are ignored, missing ones are null).
 */
public final class JsonStoreSerde<T> implements Serde<T> {

    private static final SmileMapper SMILE = SmileMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final Class<T> type;

    public JsonStoreSerde(Class<T> type) {
        this.type = type;
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return SMILE.writeValueAsBytes(value);
            } catch (JacksonException e) {
                throw new SerializationException("cannot encode " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return mapperFor(bytes).readValue(bytes, type);
            } catch (JacksonException e) {
                throw new SerializationException("cannot decode " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
            }
        };
    }

    /** Smile values start with the Smile header {@code :)\n}; anything else is read as JSON text. */
    private static ObjectMapper mapperFor(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == ':' && bytes[1] == ')' && bytes[2] == '\n' ? SMILE : JSON;
    }
}
