package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.TaskReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskMergeTest {

    private static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");

    private static ScheduledTask planned(Instant due) {
        return ScheduledTask.pending("bk-1", "acme", "lead-1", TaskReason.BOOKING, Channel.CALL, due, due, "b", null, Map.of());
    }

    @Test
    void aDuplicateOfAnOpenTaskChangesNothing() {
        assertThat(TaskMerge.merge(planned(T0), planned(T0), T0, TaskMerge.OpenTask.MOVE)).isEmpty();
    }

    @Test
    void aMovedBookingMovesTheOpenTask() {
        Instant later = T0.plus(Duration.ofHours(1));
        assertThat(TaskMerge.merge(planned(T0), planned(later), T0, TaskMerge.OpenTask.MOVE))
                .hasValueSatisfying(t -> assertThat(t.dueAt()).isEqualTo(later));
        assertThat(TaskMerge.merge(planned(T0), planned(later), T0, TaskMerge.OpenTask.KEEP)).isEmpty();
    }

    @Test
    void anEmittedTaskIsNeverPlannedAgain() {
        ScheduledTask emitted = planned(T0).emitted(T0);
        assertThat(TaskMerge.merge(emitted, planned(T0.plusSeconds(60)), T0.plusSeconds(90), TaskMerge.OpenTask.MOVE)).isEmpty();
    }

    @Test
    void onlyALaterEventReArmsACanceledTask() {
        ScheduledTask canceled = planned(T0).withStatus(TaskStatus.CANCELED, T0.plusSeconds(10), "x");
        assertThat(TaskMerge.merge(canceled, planned(T0), T0.plusSeconds(5), TaskMerge.OpenTask.KEEP)).isEmpty();
        assertThat(TaskMerge.merge(canceled, planned(T0), T0.plusSeconds(20), TaskMerge.OpenTask.KEEP))
                .hasValueSatisfying(t -> assertThat(t.status()).isEqualTo(TaskStatus.PENDING));
    }
}
