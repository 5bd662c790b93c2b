package dev.followup.executor;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Contact;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.TaskReason;
import java.time.Instant;
import java.util.Map;

/** Due tasks as the scheduler would emit them, for tests. */
public final class TestTasks {

    public static final Instant DUE = Instant.parse("2026-11-20T14:30:00Z");

    private TestTasks() {
    }

    public static DueTask.Builder task(String tenantId, String taskId, Channel channel) {
        return DueTask.newBuilder()
                .setTaskId(taskId)
                .setTenantId(tenantId)
                .setLeadId("lead-" + taskId)
                .setChannel(channel)
                .setReason(TaskReason.LEAD_SCORE)
                .setDueAt(DUE)
                .setEmittedAt(DUE.plusMillis(120))
                .setAttempt(1)
                .setContact(Contact.newBuilder().setName("Ada Lovelace").setEmail("ada@example.test")
                        .setPhone("+15551234567").setTimezone("Europe/London").build())
                .setContext(Map.of());
    }
}
