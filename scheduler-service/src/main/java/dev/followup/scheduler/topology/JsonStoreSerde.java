package dev.followup.scheduler.topology;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.smile.SmileMapper;

/**
 * Serde of the scheduler's internal store values and gate records (lead profiles, enrollments, quota counters, gate
 * requests, ...; tasks were too, and {@link TaskStoreSerde} still reads them this way) in the JSON data model.
 * Internal, not part of the contract. Values are written as Smile (Jackson's binary JSON: the same model, smaller and
 * cheaper to read and write), with instants as epoch milliseconds and without null fields; values written as JSON text
 * by earlier versions still read, so existing state and changelogs need no migration. Added fields are tolerated
 * either way (unknown ones are ignored, missing ones are null).
 */
public final class JsonStoreSerde<T> implements Serde<T> {

    private static final SmileMapper SMILE = SmileMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // an absent field reads as null (or a primitive's default), exactly as a written null: leave them out
            .changeDefaultPropertyInclusion(incl -> incl.withValueInclusion(JsonInclude.Include.NON_NULL))
            .addModule(new SimpleModule("store-instants")
                    .addSerializer(Instant.class, new InstantWriter())
                    .addDeserializer(Instant.class, new InstantReader()))
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

    /**
     * An instant as its epoch milliseconds when it has no finer part (nearly all: due times, event times), else as
     * ISO-8601 text: a number is a few bytes and needs no date parsing, which was a tenth of the stream thread.
     */
    static final class InstantWriter extends ValueSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializationContext ctxt) {
            if (value.getNano() % 1_000_000 == 0 && value.getEpochSecond() > -9_000_000_000_000L
                    && value.getEpochSecond() < 9_000_000_000_000L) {
                gen.writeNumber(value.toEpochMilli());
            } else {
                gen.writeString(value.toString());
            }
        }
    }

    /** Reads what {@link InstantWriter} writes, and the ISO-8601 text of values written before it. */
    static final class InstantReader extends ValueDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return Instant.ofEpochMilli(p.getLongValue());
            }
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                try {
                    return Instant.parse(p.getString());
                } catch (DateTimeParseException e) {
                    return (Instant) ctxt.handleWeirdStringValue(Instant.class, p.getString(), e.getMessage());
                }
            }
            return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
        }
    }

    /** Smile values start with the Smile header {@code :)\n}; anything else is read as JSON text. */
    private static ObjectMapper mapperFor(byte[] bytes) {
        return bytes.length >= 3 && bytes[0] == ':' && bytes[1] == ')' && bytes[2] == '\n' ? SMILE : JSON;
    }
}
