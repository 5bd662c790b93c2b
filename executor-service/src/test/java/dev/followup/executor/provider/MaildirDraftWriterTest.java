package dev.followup.executor.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.Channel;
import dev.followup.executor.TestTasks;
import dev.followup.executor.content.RenderedDraft;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildirDraftWriterTest {

    @TempDir
    Path root;

    private MaildirDraftWriter writer() {
        return new MaildirDraftWriter(root, "followup@localhost",
                Clock.fixed(Instant.parse("2026-11-20T14:30:01Z"), ZoneOffset.UTC), new TaskLocks(16));
    }

    @Test
    void writesOneRfc5322MessageIntoNewWithTheTaskHeader() throws IOException {
        DraftProvider.DraftResult result = writer().draft(TestTasks.task("acme", "task-1", Channel.EMAIL).build(),
                new RenderedDraft("Hello", "Body text"), null);
        Path file = root.resolve("acme/Drafts/new/followup-task-1");
        assertThat(file).exists();
        assertThat(result.providerRef()).isEqualTo("followup-task-1");
        String message = Files.readString(file);
        assertThat(message).contains("X-Followup-Task-Id: task-1", "Subject: Hello", "To: Ada Lovelace <ada@example.test>",
                "From: followup@localhost", "Body text");
        assertThat(root.resolve("acme/Drafts/tmp")).isEmptyDirectory();
    }

    @Test
    void aRedeliveredTaskFindsItsDraftEvenAfterAMailClientMovedItToCur() throws IOException {
        MaildirDraftWriter writer = writer();
        writer.draft(TestTasks.task("acme", "task-2", Channel.EMAIL).build(), new RenderedDraft("S", "B"), null);
        Path drafts = root.resolve("acme/Drafts");
        Files.move(drafts.resolve("new/followup-task-2"), drafts.resolve("cur/followup-task-2:2,DS"));
        DraftProvider.DraftResult again = writer.draft(TestTasks.task("acme", "task-2", Channel.EMAIL).build(),
                new RenderedDraft("S", "B"), null);
        assertThat(again.providerRef()).isEqualTo("followup-task-2:2,DS");
        try (Stream<Path> all = Stream.concat(Files.list(drafts.resolve("new")), Files.list(drafts.resolve("cur")))) {
            assertThat(all).hasSize(1);
        }
    }

    @Test
    void erasingALeadDeletesItsDraftsInNewAndCurAndNoOtherLeads() throws IOException {
        MaildirDraftWriter writer = writer();
        writer.draft(TestTasks.task("acme", "gone-1", Channel.EMAIL).setLeadId("gone").build(), new RenderedDraft("S", "B"), null);
        writer.draft(TestTasks.task("acme", "gone-2", Channel.EMAIL).setLeadId("gone").build(), new RenderedDraft("S", "B"), null);
        writer.draft(TestTasks.task("acme", "kept-1", Channel.EMAIL).setLeadId("kept").build(), new RenderedDraft("S", "B"), null);
        writer.draft(TestTasks.task("other", "gone-3", Channel.EMAIL).setLeadId("gone").build(), new RenderedDraft("S", "B"), null);
        Path drafts = root.resolve("acme/Drafts");
        Files.move(drafts.resolve("new/followup-gone-2"), drafts.resolve("cur/followup-gone-2:2,DS"));

        int deleted = writer.erase("acme", "gone", Channel.EMAIL, null);

        assertThat(deleted).isEqualTo(2);
        try (Stream<Path> all = Stream.concat(Files.list(drafts.resolve("new")), Files.list(drafts.resolve("cur")))) {
            assertThat(all).extracting(p -> p.getFileName().toString()).containsExactly("followup-kept-1");
        }
        assertThat(root.resolve("other/Drafts/new/followup-gone-3")).as("another tenant's lead of that id").exists();
        assertThat(writer.erase("acme", "gone", Channel.EMAIL, null)).isZero();
    }

    @Test
    void aTaskWithoutEmailIsAPermanentFailure() {
        assertThatThrownBy(() -> writer().draft(TestTasks.task("acme", "task-3", Channel.EMAIL)
                .setContact(dev.followup.events.v1.Contact.newBuilder().setName("No Mail").build()).build(),
                new RenderedDraft("S", "B"), null))
                .isInstanceOfSatisfying(ProviderFailure.class, f -> assertThat(f.permanent()).isTrue())
                .hasMessageContaining("contact.email");
    }
}
