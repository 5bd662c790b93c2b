package dev.followup.scheduler.policy;

import dev.followup.events.DurationText;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.SequenceStep;
import dev.followup.events.v1.StepType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Sequence rules. An {@code EnrollInSequence} schedules the first step at {@code startAt} (else the command's
 * {@code issuedAt}) plus its delay; each later step is scheduled only when the previous step's receipt arrives, at
 * the receipt's {@code completedAt} plus its delay. A WAIT step emits nothing: its delay adds to the next step's.
 * Every step is read from the definition current when it is scheduled.
 * <ul>
 *   <li>DRAFTED, SENT or SKIPPED → the next step, or COMPLETED after the last one;</li>
 *   <li>FAILED or DEAD → the enrollment is FAILED (no retry of the sequence; re-enroll to start over);</li>
 *   <li>a disabled or deleted sequence, or a step on a channel blocked for the lead → STOPPED, no new step;</li>
 *   <li>a receipt of anything but the current step of an active enrollment (duplicate, late) changes nothing.</li>
 * </ul>
 * Re-enrolling while an enrollment is active changes nothing; after it ended, a command issued later than the end
 * (and not the one that started it) starts enrollment number n + 1, with new task ids.
 */
public final class SequencePolicy {

    private SequencePolicy() {
    }

    /** An enrollment after a decision, with the step task to schedule (null when none). */
    public record Transition(Enrollment enrollment, ScheduledTask task) {
    }

    /** What an {@code EnrollInSequence} does. */
    public sealed interface EnrollDecision {
        record Start(Transition transition) implements EnrollDecision {
        }

        record Ignore(String reason) implements EnrollDecision {
        }
    }

    /**
     * The decision for an enrollment of the lead in {@code definition}, given the lead's last enrollment in it.
     *
     * @throws InvalidInputException if the sequence is unknown or one of its step delays is invalid
     */
    public static EnrollDecision enroll(Enrollment last, SequenceDefinition definition, String tenantId, String leadId,
            String sequenceId, String commandId, Instant issuedAt, Instant startAt, LeadProfile profile) {
        if (definition == null) {
            throw new InvalidInputException("sequenceId '" + sequenceId + "' is not a sequence of tenant '" + tenantId
                    + "' (never defined, or deleted)");
        }
        if (!definition.getEnabled()) {
            return new EnrollDecision.Ignore("sequence disabled");
        }
        // a broken definition is refused before it starts, not half-way through
        for (int i = 0; i < definition.getSteps().size(); i++) {
            delay(definition, i, definition.getSteps().get(i).getDelay());
        }
        if (last != null && last.isActive()) {
            return new EnrollDecision.Ignore("already enrolled (enrollment " + last.number() + ")");
        }
        if (last != null && (commandId.equals(last.commandId()) || !issuedAt.isAfter(last.statusAt()))) {
            return new EnrollDecision.Ignore("enrollment " + last.number() + " ended at " + last.statusAt()
                    + " and the command is not later");
        }
        Instant start = startAt != null ? startAt : issuedAt;
        Enrollment enrollment = Enrollment.started(tenantId, leadId, sequenceId, last == null ? 1 : last.number() + 1,
                commandId, start, issuedAt);
        return new EnrollDecision.Start(advance(definition, enrollment, 0, start, issuedAt, profile));
    }

    /**
     * What the receipt of task {@code taskId} does to {@code enrollment}; empty when it is not the receipt of the
     * current step of an active enrollment. An invalid next step stops the enrollment (the receipt is not at fault).
     */
    public static Optional<Transition> afterReceipt(Enrollment enrollment, String taskId, ReceiptStatus status,
            Instant completedAt, String error, SequenceDefinition definition, LeadProfile profile) {
        if (enrollment == null || !enrollment.isActive() || !taskId.equals(enrollment.taskId())) {
            return Optional.empty();
        }
        if (status == ReceiptStatus.FAILED || status == ReceiptStatus.DEAD) {
            return Optional.of(new Transition(enrollment.ended(EnrollmentStatus.FAILED, completedAt,
                    "step " + enrollment.step() + " " + status + (error == null ? "" : ": " + error)), null));
        }
        try {
            return Optional.of(advance(definition, enrollment, enrollment.step() + 1, completedAt, completedAt, profile));
        } catch (InvalidInputException e) {
            return Optional.of(new Transition(enrollment.ended(EnrollmentStatus.STOPPED, completedAt, e.getMessage()),
                    null));
        }
    }

    /** Why a sequence step that came due must not be emitted, or empty if it may: its sequence is disabled or gone. */
    public static Optional<String> withdrawn(SequenceDefinition definition) {
        if (definition == null) {
            return Optional.of("sequence deleted");
        }
        return definition.getEnabled() ? Optional.empty() : Optional.of("sequence disabled");
    }

    /**
     * The first non-WAIT step at or after {@code from}, due at {@code anchor} plus the delays of the WAIT steps
     * before it and its own; COMPLETED when there is none.
     */
    static Transition advance(SequenceDefinition definition, Enrollment enrollment, int from, Instant anchor,
            Instant at, LeadProfile profile) {
        Optional<String> withdrawn = withdrawn(definition);
        if (withdrawn.isPresent()) {
            return new Transition(enrollment.ended(EnrollmentStatus.STOPPED, at, withdrawn.get()), null);
        }
        List<SequenceStep> steps = definition.getSteps();
        Duration delay = Duration.ZERO;
        for (int i = from; i < steps.size(); i++) {
            SequenceStep step = steps.get(i);
            delay = delay.plus(delay(definition, i, step.getDelay()));
            if (step.getType() == StepType.WAIT) {
                continue;
            }
            Channel channel = Channel.valueOf(step.getType().name());
            if (profile.blocks(channel)) {
                return new Transition(enrollment.ended(EnrollmentStatus.STOPPED, at,
                        "step " + i + ": " + channel + " is blocked for the lead"), null);
            }
            String taskId = TaskIds.sequenceStep(enrollment.tenantId(), enrollment.leadId(), enrollment.sequenceId(),
                    enrollment.number(), i);
            ScheduledTask task = ScheduledTask.sequenceStep(taskId, enrollment.tenantId(), enrollment.leadId(),
                    enrollment.sequenceId(), i, channel, anchor, anchor.plus(delay), step.getTemplateId(),
                    step.getSubject(), step.getBody());
            return new Transition(enrollment.atStep(i, taskId, at), task);
        }
        return new Transition(enrollment.ended(EnrollmentStatus.COMPLETED, at, null), null);
    }

    private static Duration delay(SequenceDefinition definition, int index, String value) {
        String field = "sequence " + definition.getTenantId() + ":" + definition.getSequenceId() + " steps[" + index
                + "].delay";
        Duration d;
        try {
            d = DurationText.parse(field, value);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        if (d.isNegative()) {
            throw new InvalidInputException(field + " '" + value + "' is negative");
        }
        return d;
    }
}
