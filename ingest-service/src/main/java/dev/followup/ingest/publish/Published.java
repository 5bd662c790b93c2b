package dev.followup.ingest.publish;

/** Where the broker stored a record: the 202 body of the API. */
public record Published(String eventId, String topic, int partition, long offset) {
}
