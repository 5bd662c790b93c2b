package dev.followup.scheduler.topology;

import dev.followup.events.Identifiers;
import dev.followup.events.LeadKey;
import dev.followup.events.SequenceKey;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.EnrollInSequence;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.TaskReason;
import dev.followup.scheduler.policy.Enrollment;
import dev.followup.scheduler.policy.EnrollmentStatus;
import dev.followup.scheduler.policy.InvalidInputException;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.SequencePolicy;
import dev.followup.scheduler.policy.SequencePolicy.EnrollDecision;
import dev.followup.scheduler.policy.SequencePolicy.Transition;
import dev.followup.scheduler.policy.TaskMerge.OpenTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lead's way through sequences ({@link SequencePolicy}): enrolling it, the next step after a step's receipt, the
 * next occurrence of a recurring step when one fires, and a step whose sequence was disabled or deleted meanwhile.
 * Definitions come from the global {@value SchedulerTopology#SEQUENCES_STORE} store as they are now.
 */
final class SequenceSteps {

    /** The processor's log category, which these events have always had. */
    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);

    private final ReadOnlyKeyValueStore<String, SequenceDefinition> sequences;
    private final EnrollmentBook enrollments;
    private final LeadState leads;
    private final TaskBook book;
    private final FollowUpPlanner planner;
    private final Duration minInterval;

    SequenceSteps(ReadOnlyKeyValueStore<String, SequenceDefinition> sequences, EnrollmentBook enrollments,
            LeadState leads, TaskBook book, FollowUpPlanner planner, Duration minInterval) {
        this.minInterval = minInterval;
        this.sequences = sequences;
        this.enrollments = enrollments;
        this.leads = leads;
        this.book = book;
        this.planner = planner;
    }

    /** An {@code EnrollInSequence} command: the first step is planned, or the command is ignored (and logged). */
    void enroll(LeadKey key, Command command, EnrollInSequence enroll) {
        String sequenceId = enroll.getSequenceId();
        if (!Identifiers.isValid(sequenceId)) {
            throw new InvalidInputException(Identifiers.describe("sequenceId", sequenceId));
        }
        LeadProfile profile = leads.profile(key);
        SequenceDefinition definition = sequence(key.tenantId(), sequenceId);
        // the updater refuses such definitions; this guards one stored before the minimum existed or was raised
        SequencePolicy.requireMinInterval(definition, minInterval);
        EnrollDecision decision = SequencePolicy.enroll(enrollments.get(key, sequenceId), definition, key.tenantId(),
                key.leadId(), sequenceId, command.getCommandId(),
                command.getIssuedAt(), enroll.getStartAt(), profile, leads.settingsOf(key.tenantId()));
        if (decision instanceof EnrollDecision.Start start) {
            Transition first = start.transition();
            if (first.task() != null) { // refuses the command over the lead's cap, before the enrollment is written
                planner.planCommanded(profile, leads.settingsOf(key.tenantId()), List.of(first.task()),
                        command.getIssuedAt());
            }
            record(key, first.enrollment());
        } else if (decision instanceof EnrollDecision.Ignore ignore) {
            log.atInfo().setMessage("sequence.enroll_ignored").addKeyValue("commandId", command.getCommandId())
                    .addKeyValue("sequenceId", sequenceId).addKeyValue("reason", ignore.reason()).log();
        }
    }

    /** Chains the next step of the enrollment whose current step {@code task} just got its receipt. */
    void afterReceipt(LeadKey key, ScheduledTask task, Receipt receipt) {
        LeadProfile profile = leads.profile(key);
        SequencePolicy.afterReceipt(enrollments.get(key, task.sequenceId()), task.taskId(),
                receipt.getStatus(), receipt.getCompletedAt(), receipt.getError(),
                sequence(key.tenantId(), task.sequenceId()), profile, leads.settingsOf(key.tenantId())).ifPresentOrElse(
                        t -> apply(key, profile, t, receipt.getCompletedAt()),
                        () -> TaskBook.logIgnored("sequence.receipt_ignored", task.taskId(), task));
    }

    /**
     * Schedules the next occurrence of a recurring step when the current one is emitted (from the definition as it is
     * now), in the same transaction as the emission: a restart or replay can neither skip nor repeat one.
     */
    void afterOccurrenceEmitted(LeadKey key, ScheduledTask task, Instant now) {
        LeadProfile profile = leads.profile(key);
        SequencePolicy.afterOccurrenceEmitted(enrollments.get(key, task.sequenceId()), task.taskId(),
                now, sequence(key.tenantId(), task.sequenceId()), profile, leads.settingsOf(key.tenantId())).ifPresentOrElse(
                        t -> apply(key, profile, t, now),
                        () -> TaskBook.logIgnored("sequence.occurrence_ignored", task.taskId(), task));
    }

    /** A step of a sequence disabled or deleted since it was scheduled is canceled, not emitted: whether it was. */
    boolean canceledIfWithdrawn(ScheduledTask task, Instant now) {
        if (task.source() != TaskReason.SEQUENCE) {
            return false;
        }
        return SequencePolicy.withdrawn(sequence(task.tenantId(), task.sequenceId())).map(reason -> {
            book.save(task, planner.canceled(task, reason, now));
            return true;
        }).orElse(false);
    }

    /** A step a policy planned (after a receipt or an emitted occurrence); over the lead's cap it ends the enrollment. */
    private void apply(LeadKey key, LeadProfile profile, Transition transition, Instant at) {
        Enrollment enrollment = transition.enrollment();
        if (transition.task() != null && planner.plan(profile, leads.settingsOf(key.tenantId()),
                List.of(transition.task()), at, OpenTask.KEEP, true) > 0) {
            enrollment = enrollment.ended(EnrollmentStatus.STOPPED, at, "step " + enrollment.step()
                    + ": max-open-tasks-per-lead " + planner.maxOpenTasksPerLead() + " reached");
        }
        record(key, enrollment);
    }

    private void record(LeadKey key, Enrollment enrollment) {
        enrollments.put(key, enrollment);
        EnrollmentBook.log(enrollment);
    }

    private SequenceDefinition sequence(String tenantId, String sequenceId) {
        return sequences.get(SequenceKey.of(tenantId, sequenceId).toString());
    }
}
