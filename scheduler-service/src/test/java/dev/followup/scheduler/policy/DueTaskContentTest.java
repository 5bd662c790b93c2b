package dev.followup.scheduler.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.TaskReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DueTaskContentTest {

    private static final Instant DUE = Instant.parse("2026-03-02T12:00:00Z");
    private static final Instant EMITTED = DUE.plus(Duration.ofMillis(40));

    private static final LeadProfile ADA = LeadProfile.UNKNOWN.withContact("Ada Lovelace", "ada@example.com",
            "+15550100", "Europe/London", Map.of("company", "Analytical Engines", "note", "from the lead"));

    private static ScheduledTask manual(Map<String, String> context) {
        return ScheduledTask.pending("mn-1", "acme", "lead-1", TaskReason.MANUAL, Channel.CALL, DUE, DUE, null,
                "tpl-call", context);
    }

    @Test
    void carriesTheTaskAndTheLeadsContact() {
        DueTask due = DueTaskContent.of(manual(Map.of()), ADA, EMITTED);

        assertThat(due.getTaskId()).isEqualTo("mn-1");
        assertThat(due.getTenantId()).isEqualTo("acme");
        assertThat(due.getLeadId()).isEqualTo("lead-1");
        assertThat(due.getChannel()).isEqualTo(Channel.CALL);
        assertThat(due.getReason()).isEqualTo(TaskReason.MANUAL);
        assertThat(due.getDueAt()).isEqualTo(DUE);
        assertThat(due.getEmittedAt()).isEqualTo(EMITTED);
        assertThat(due.getAttempt()).isEqualTo(1);
        assertThat(due.getTemplateId()).isEqualTo("tpl-call");
        assertThat(due.getContact().getName()).isEqualTo("Ada Lovelace");
        assertThat(due.getContact().getEmail()).isEqualTo("ada@example.com");
        assertThat(due.getContact().getPhone()).isEqualTo("+15550100");
        assertThat(due.getContact().getTimezone()).isEqualTo("Europe/London");
    }

    @Test
    void aLeadNeverCapturedIsNamedByItsLeadId() {
        DueTask due = DueTaskContent.of(manual(Map.of("note", "call about pricing")), null, EMITTED);

        assertThat(due.getContact().getName()).isEqualTo("lead-1");
        assertThat(due.getContact().getEmail()).isNull();
        assertThat(due.getContact().getPhone()).isNull();
        assertThat(due.getContext()).containsExactly(Map.entry("note", "call about pricing"));
    }

    @Test
    void theTasksOwnContextWinsOverTheLeadsAttributes() {
        DueTask due = DueTaskContent.of(manual(Map.of("note", "call about pricing")), ADA, EMITTED);

        assertThat(due.getContext()).containsOnly(Map.entry("company", "Analytical Engines"),
                Map.entry("note", "call about pricing"));
    }

    @Test
    void aLaterAttemptIsEmittedAsARetry() {
        ScheduledTask second = manual(Map.of()).nextAttempt(DUE, DUE, "cmd-retry");

        DueTask due = DueTaskContent.of(second, ADA, EMITTED);

        assertThat(due.getReason()).isEqualTo(TaskReason.RETRY);
        assertThat(due.getAttempt()).isEqualTo(2);
    }
}
