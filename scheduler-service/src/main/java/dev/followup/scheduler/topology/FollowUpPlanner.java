package dev.followup.scheduler.topology;

import dev.followup.events.LeadKey;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.Cancellation;
import dev.followup.scheduler.policy.DueTimeAdjuster;
import dev.followup.scheduler.policy.InvalidInputException;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.PausePolicy;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskMerge;
import dev.followup.scheduler.policy.TaskMerge.OpenTask;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies what a policy decided to a lead's tasks: planned tasks under the merge rule ({@link TaskMerge}), the lead's
 * blocks and pause ({@link PausePolicy}) and the due-time adjuster; cancellations, where a canceled sequence step ends
 * its enrollment. A new task for a lead that already has {@code maxOpenTasksPerLead} open (PENDING, HELD, EMITTED) tasks
 * is not created: a command is refused ({@link #planCommanded}), a policy's task skipped, logged {@code task.capped}
 * and counted.
 */
final class FollowUpPlanner {

    /** The processor's log category, which these events have always had. */
    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);

    private final TaskBook book;
    private final EnrollmentBook enrollments;
    private final DueTimeAdjuster dueTimeAdjuster;
    private final SchedulerEvents events;
    private final int maxOpenTasksPerLead;

    FollowUpPlanner(TaskBook book, EnrollmentBook enrollments, DueTimeAdjuster dueTimeAdjuster,
            SchedulerEvents events, int maxOpenTasksPerLead) {
        this.maxOpenTasksPerLead = maxOpenTasksPerLead;
        this.book = book;
        this.enrollments = enrollments;
        this.dueTimeAdjuster = dueTimeAdjuster;
        this.events = events;
    }

    /**
     * Stores each planned task under the merge rule; a blocked channel or {@code create == false} creates none. A new
     * task beyond the lead's cap is skipped, logged and counted.
     *
     * @return how many new tasks the cap kept out
     */
    int plan(LeadProfile profile, TenantSettings tenant, List<ScheduledTask> planned, Instant at, OpenTask openTask,
            boolean create) {
        return plan(profile, tenant, planned, at, openTask, create, false);
    }

    /**
     * {@link #plan} for what a command asked for: a new task beyond the lead's cap refuses the command (before anything
     * is written for it).
     *
     * @throws InvalidInputException naming the cap and its value
     */
    void planCommanded(LeadProfile profile, TenantSettings tenant, List<ScheduledTask> planned, Instant at) {
        plan(profile, tenant, planned, at, OpenTask.KEEP, true, true);
    }

    private int plan(LeadProfile profile, TenantSettings tenant, List<ScheduledTask> planned, Instant at,
            OpenTask openTask, boolean create, boolean refuseOverCap) {
        int capped = 0;
        Integer open = null; // counted at the first new task only: one read of the lead's index per call
        for (ScheduledTask candidate : planned) {
            if (profile.blocks(candidate.channel())) {
                TaskBook.logIgnored("task.blocked", candidate.taskId(), null);
                continue;
            }
            ScheduledTask existing = book.get(candidate.taskId());
            if (existing == null && !create) {
                continue;
            }
            if (existing == null) {
                if (open == null) {
                    open = openTasks(candidate.tenantId(), candidate.leadId());
                }
                if (open >= maxOpenTasksPerLead) {
                    if (refuseOverCap) {
                        throw new InvalidInputException("lead " + candidate.tenantId() + ":" + candidate.leadId()
                                + " has " + open + " open tasks: max-open-tasks-per-lead " + maxOpenTasksPerLead
                                + " reached");
                    }
                    capped++;
                    events.taskCapped(candidate.channel());
                    log.atWarn().setMessage("task.capped").addKeyValue("tenantId", candidate.tenantId())
                            .addKeyValue("leadId", candidate.leadId()).addKeyValue("taskId", candidate.taskId())
                            .addKeyValue("source", candidate.source()).addKeyValue("openTasks", open)
                            .addKeyValue("maxOpenTasksPerLead", maxOpenTasksPerLead).log();
                    continue;
                }
                open++;
            }
            Instant due = dueTimeAdjuster.adjust(candidate, tenant, profile.timezone());
            ScheduledTask adjusted = candidate.rescheduled(candidate.anchorAt(), candidate.originalDueAt(), due,
                    candidate.context(), candidate.statusAt());
            TaskMerge.merge(existing, adjusted, at, openTask).map(t -> PausePolicy.hold(profile, t, at)).ifPresent(next -> {
                book.save(existing, next);
                log.atDebug().setMessage(existing == null ? "task.scheduled" : "task.rescheduled")
                        .addKeyValue("taskId", next.taskId()).addKeyValue("dueAt", next.dueAt()).log();
            });
        }
        return capped;
    }

    int maxOpenTasksPerLead() {
        return maxOpenTasksPerLead;
    }

    /**
     * The lead's open (PENDING, HELD, EMITTED) tasks, from the open-task index (finished tasks cost nothing); done at
     * most once per planning call, only when it creates a task.
     */
    private int openTasks(String tenantId, String leadId) {
        return book.openTasksOf(tenantId + ":" + leadId).size();
    }

    void cancel(LeadKey key, Cancellation cancellation, Instant at) {
        if (cancellation.endsEnrollments()) {
            enrollments.endActive(key, cancellation.reason(), at);
        }
        cancel(key, cancellation::matches, cancellation.reason(), at);
    }

    void cancel(LeadKey key, Predicate<ScheduledTask> which, String reason, Instant at) {
        for (ScheduledTask task : book.openTasksOf(key)) {
            if (task.status().isOpen() && which.test(task)) {
                book.save(task, canceled(task, reason, at));
            }
        }
    }

    /** {@code task} canceled at {@code at} (the caller saves it); a sequence step ends its enrollment. */
    ScheduledTask canceled(ScheduledTask task, String reason, Instant at) {
        events.taskCanceled(task.channel());
        log.atDebug().setMessage("task.canceled").addKeyValue("taskId", task.taskId()).addKeyValue("reason", reason).log();
        if (task.source() == TaskReason.SEQUENCE) {
            enrollments.endOfStep(task, reason, at);
        }
        return task.withStatus(TaskStatus.CANCELED, at, reason);
    }
}
