package dev.followup.scheduler.policy;

import dev.followup.events.DurationText;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadFollowUp;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lead rules: a lead captured or scored at or above the tenant's threshold (with automation on) gets the
 * tenant's {@code leadFollowUps}, each a delay after the event's {@code occurredAt}; a later score below the
 * threshold cancels the pending ones; engagement cancels some or all of the lead's tasks.
 */
public final class LeadFollowUpPolicy {

    private LeadFollowUpPolicy() {
    }

    /** What a score does. */
    public sealed interface ScoreDecision {
        record Schedule(List<ScheduledTask> tasks) implements ScoreDecision {
        }

        record Cancel(Cancellation cancellation) implements ScoreDecision {
        }

        record Ignore() implements ScoreDecision {
        }
    }

    /**
     * The decision for a score {@code predProb} that occurred at {@code occurredAt}.
     *
     * @throws InvalidInputException if the score is outside 0..1 or a follow-up delay of the settings is invalid
     */
    public static ScoreDecision onScore(TenantSettings settings, String tenantId, String leadId, double predProb,
            Instant occurredAt) {
        if (Double.isNaN(predProb) || predProb < 0 || predProb > 1) {
            throw new InvalidInputException("predProb " + predProb + " is outside 0..1");
        }
        if (predProb < settings.getLeadScoreThreshold()) {
            return new ScoreDecision.Cancel(Cancellation.sources(EnumSet.of(TaskReason.LEAD_SCORE),
                    "score " + predProb + " below threshold " + settings.getLeadScoreThreshold()));
        }
        if (!settings.getAutoEnabled()) {
            return new ScoreDecision.Ignore();
        }
        return new ScoreDecision.Schedule(followUps(settings, tenantId, leadId, occurredAt));
    }

    /** The tenant's lead follow-ups after a qualifying score at {@code scoredAt}. */
    public static List<ScheduledTask> followUps(TenantSettings settings, String tenantId, String leadId, Instant scoredAt) {
        List<ScheduledTask> tasks = new ArrayList<>();
        List<LeadFollowUp> followUps = settings.getLeadFollowUps();
        for (int i = 0; i < followUps.size(); i++) {
            LeadFollowUp f = followUps.get(i);
            Duration delay = delay("leadFollowUps[" + i + "].delay", f.getDelay());
            Instant due = scoredAt.plus(delay);
            tasks.add(ScheduledTask.pending(TaskIds.leadScore(tenantId, leadId, i), tenantId, leadId,
                    TaskReason.LEAD_SCORE, f.getChannel(), scoredAt, due, null, null, Map.of()));
        }
        return tasks;
    }

    /**
     * What an engagement cancels: REPLIED, BOOKED and CONVERTED cancel the pending lead-score (and sequence) tasks;
     * OPTED_OUT cancels everything and blocks new tasks; BOUNCED cancels and blocks email only.
     */
    public static Cancellation onEngaged(EngagementKind kind) {
        return switch (kind) {
            case REPLIED, BOOKED, CONVERTED -> Cancellation.sources(EnumSet.of(TaskReason.LEAD_SCORE, TaskReason.SEQUENCE),
                    "lead engaged: " + kind);
            case OPTED_OUT -> Cancellation.all("lead opted out");
            case BOUNCED -> Cancellation.channel(dev.followup.events.v1.Channel.EMAIL, "lead email bounced");
        };
    }

    /** The profile after an engagement (OPTED_OUT and BOUNCED block), or empty if it does not change. */
    public static Optional<LeadProfile> profileAfter(LeadProfile profile, EngagementKind kind) {
        return switch (kind) {
            case OPTED_OUT -> Optional.of(profile.optOut());
            case BOUNCED -> Optional.of(profile.bounceEmail());
            default -> Optional.empty();
        };
    }

    private static Duration delay(String field, String value) {
        try {
            Duration d = DurationText.parse(field, value);
            if (d.isNegative()) {
                throw new InvalidInputException("tenant settings " + field + " '" + value + "' is negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("tenant settings " + e.getMessage());
        }
    }
}
