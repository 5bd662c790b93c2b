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

    @Test
    void aFileIsRotatedBeforeItWouldPassItsMaximumAndTheIndexHoldsAtMostTwoFiles() throws Exception {
        long max = 2_000;
        OutboxWriter writer = writer(CLOCK, max);
        for (int i = 0; i < 40; i++) {
            writer.draft(task("t" + i), DRAFT, null);
        }

        List<Path> files = outboxFiles();
        assertThat(files.size()).isGreaterThan(5);
        assertThat(files).allSatisfy(f -> assertThat(Files.size(f)).isLessThanOrEqualTo(max));
        assertThat(files).extracting(f -> f.getFileName().toString()).contains("sms.jsonl", "sms-2026-11-23-1.jsonl");
        assertThat(allLines()).hasSize(40).doesNotHaveDuplicates();
        long lastTwoFiles = Files.readAllLines(dir.resolve("acme/sms.jsonl")).size()
                + Files.readAllLines(newestRotated()).size();
        assertThat(writer.indexed("acme", Channel.SMS)).isEqualTo(lastTwoFiles).isLessThan(40);
    }

    @Test
    void aTaskRedeliveredJustAfterItsFileWasRotatedIsFoundThereByAFreshWriter() throws Exception {
        OutboxWriter writer = writer(CLOCK, 2_000);
        for (int i = 0; i < 40; i++) {
            writer.draft(task("t" + i), DRAFT, null);
        }
        String lastRotatedTask = Files.readAllLines(newestRotated()).get(0).replaceAll("^\\{\"taskId\":\"([^\"]+)\".*", "$1");

        DraftResult again = writer(CLOCK, 2_000).draft(task(lastRotatedTask), DRAFT, null); // after a restart

        assertThat(again.providerRef()).isEqualTo(newestRotated().getFileName() + ":1");
        assertThat(allLines()).hasSize(40);
    }

    @Test
    void aNewUtcDayStartsANewFileAndTheOldOneIsNamedAfterItsDay() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-23T23:59:00Z"));
        OutboxWriter writer = writer(clock, 64L * 1024 * 1024);
        writer.draft(task("late"), DRAFT, null);
        clock.now = Instant.parse("2026-11-24T00:01:00Z");

        writer.draft(task("early"), DRAFT, null);
        DraftResult again = writer.draft(task("late"), DRAFT, null);

        assertThat(Files.readAllLines(dir.resolve("acme/sms-2026-11-23-1.jsonl"))).hasSize(1).allMatch(l -> l.contains("\"late\""));
        assertThat(Files.readAllLines(dir.resolve("acme/sms.jsonl"))).hasSize(1).allMatch(l -> l.contains("\"early\""));
        assertThat(again.providerRef()).isEqualTo("sms-2026-11-23-1.jsonl:1");
    }

    @Test
    void aFileLargerThanOneReadIsIndexedInChunksByAnotherWriter() throws Exception {
        OutboxWriter first = writer();
        for (int i = 0; i < 400; i++) {
            first.draft(task("big" + i), DRAFT, null);
        }
        assertThat(Files.size(dir.resolve("acme/sms.jsonl"))).isGreaterThan(3L * OutboxWriter.CHUNK);

        OutboxWriter second = writer();
        DraftResult early = second.draft(task("big7"), DRAFT, null);
        DraftResult last = second.draft(task("big399"), DRAFT, null);

        assertThat(early.providerRef()).isEqualTo("sms.jsonl:8");
        assertThat(last.providerRef()).isEqualTo("sms.jsonl:400");
        assertThat(Files.readAllLines(dir.resolve("acme/sms.jsonl"))).hasSize(400);
    }

    @Test
    void erasingALeadRewritesEveryFileOfTheChannelWithoutItsLines() throws Exception {
        OutboxWriter writer = writer(CLOCK, 2_000);
        for (int i = 0; i < 30; i++) {
            writer.draft(task("e" + i, i % 3 == 0 ? "erased" : "other-" + i), DRAFT, null);
        }

        int removed = writer.erase("acme", "erased", Channel.SMS, null);
        DraftResult again = writer.draft(task("e29", "other-29"), DRAFT, null);

        assertThat(removed).isEqualTo(10);
        assertThat(allLines()).hasSize(20).noneMatch(l -> l.contains("\\\"leadId\\\":\\\"erased\\\""))
                .anyMatch(l -> l.contains("\\\"leadId\\\":\\\"other-29\\\""));
        assertThat(again.providerRef()).startsWith("sms.jsonl:");
        assertThat(writer.erase("acme", "erased", Channel.SMS, null)).isZero();
    }

    private List<Path> outboxFiles() throws Exception {
        try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("acme"))) {
            return files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    private List<String> allLines() throws Exception {
        List<String> lines = new java.util.ArrayList<>();
        for (Path f : outboxFiles()) {
            lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
        }
        return lines;
    }

    private Path newestRotated() throws Exception {
        return outboxFiles().stream().filter(f -> !f.getFileName().toString().equals("sms.jsonl"))
                .max(java.util.Comparator.comparingInt(f -> Integer.parseInt(
                        f.getFileName().toString().replaceAll(".*-(\\d+)\\.jsonl$", "$1")))).orElseThrow();
    }

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private OutboxWriter writer() {
        return new OutboxWriter(dir, new WebhookSecrets(Map.of("local", "s3cret"), TenantGrants.none()), "local", CLOCK);
    }

    private OutboxWriter writer(Clock clock, long maxFileBytes) {
        return new OutboxWriter(dir, new WebhookSecrets(Map.of("local", "s3cret"), TenantGrants.none()), "local", clock,
                maxFileBytes);
    }

    private static DueTask task(String id) {
        return task(id, "lead-" + id);
    }

    private static DueTask task(String id, String lead) {
        return DueTask.newBuilder().setTaskId(id).setTenantId("acme").setLeadId(lead).setChannel(Channel.SMS)
                .setReason(TaskReason.MANUAL).setDueAt(CLOCK.instant()).setEmittedAt(CLOCK.instant()).setAttempt(1)
                .setContact(Contact.newBuilder().setName("Ada").setPhone("+15550000001").build()).build();
    }
}
