package dev.followup.ingest.publish;

import org.apache.avro.specific.SpecificRecord;

/**
 * One record to publish: topic, key and value ({@code null} is a tombstone), with the id reported to the client.
 *
 * @param eventId the event's or command's id (derived from the Idempotency-Key when given)
 */
public record Outbound(String topic, String key, SpecificRecord value, String eventId) {
}
