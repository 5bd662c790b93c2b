package dev.followup.executor.provider;

import dev.followup.events.Identifiers;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.executor.content.RenderedDraft;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

/**
 * The local email provider: one RFC 5322 file per draft in {@code <data-dir>/mail/<tenantId>/Drafts/}, written to
 * {@code tmp/} and renamed into {@code new/} (the Maildir delivery protocol). The file is named after the task
 * ({@code followup-<taskId>}), so a redelivered task finds its draft in {@code new/} or, once a mail client has
 * seen it, in {@code cur/} (as {@code followup-<taskId>:2,<flags>}).
 */
public final class MaildirDraftWriter implements DraftProvider {

    private final Path mailRoot;
    private final String from;
    private final Clock clock;
    private final TaskLocks locks;

    public MaildirDraftWriter(Path mailRoot, String from, Clock clock, TaskLocks locks) {
        this.mailRoot = mailRoot;
        this.from = from;
        this.clock = clock;
        this.locks = locks;
    }

    @Override
    public String name() {
        return "maildir";
    }

    @Override
    public DraftResult draft(DueTask task, RenderedDraft content, ChannelSettings channel) {
        Identifiers.require("tenantId", task.getTenantId());
        Identifiers.require("taskId", task.getTaskId());
        MimeMessage message = EmailMessages.draftOf(task, content, from, clock.instant(), null);
        Path drafts = mailRoot.resolve(task.getTenantId()).resolve("Drafts");
        String fileName = "followup-" + task.getTaskId();
        return locks.withLock(task.getTaskId(), () -> {
            try {
                for (String sub : new String[] {"tmp", "new", "cur"}) {
                    Files.createDirectories(drafts.resolve(sub));
                }
                Path existing = find(drafts, fileName);
                if (existing != null) {
                    return new DraftResult(existing.getFileName().toString(), existing.toUri().toString());
                }
                Path tmp = drafts.resolve("tmp").resolve(fileName);
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    message.writeTo(out);
                }
                Path target = drafts.resolve("new").resolve(fileName);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                return new DraftResult(fileName, target.toUri().toString());
            } catch (IOException | MessagingException e) {
                throw ProviderFailure.retriable("cannot write the Maildir draft: " + e.getMessage(), e);
            }
        });
    }

    private static Path find(Path drafts, String fileName) throws IOException {
        Path inNew = drafts.resolve("new").resolve(fileName);
        if (Files.exists(inNew)) {
            return inNew;
        }
        try (DirectoryStream<Path> cur = Files.newDirectoryStream(drafts.resolve("cur"), fileName + "*")) {
            for (Path p : cur) {
                String n = p.getFileName().toString();
                if (n.equals(fileName) || n.startsWith(fileName + ":")) {
                    return p;
                }
            }
        }
        return null;
    }
}
