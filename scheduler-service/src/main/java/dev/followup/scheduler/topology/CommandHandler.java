package dev.followup.scheduler.topology;

import dev.followup.events.Identifiers;
import dev.followup.events.LeadKey;
import dev.followup.events.v1.CancelFollowUps;
import dev.followup.events.v1.CancelTask;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.EnrollInSequence;
import dev.followup.events.v1.PauseFollowUps;
import dev.followup.events.v1.ResumeFollowUps;
import dev.followup.events.v1.RetryTask;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.scheduler.policy.Cancellation;
import dev.followup.scheduler.policy.InvalidInputException;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.PausePolicy;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskLifecycle;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands of one lead: schedule, cancel or retry a task ({@link TaskLifecycle}), cancel all follow-ups, enroll in a
 * sequence ({@link SequenceSteps}), pause and resume ({@link PausePolicy}). A command that changes nothing is logged.
 */
final class CommandHandler {

    /** The processor's log category, which these events have always had. */
    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);

    private final LeadState leads;
    private final TaskBook book;
    private final FollowUpPlanner planner;
    private final SequenceSteps sequences;

    CommandHandler(LeadState leads, TaskBook book, FollowUpPlanner planner, SequenceSteps sequences) {
        this.leads = leads;
        this.book = book;
        this.planner = planner;
        this.sequences = sequences;
    }

    void on(LeadKey key, Command command) {
        if (!Identifiers.isValid(command.getCommandId())) {
            throw new InvalidInputException(Identifiers.describe("commandId", command.getCommandId()));
        }
        Object payload = command.getPayload();
        Instant at = command.getIssuedAt();
        if (payload instanceof ScheduleTask schedule) {
            // the executor resolves it to a template file: a path-like id must not get that far
            if (schedule.getTemplateId() != null && !Identifiers.isValid(schedule.getTemplateId())) {
                throw new InvalidInputException(Identifiers.describe("templateId", schedule.getTemplateId()));
            }
            ScheduledTask task = TaskLifecycle.manual(key.tenantId(), key.leadId(), command.getCommandId(),
                    schedule.getChannel(), schedule.getDueAt(), schedule.getTemplateId(), schedule.getNote(), at);
            planner.planCommanded(leads.profile(key), leads.settingsOf(key.tenantId()), List.of(task), at);
        } else if (payload instanceof CancelTask cancel) {
            ScheduledTask task = book.ownTask(key, cancel.getTaskId());
            if (task != null && task.status().isOpen()) {
                book.save(task, planner.canceled(task, "canceled by command " + command.getCommandId(), at));
            } else {
                TaskBook.logIgnored("task.cancel_ignored", cancel.getTaskId(), task);
            }
        } else if (payload instanceof CancelFollowUps) {
            planner.cancel(key, Cancellation.all("follow-ups canceled by command " + command.getCommandId()), at);
        } else if (payload instanceof RetryTask retry) {
            retry(key, command.getCommandId(), retry, at);
        } else if (payload instanceof EnrollInSequence enroll) {
            sequences.enroll(key, command, enroll);
        } else if (payload instanceof PauseFollowUps) {
            pause(key, at);
        } else if (payload instanceof ResumeFollowUps) {
            resume(key, at);
        }
    }

    private void retry(LeadKey key, String commandId, RetryTask retry, Instant at) {
        ScheduledTask task = book.ownTask(key, retry.getTaskId());
        LeadProfile profile = leads.profile(key);
        if (TaskLifecycle.retryBlocked(task, profile)) {
            TaskBook.logIgnored("task.retry_blocked", retry.getTaskId(), task);
            return;
        }
        TaskLifecycle.retry(task, retry.getNotBefore(), at, commandId).ifPresentOrElse(
                next -> book.save(task, PausePolicy.hold(profile, next, at)),
                () -> TaskBook.logIgnored("task.retry_ignored", retry.getTaskId(), task));
    }

    private void pause(LeadKey key, Instant at) {
        LeadProfile profile = leads.profile(key);
        PausePolicy.pause(profile, at).ifPresentOrElse(paused -> {
            leads.putProfile(key, paused);
            for (ScheduledTask task : book.openTasksOf(key)) {
                ScheduledTask held = PausePolicy.hold(paused, task, at);
                if (held.status() != task.status()) {
                    book.save(task, held);
                }
            }
            log.atInfo().setMessage("lead.paused").addKeyValue("tenantId", key.tenantId())
                    .addKeyValue("leadId", key.leadId()).log();
        }, () -> log.atInfo().setMessage("lead.pause_ignored").addKeyValue("tenantId", key.tenantId())
                .addKeyValue("leadId", key.leadId()).addKeyValue("reason", "already paused").log());
    }

    private void resume(LeadKey key, Instant at) {
        PausePolicy.resume(leads.profile(key)).ifPresentOrElse(resumed -> {
            leads.putProfile(key, resumed);
            for (ScheduledTask task : book.openTasksOf(key)) {
                PausePolicy.release(task, at).ifPresent(released -> book.save(task, released));
            }
            log.atInfo().setMessage("lead.resumed").addKeyValue("tenantId", key.tenantId())
                    .addKeyValue("leadId", key.leadId()).log();
        }, () -> log.atInfo().setMessage("lead.resume_ignored").addKeyValue("tenantId", key.tenantId())
                .addKeyValue("leadId", key.leadId()).addKeyValue("reason", "not paused").log());
    }
}
