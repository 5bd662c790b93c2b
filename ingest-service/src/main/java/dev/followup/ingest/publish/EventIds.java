package dev.followup.ingest.publish;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Ids of published events and commands. With an {@code Idempotency-Key} the id is derived (UUID v3 of tenant, key,
 * route and line), so a retry after a lost response, a restart or on another instance carries the same id and the
 * scheduler dedupes it; without a key it is a random UUID.
 */
public final class EventIds {

    private EventIds() {
    }

    /**
     * @param route what the request did, e.g. {@code POST /v1/leads/l1/score}
     * @param line  the line of a batch (0 for single requests)
     */
    public static String of(String tenant, String idempotencyKey, String route, int line) {
        if (idempotencyKey == null) {
            return UUID.randomUUID().toString();
        }
        String seed = "followup-ingest\n" + tenant + "\n" + idempotencyKey + "\n" + route + "\n" + line;
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
