package dev.followup.scheduler.policy;

import dev.followup.events.v1.Contact;
import dev.followup.events.v1.DueTask;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What a task carries when it fires: its own fields, the lead's contact snapshot and the template context. A lead
 * never captured (no profile) still gets its task, named by its lead id; the template context is the lead's
 * attributes overlaid by the task's own context, which wins on a shared key.
 */
public final class DueTaskContent {

    private DueTaskContent() {
    }

    /** The due task of {@code task} emitted at {@code emittedAt}; {@code profile} may be null (never captured). */
    public static DueTask of(ScheduledTask task, LeadProfile profile, Instant emittedAt) {
        if (profile == null) {
            profile = LeadProfile.UNKNOWN;
        }
        return DueTask.newBuilder()
                .setTaskId(task.taskId())
                .setTenantId(task.tenantId())
                .setLeadId(task.leadId())
                .setBookingId(task.bookingId())
                .setSequenceId(task.sequenceId())
                .setStepIndex(task.stepIndex())
                .setChannel(task.channel())
                .setReason(task.emittedReason())
                .setDueAt(task.dueAt())
                .setEmittedAt(emittedAt)
                .setAttempt(task.attempt())
                .setContact(contact(task, profile))
                .setTemplateId(task.templateId())
                .setSubject(task.subject())
                .setBody(task.body())
                .setContext(templateContext(task, profile))
                .build();
    }

    /** The lead's contact; a lead never captured is named by its lead id (the executor shows it as the name). */
    static Contact contact(ScheduledTask task, LeadProfile profile) {
        return Contact.newBuilder()
                .setName(profile.name() != null ? profile.name() : task.leadId())
                .setEmail(profile.email())
                .setPhone(profile.phone())
                .setTimezone(profile.timezone())
                .build();
    }

    /** The lead's attributes, then the task's context on top (a task's own value wins). */
    static Map<String, String> templateContext(ScheduledTask task, LeadProfile profile) {
        Map<String, String> context = new HashMap<>(profile.attributes());
        context.putAll(task.context());
        return context;
    }
}
