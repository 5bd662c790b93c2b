package dev.followup.executor.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.TenantGrants;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Contact;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.TaskReason;
import dev.followup.executor.content.RenderedDraft;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.followup.executor.provider.DraftProvider.DraftResult;
import org.junit.jupiter.api.io.TempDir;

/** The local outbox: one line per task, also when two executors share the directory. */
class OutboxWriterTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);
    private static final RenderedDraft DRAFT = new RenderedDraft(null, "Hi");

    @TempDir
    Path dir;

    @Test
    void aTaskDraftedByOneExecutorIsFoundByAnotherSharingTheDirectory() throws Exception {
        OutboxWriter first = writer();
        OutboxWriter second = writer(); // another process: its own memory, the same files
        for (int i = 0; i < 50; i++) {
            first.draft(task("t" + i), DRAFT, null);
        }

        DraftResult again = second.draft(task("t7"), DRAFT, null);
        DraftResult next = second.draft(task("t50"), DRAFT, null);
        DraftResult seenByFirst = first.draft(task("t50"), DRAFT, null);

        List<String> lines = Files.readAllLines(dir.resolve("acme").resolve("sms.jsonl"), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(51);
        assertThat(again.providerRef()).isEqualTo("sms.jsonl:8");
        assertThat(next.providerRef()).isEqualTo("sms.jsonl:51");
        assertThat(seenByFirst.providerRef()).isEqualTo("sms.jsonl:51");
        assertThat(lines.get(50)).startsWith("{\"taskId\":\"t50\",");
    }

    @Test
    void aFileReplacedUnderneathIsReadAgainFromTheStart() throws Exception {
        OutboxWriter writer = writer();
        writer.draft(task("a"), DRAFT, null);
        writer.draft(task("b"), DRAFT, null);
        Files.writeString(dir.resolve("acme").resolve("sms.jsonl"), ""); // an operator emptied it

        writer.draft(task("b"), DRAFT, null);

        assertThat(Files.readAllLines(dir.resolve("acme").resolve("sms.jsonl"))).hasSize(1);
    }

    private OutboxWriter writer() {
        return new OutboxWriter(dir, new WebhookSecrets(Map.of("local", "s3cret"), TenantGrants.none()), "local", CLOCK);
    }

    private static DueTask task(String id) {
        return DueTask.newBuilder().setTaskId(id).setTenantId("acme").setLeadId("lead-" + id).setChannel(Channel.SMS)
                .setReason(TaskReason.MANUAL).setDueAt(CLOCK.instant()).setEmittedAt(CLOCK.instant()).setAttempt(1)
                .setContact(Contact.newBuilder().setName("Ada").setPhone("+15550000001").build()).build();
    }
}
