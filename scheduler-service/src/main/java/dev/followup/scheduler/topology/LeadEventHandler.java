package dev.followup.scheduler.topology;

import dev.followup.events.LeadKey;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadErased;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.LeadScored;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.BookingFollowUpPolicy;
import dev.followup.scheduler.policy.Cancellation;
import dev.followup.scheduler.policy.LeadFollowUpPolicy;
import dev.followup.scheduler.policy.LeadFollowUpPolicy.ScoreDecision;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskMerge.OpenTask;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lead events: a capture updates the contact snapshot (and may score), a score plans or cancels follow-ups
 * ({@link LeadFollowUpPolicy}), an engagement cancels and may block (an opt-out also puts the lead's address on its
 * tenant's suppression list, {@link AddressSuppressions}), an erasure cancels everything and forgets the lead's
 * personal data (a suppression entry stays: it holds no address, only its hash).
 */
final class LeadEventHandler {

    /** The processor's log category, which these events have always had. */
    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);

    private final LeadState leads;
    private final TaskBook book;
    private final EnrollmentBook enrollments;
    private final FollowUpPlanner planner;
    private final AddressSuppressions suppressions;

    LeadEventHandler(LeadState leads, TaskBook book, EnrollmentBook enrollments, FollowUpPlanner planner,
            AddressSuppressions suppressions) {
        this.suppressions = suppressions;
        this.leads = leads;
        this.book = book;
        this.enrollments = enrollments;
        this.planner = planner;
    }

    void on(LeadKey key, LeadEvent event) {
        Instant at = event.getOccurredAt();
        LeadProfile profile = leads.profile(key);
        Object payload = event.getPayload();
        if (payload instanceof LeadCaptured captured) {
            if (captured.getTimezone() != null) {
                BookingFollowUpPolicy.zone("timezone", captured.getTimezone());
            }
            LeadProfile updated = profile.withContact(captured.getName(), captured.getEmail(), captured.getPhone(),
                    captured.getTimezone(), captured.getAttributes());
            leads.putProfile(key, updated);
            if (updated.optedOut() && !updated.erased()) { // an address learnt after the opt-out is suppressed too
                suppressions.add(key, updated, at);
            }
            if (captured.getPredProb() != null) {
                onScore(key, updated, captured.getPredProb(), at);
            }
        } else if (payload instanceof LeadScored scored) {
            onScore(key, profile, scored.getPredProb(), at);
        } else if (payload instanceof LeadEngaged engaged) {
            LeadFollowUpPolicy.profileAfter(profile, engaged.getKind()).ifPresent(p -> leads.putProfile(key, p));
            if (engaged.getKind() == EngagementKind.OPTED_OUT) { // the address, for every lead of the tenant
                suppressions.add(key, profile, at);
            }
            planner.cancel(key, LeadFollowUpPolicy.onEngaged(engaged.getKind()), at);
        } else if (payload instanceof LeadErased) {
            erase(key, profile, at);
        }
    }

    private void onScore(LeadKey key, LeadProfile profile, double predProb, Instant at) {
        TenantSettings tenant = leads.settingsOf(key.tenantId());
        ScoreDecision decision = LeadFollowUpPolicy.onScore(tenant, key.tenantId(), key.leadId(), predProb, at);
        if (decision instanceof ScoreDecision.Schedule schedule) {
            planner.plan(profile, tenant, schedule.tasks(), at, OpenTask.KEEP, true);
        } else if (decision instanceof ScoreDecision.Cancel cancel) {
            planner.cancel(key, cancel.cancellation(), at);
        }
    }

    /** Cancels every open task, ends every enrollment and strips personal data from every task of the lead. */
    private void erase(LeadKey key, LeadProfile profile, Instant at) {
        leads.putProfile(key, profile.erase());
        Cancellation all = Cancellation.all("lead erased");
        enrollments.endActive(key, all.reason(), at);
        for (ScheduledTask task : book.tasksOf(key)) { // every task: finished ones lose their personal data too
            ScheduledTask next = all.matches(task) ? planner.canceled(task, all.reason(), at) : task;
            book.save(task, next.withoutPersonalData());
        }
        log.atInfo().setMessage("lead.erased").addKeyValue("tenantId", key.tenantId())
                .addKeyValue("leadId", key.leadId()).log();
    }
}
