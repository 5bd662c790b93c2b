package dev.followup.scheduler.policy;

import dev.followup.events.DurationText;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.SequenceStep;
import dev.followup.events.v1.StepRepeat;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TenantSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
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
 *
 * <p>A recurring step ({@code repeat}, see {@link RecurrencePolicy}) runs as one task per occurrence: the first is
 * scheduled like a step, each next one when the previous one is emitted (not on its receipt, so a slow executor does
 * not shift the schedule), and the sequence goes on from the last occurrence's receipt. Receipts of earlier
 * occurrences record their outcome only.
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
            String sequenceId, String commandId, Instant issuedAt, Instant startAt, LeadProfile profile,
            TenantSettings tenant) {
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
            repeat(definition, i);
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
        return new EnrollDecision.Start(advance(definition, enrollment, 0, start, issuedAt, profile, tenant));
    }

    /**
     * What the receipt of task {@code taskId} does to {@code enrollment}; empty when it is not the receipt of the
     * current step of an active enrollment. An invalid next step stops the enrollment (the receipt is not at fault).
     */
    public static Optional<Transition> afterReceipt(Enrollment enrollment, String taskId, ReceiptStatus status,
            Instant completedAt, String error, SequenceDefinition definition, LeadProfile profile,
            TenantSettings tenant) {
        if (enrollment == null || !enrollment.isActive() || !taskId.equals(enrollment.taskId())) {
            return Optional.empty();
        }
        if (enrollment.occurrence() != null && !Integer.valueOf(0).equals(enrollment.remaining())) {
            return Optional.empty(); // an occurrence that is not the last: the next one is already scheduled
        }
        if (status == ReceiptStatus.FAILED || status == ReceiptStatus.DEAD) {
            return Optional.of(new Transition(enrollment.ended(EnrollmentStatus.FAILED, completedAt,
                    "step " + enrollment.step() + " " + status + (error == null ? "" : ": " + error)), null));
        }
        try {
            return Optional.of(advance(definition, enrollment, enrollment.step() + 1, completedAt, completedAt, profile,
                    tenant));
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
     * What the emission of occurrence task {@code taskId} does to {@code enrollment}: the next occurrence of its step,
     * read from the definition current now (so an edit or a stop applies to every later run), or, after the last one,
     * the enrollment waits for that occurrence's receipt to go on. Empty when {@code taskId} is not the current
     * occurrence of an active enrollment (a replay, a late answer).
     */
    public static Optional<Transition> afterOccurrenceEmitted(Enrollment enrollment, String taskId, Instant emittedAt,
            SequenceDefinition definition, LeadProfile profile, TenantSettings tenant) {
        if (enrollment == null || !enrollment.isActive() || !taskId.equals(enrollment.taskId())
                || enrollment.occurrence() == null) {
            return Optional.empty();
        }
        int index = enrollment.step();
        if (withdrawn(definition).isPresent() || index >= definition.getSteps().size()
                || definition.getSteps().get(index).getRepeat() == null
                || definition.getSteps().get(index).getType() == StepType.WAIT) {
            // no further occurrence; the receipt of this one decides what comes next
            return Optional.of(new Transition(enrollment.afterLastOccurrence(emittedAt), null));
        }
        SequenceStep step = definition.getSteps().get(index);
        try {
            RecurrencePolicy.Rule rule = repeat(definition, index);
            ZoneId zone = zone(tenant, profile);
            WorkingCalendar days = WorkingCalendar.of(tenant);
            return Optional.of(RecurrencePolicy.next(rule, enrollment.occurrence(), zone, days)
                    .map(next -> occurrence(enrollment, index, step, rule, next, zone, days, emittedAt, profile))
                    .orElseGet(() -> new Transition(enrollment.afterLastOccurrence(emittedAt), null)));
        } catch (InvalidInputException e) {
            return Optional.of(new Transition(enrollment.ended(EnrollmentStatus.STOPPED, emittedAt, e.getMessage()),
                    null));
        }
    }

    /**
     * The first non-WAIT step at or after {@code from}, due at {@code anchor} plus the delays of the WAIT steps
     * before it and its own (a recurring step: its first occurrence at or after that time); COMPLETED when there is
     * none. A recurring step without any occurrence (its {@code until} passed) is skipped like a WAIT step.
     */
    static Transition advance(SequenceDefinition definition, Enrollment enrollment, int from, Instant anchor,
            Instant at, LeadProfile profile, TenantSettings tenant) {
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
            if (step.getRepeat() != null) {
                RecurrencePolicy.Rule rule = repeat(definition, i);
                ZoneId zone = zone(tenant, profile);
                WorkingCalendar days = WorkingCalendar.of(tenant);
                Optional<RecurrencePolicy.Occurrence> first = RecurrencePolicy.first(rule, anchor.plus(delay), zone,
                        days);
                if (first.isEmpty()) {
                    continue;
                }
                return occurrence(enrollment, i, step, rule, first.get(), zone, days, at, profile);
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

    /** The task of occurrence {@code o} of recurring step {@code index}, and the enrollment at it. */
    private static Transition occurrence(Enrollment enrollment, int index, SequenceStep step,
            RecurrencePolicy.Rule rule, RecurrencePolicy.Occurrence o, ZoneId zone, WorkingCalendar days, Instant at,
            LeadProfile profile) {
        Channel channel = Channel.valueOf(step.getType().name());
        if (profile.blocks(channel)) {
            return new Transition(enrollment.ended(EnrollmentStatus.STOPPED, at,
                    "step " + index + ": " + channel + " is blocked for the lead"), null);
        }
        String taskId = TaskIds.occurrence(enrollment.tenantId(), enrollment.leadId(), enrollment.sequenceId(),
                enrollment.number(), index, o.key());
        ScheduledTask task = ScheduledTask.ofOccurrence(taskId, enrollment.tenantId(), enrollment.leadId(),
                enrollment.sequenceId(), index, channel, o.at(), o, o.at(), !rule.inSendWindow(), step.getTemplateId(),
                step.getSubject(), step.getBody());
        return new Transition(enrollment.atOccurrence(index, taskId, o,
                RecurrencePolicy.remaining(rule, o, zone, days), at), task);
    }

    /** The lead's time zone, else the tenant's. */
    private static ZoneId zone(TenantSettings tenant, LeadProfile profile) {
        return profile.timezone() != null ? BookingFollowUpPolicy.zone("lead timezone", profile.timezone())
                : BookingFollowUpPolicy.zone("tenant settings timezone", tenant.getTimezone());
    }

    /**
     * Refuses a definition with a recurring step that fires more often than {@code min}
     * ({@link RecurrencePolicy#requireMinInterval}); a null definition passes (the caller decides about unknown ones), and
     * so does a repeat that does not parse ({@link #enroll} refuses it, naming the field).
     *
     * @throws InvalidInputException naming {@code steps[i].repeat.every} or {@code .cron}, the value and the minimum
     */
    public static void requireMinInterval(SequenceDefinition definition, Duration min) {
        if (definition == null || definition.getSteps() == null) {
            return;
        }
        for (int i = 0; i < definition.getSteps().size(); i++) {
            RecurrencePolicy.Rule rule;
            try {
                rule = repeat(definition, i);
            } catch (InvalidInputException invalid) {
                continue;
            }
            if (rule != null) {
                RecurrencePolicy.requireMinInterval(repeatField(definition, i), definition.getSteps().get(i).getRepeat(),
                        rule, min);
            }
        }
    }

    /** The parsed repeat of step {@code index}, or null when the step runs once. */
    private static RecurrencePolicy.Rule repeat(SequenceDefinition definition, int index) {
        StepRepeat repeat = definition.getSteps().get(index).getRepeat();
        if (repeat == null) {
            return null;
        }
        return RecurrencePolicy.rule(repeatField(definition, index), repeat);
    }

    private static String repeatField(SequenceDefinition definition, int index) {
        return "sequence " + definition.getTenantId() + ":" + definition.getSequenceId() + " steps[" + index
                + "].repeat";
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
