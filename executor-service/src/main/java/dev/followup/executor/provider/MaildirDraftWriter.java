package dev.followup.executor.provider;

import dev.followup.events.Identifiers;
import dev.followup.events.v1.Channel;
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
 * seen it, in {@code cur/} (as {@code followup-<taskId>:2,<flags>}). Each draft carries {@code X-Followup-Lead-Id},
 * by which an erasure finds the lead's drafts.
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

    /**
     * Deletes the tenant's drafts whose {@code X-Followup-Lead-Id} header names the lead, in {@code new/}, {@code cur/}
     * and {@code tmp/}; reads only each file's header block. Drafts made before that header existed are not found.
     */
    @Override
    public int erase(String tenantId, String leadId, Channel channel, ChannelSettings settings) {
        Identifiers.require("tenantId", tenantId);
        Path drafts = mailRoot.resolve(tenantId).resolve("Drafts");
        int deleted = 0;
        try {
            for (String sub : new String[] {"new", "cur", "tmp"}) {
                Path dir = drafts.resolve(sub);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "followup-*")) {
                    for (Path file : files) {
                        if (leadOf(file).equals(leadId) && Files.deleteIfExists(file)) {
                            deleted++;
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw ProviderFailure.retriable("cannot erase the lead's Maildir drafts: " + e.getMessage(), e);
        }
        return deleted;
    }

    /** The {@code X-Followup-Lead-Id} of a draft file, or "" (read up to the blank line ending the headers). */
    private static String leadOf(Path file) throws IOException {
        String prefix = EmailMessages.LEAD_ID_HEADER.toLowerCase(java.util.Locale.ROOT) + ":";
        try (java.io.BufferedReader in = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            String line;
            int read = 0;
            while ((line = in.readLine()) != null && !line.isEmpty() && (read += line.length()) < 256 * 1024) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith(prefix)) {
                    return line.substring(prefix.length()).strip();
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // moved by a mail client meanwhile (new/ to cur/): found there, or gone
        }
        return "";
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
