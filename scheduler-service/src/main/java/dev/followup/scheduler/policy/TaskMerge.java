package dev.followup.scheduler.policy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a planned task meets the task already stored under the same deterministic id.
 * This is what makes duplicated input harmless.
 */
public final class TaskMerge {

    /** What to do with a task that is still open when the same task is planned again. */
    public enum OpenTask {
        /** Keep its due time (a re-score above the threshold does not postpone the follow-up). */
        KEEP,
        /** Move it to the planned due time (a booking's new start). */
        MOVE
    }

    private TaskMerge() {
    }

    /**
     * The task to store, or empty when nothing changes:
     * <ul>
     *   <li>no task yet → the planned one;</li>
     *   <li>open → unchanged ({@link OpenTask#KEEP}) or moved ({@link OpenTask#MOVE});</li>
     *   <li>canceled before {@code eventTime} → re-armed at the planned time (a cancel is undone only by a
     *       later event, so a replayed old event cannot resurrect it);</li>
     *   <li>emitted or finished → unchanged: a task never fires twice for the same input.</li>
     * </ul>
     */
    public static Optional<ScheduledTask> merge(ScheduledTask existing, ScheduledTask planned, Instant eventTime,
            OpenTask openTask) {
        if (existing == null) {
            return Optional.of(planned);
        }
        if (existing.status().isOpen()) {
            if (openTask == OpenTask.KEEP || (existing.originalDueAt().equals(planned.originalDueAt())
                    && existing.dueAt().equals(planned.dueAt()))) {
                return Optional.empty();
            }
            return Optional.of(move(existing, planned, eventTime));
        }
        if (existing.status() == TaskStatus.CANCELED && existing.statusAt().isBefore(eventTime)) {
            return Optional.of(move(existing, planned, eventTime));
        }
        return Optional.empty();
    }

    private static ScheduledTask move(ScheduledTask existing, ScheduledTask planned, Instant eventTime) {
        Map<String, String> context = new HashMap<>(existing.context());
        context.putAll(planned.context());
        return existing.rescheduled(planned.anchorAt(), planned.originalDueAt(), planned.dueAt(), context, eventTime);
    }
}
