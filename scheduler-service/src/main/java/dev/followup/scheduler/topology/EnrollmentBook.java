package dev.followup.scheduler.topology;

import dev.followup.events.LeadKey;
import dev.followup.scheduler.policy.Enrollment;
import dev.followup.scheduler.policy.EnrollmentStatus;
import dev.followup.scheduler.policy.ScheduledTask;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lead's latest enrollment in each sequence ({@value SchedulerTopology#ENROLLMENTS_STORE}, keyed
 * {@code tenantId:leadId/sequenceId}); each change is logged as a {@code sequence.*} event.
 */
final class EnrollmentBook {

    /** The processor's log category, which these events have always had. */
    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);
    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, Enrollment> enrollments;
    private final PurgeIndex purgeIndex;

    EnrollmentBook(KeyValueStore<String, Enrollment> enrollments, PurgeIndex purgeIndex) {
        this.enrollments = enrollments;
        this.purgeIndex = purgeIndex;
    }

    Enrollment get(LeadKey key, String sequenceId) {
        return enrollments.get(key(key, sequenceId));
    }

    /** Stores {@code enrollment}; the caller logs it ({@link #log}) once its step is planned. */
    void put(LeadKey key, Enrollment enrollment) {
        write(key(key, enrollment.sequenceId()), enrollment);
    }

    /** The enrollment stored under {@code enrollmentKey} ({@code tenantId:leadId/sequenceId}), or null. */
    Enrollment byKey(String enrollmentKey) {
        return enrollments.get(enrollmentKey);
    }

    /** Deletes an ended enrollment whose retention ran out. */
    void purge(String enrollmentKey) {
        enrollments.put(enrollmentKey, null);
    }

    /** Writes an enrollment; an ended one gets its purge-index entry. */
    private void write(String enrollmentKey, Enrollment enrollment) {
        enrollments.put(enrollmentKey, enrollment);
        if (!enrollment.isActive()) {
            purgeIndex.enrollmentEnded(enrollmentKey, enrollment);
        }
    }

    /** Ends every active enrollment of the lead (their pending steps are canceled by the caller's cancellation). */
    void endActive(LeadKey key, String reason, Instant at) {
        List<Enrollment> active = new ArrayList<>();
        try (KeyValueIterator<String, Enrollment> it = enrollments.prefixScan(
                TaskBook.leadTaskPrefix(key.tenantId(), key.leadId()), KEYS)) {
            it.forEachRemaining(kv -> {
                if (kv.value.isActive()) {
                    active.add(kv.value);
                }
            });
        }
        for (Enrollment enrollment : active) {
            Enrollment ended = enrollment.ended(EnrollmentStatus.STOPPED, at, reason);
            write(key(key, enrollment.sequenceId()), ended);
            log(ended);
        }
    }

    /** A canceled step ends its enrollment (whatever canceled it: a bounce, CancelTask, a withdrawn sequence). */
    void endOfStep(ScheduledTask step, String reason, Instant at) {
        String enrollmentKey = key(LeadKey.of(step.tenantId(), step.leadId()), step.sequenceId());
        Enrollment enrollment = enrollments.get(enrollmentKey);
        if (enrollment != null && enrollment.isActive() && step.taskId().equals(enrollment.taskId())) {
            Enrollment ended = enrollment.ended(EnrollmentStatus.STOPPED, at, reason);
            write(enrollmentKey, ended);
            log(ended);
        }
    }

    static void log(Enrollment e) {
        String event = switch (e.status()) {
            case ACTIVE -> "sequence.step_scheduled";
            case COMPLETED -> "sequence.completed";
            case STOPPED -> "sequence.stopped";
            case FAILED -> "sequence.failed";
        };
        log.atInfo().setMessage(event).addKeyValue("tenantId", e.tenantId()).addKeyValue("leadId", e.leadId())
                .addKeyValue("sequenceId", e.sequenceId()).addKeyValue("enrollment", e.number())
                .addKeyValue("step", e.step()).addKeyValue("occurrence", e.occurrence() == null ? null : e.occurrence().number())
                .addKeyValue("detail", e.statusDetail()).log();
    }

    static String key(LeadKey key, String sequenceId) {
        return TaskBook.leadTaskPrefix(key.tenantId(), key.leadId()) + sequenceId;
    }
}
