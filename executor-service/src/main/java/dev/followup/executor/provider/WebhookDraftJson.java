package dev.followup.executor.provider;

import dev.followup.events.v1.DueTask;
import dev.followup.executor.content.RenderedDraft;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** The JSON draft of an SMS or call task, as webhooks and the outbox receive it. */
final class WebhookDraftJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private WebhookDraftJson() {
    }

    static String of(DueTask task, RenderedDraft content) {
        if (task.getContact().getPhone() == null || task.getContact().getPhone().isBlank()) {
            throw ProviderFailure.permanent("contact.phone is missing: a " + task.getChannel() + " task needs the lead's number");
        }
        Map<String, Object> draft = new LinkedHashMap<>();
        draft.put("type", task.getChannel().name().toLowerCase(java.util.Locale.ROOT) + ".draft");
        draft.put("taskId", task.getTaskId());
        draft.put("tenantId", task.getTenantId());
        draft.put("leadId", task.getLeadId());
        draft.put("channel", task.getChannel().name());
        draft.put("reason", task.getReason().name());
        draft.put("attempt", task.getAttempt());
        draft.put("dueAt", task.getDueAt().toString());
        Map<String, Object> to = new LinkedHashMap<>();
        to.put("name", task.getContact().getName());
        to.put("phone", task.getContact().getPhone());
        to.put("email", task.getContact().getEmail());
        to.put("timezone", task.getContact().getTimezone());
        draft.put("to", to);
        if (content.subject() != null) {
            draft.put("subject", content.subject());
        }
        draft.put("body", content.body());
        draft.put("bookingId", task.getBookingId());
        draft.put("sequenceId", task.getSequenceId());
        draft.put("stepIndex", task.getStepIndex());
        draft.put("templateId", task.getTemplateId());
        draft.put("context", task.getContext());
        return JSON.writeValueAsString(draft);
    }
}
