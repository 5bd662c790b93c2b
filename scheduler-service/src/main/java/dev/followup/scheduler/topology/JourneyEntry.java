package dev.followup.scheduler.topology;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One line of a lead's journey ({@value SchedulerTopology#JOURNEY_STORE} store value, compact JSON without nulls):
 * an input event, a command, a task transition or a receipt. Never contact data: names, addresses and numbers stay in
 * the lead profile.
 *
 * @param at       event time of the input, {@code statusAt} of a task transition, emission time, {@code completedAt}
 * @param type     {@code event}, {@code command}, {@code task} or {@code receipt}
 * @param what     e.g. {@code captured}, {@code booking scheduled}, {@code scheduled}, {@code shifted}, {@code held},
 *                 {@code deferred}, {@code emitted}, {@code canceled}, {@code retry}, or the receipt status
 * @param lagMs    firing lag (emittedAt − dueAt) of an emission or of the attempt a receipt reports
 * @param emittedAttempt on a receipt: the attempt the scheduler emitted (the executor's own retries count the
 *                 receipt's {@code attempt} up from it); with {@code dueAt} and {@code lagMs} it tells the emission,
 *                 which is not stored as an entry of its own (see {@link JourneyReader})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JourneyEntry(
        Instant at,
        String type,
        String what,
        String taskId,
        String channel,
        String status,
        Integer attempt,
        Instant dueAt,
        Long lagMs,
        Long latencyMs,
        String provider,
        String providerRef,
        String link,
        String detail,
        Integer emittedAttempt) {

    static JourneyEntry of(Instant at, String type, String what, String detail) {
        return new JourneyEntry(at, type, what, null, null, null, null, null, null, null, null, null, null, detail, null);
    }
}
