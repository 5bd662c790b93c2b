package dev.followup.ingest.publish;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.followup.ingest.config.IngestProperties;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * First responses by {@code (tenant, Idempotency-Key)}, kept in memory (bounded, TTL 24 h by default): a retry with
 * the same key and the same request gets the first response and publishes nothing. A concurrent duplicate waits for
 * the first. Only successes are kept: a rejected or failed request can be retried with the same key.
 *
 * <p>The cache does not survive a restart and is per instance; beyond it, derived event ids ({@link EventIds}) let
 * the scheduler drop a duplicate that a retry published again.
 */
public class IdempotencyCache {

    private record Entry(String fingerprint, Object response) {
    }

    /** A response and whether it is a replay of an earlier one. */
    public record Outcome<T>(T response, boolean replayed) {
    }

    private final Cache<String, Entry> done;
    private final Map<String, CompletableFuture<Entry>> inFlight = new ConcurrentHashMap<>();

    public IdempotencyCache(IngestProperties.Idempotency settings) {
        this.done = Caffeine.newBuilder().maximumSize(settings.maxEntries()).expireAfterWrite(settings.ttl()).build();
    }

    /**
     * Runs {@code action} once per key; {@code fingerprint} identifies the request (route and body).
     *
     * @throws IdempotencyConflictException the key was used for a different request
     */
    @SuppressWarnings("unchecked")
    public <T> Outcome<T> once(String tenant, String key, String fingerprint, Supplier<T> action) {
        if (key == null) {
            return new Outcome<>(action.get(), false);
        }
        String k = tenant + "\n" + key;
        Entry cached = done.getIfPresent(k);
        if (cached != null) {
            return new Outcome<>((T) matching(cached, fingerprint).response(), true);
        }
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        CompletableFuture<Entry> other = inFlight.putIfAbsent(k, mine);
        if (other != null) {
            try {
                return new Outcome<>((T) matching(other.join(), fingerprint).response(), true);
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        try {
            cached = done.getIfPresent(k);
            if (cached != null) {
                mine.complete(cached);
                return new Outcome<>((T) matching(cached, fingerprint).response(), true);
            }
            Entry entry = new Entry(fingerprint, action.get());
            done.put(k, entry);
            mine.complete(entry);
            return new Outcome<>((T) entry.response(), false);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(k, mine);
        }
    }

    private static Entry matching(Entry entry, String fingerprint) {
        if (!entry.fingerprint().equals(fingerprint)) {
            throw new IdempotencyConflictException();
        }
        return entry;
    }
}
