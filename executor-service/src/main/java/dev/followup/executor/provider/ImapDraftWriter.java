package dev.followup.executor.provider;

import dev.followup.events.TenantGrants;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.executor.content.RenderedDraft;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.HeaderTerm;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;

/**
 * A real draft in the tenant's mailbox: IMAP {@code APPEND} to the Drafts folder with the {@code \Draft} flag.
 * Before appending it searches the folder for the {@code X-Followup-Task-Id} header, so a redelivered task finds
 * the draft it already made. Mailboxes come from configuration by the tenant's {@code mailboxRef}, for the tenants
 * the mailbox is granted to ({@code followup.grants.mailboxes.<ref>}); at most
 * {@code max-connections} connections per mailbox are open at once (servers limit them).
 */
public final class ImapDraftWriter implements DraftProvider {

    private final Map<String, ImapMailbox> mailboxes;
    private final TenantGrants grants;
    private final String defaultFrom;
    private final Clock clock;
    private final TaskLocks locks;
    private final Map<String, Semaphore> connectionSlots = new ConcurrentHashMap<>();

    public ImapDraftWriter(Map<String, ImapMailbox> mailboxes, TenantGrants grants, String defaultFrom, Clock clock,
            TaskLocks locks) {
        this.mailboxes = mailboxes;
        this.grants = grants;
        this.defaultFrom = defaultFrom;
        this.clock = clock;
        this.locks = locks;
    }

    @Override
    public String name() {
        return "imap";
    }

    @Override
    public DraftResult draft(DueTask task, RenderedDraft content, ChannelSettings channel) {
        String ref = channel.getMailboxRef();
        ImapMailbox mailbox = mailboxes.get(ref);
        if (!grants.mayUseMailbox(task.getTenantId(), ref) || mailbox == null || mailbox.host() == null
                || mailbox.host().isBlank()) {
            // another tenant's mailbox reads exactly like a missing one
            throw ProviderFailure.permanent(TenantGrants.unusable("mailboxRef", ref));
        }
        String from = mailbox.from() != null ? mailbox.from() : mailbox.username() != null && mailbox.username().contains("@")
                ? mailbox.username() : defaultFrom;
        Session session = Session.getInstance(sessionProperties(mailbox));
        MimeMessage message = EmailMessages.draftOf(task, content, from, clock.instant(), session);
        Semaphore slots = connectionSlots.computeIfAbsent(ref, r -> new Semaphore(Math.max(1, mailbox.maxConnections())));
        return locks.withLock(task.getTaskId(), () -> {
            boolean acquired = false;
            try {
                acquired = slots.tryAcquire(mailbox.timeout().toMillis(), TimeUnit.MILLISECONDS);
                if (!acquired) {
                    throw ProviderFailure.retriable("mailbox '" + ref + "' has no free connection", null);
                }
                return append(session, mailbox, ref, task.getTaskId(), message);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ProviderFailure.retriable("interrupted while waiting for mailbox '" + ref + "'", e);
            } finally {
                if (acquired) {
                    slots.release();
                }
            }
        });
    }

    /**
     * Deletes the drafts in the tenant's mailbox (its {@code mailboxRef}, when granted) whose
     * {@code X-Followup-Lead-Id} names the lead: flagged {@code \Deleted} and expunged.
     */
    @Override
    public int erase(String tenantId, String leadId, Channel channel, ChannelSettings settings) {
        String ref = settings == null ? null : settings.getMailboxRef();
        ImapMailbox mailbox = ref == null ? null : mailboxes.get(ref);
        if (mailbox == null || !grants.mayUseMailbox(tenantId, ref) || mailbox.host() == null || mailbox.host().isBlank()) {
            return 0; // no mailbox of this tenant: nothing of it to delete there
        }
        Session session = Session.getInstance(sessionProperties(mailbox));
        String protocol = "ssl".equalsIgnoreCase(mailbox.tls()) ? "imaps" : "imap";
        try (Store store = session.getStore(protocol)) {
            String secret = mailbox.oauth2Token() != null ? mailbox.oauth2Token() : mailbox.password();
            store.connect(mailbox.host(), mailbox.port(), mailbox.username(), secret);
            Folder folder = store.getFolder(mailbox.draftsFolder());
            if (!folder.exists()) {
                return 0;
            }
            folder.open(Folder.READ_WRITE);
            int deleted = 0;
            try {
                for (Message m : folder.search(new HeaderTerm(EmailMessages.LEAD_ID_HEADER, leadId))) {
                    String[] values = m.getHeader(EmailMessages.LEAD_ID_HEADER);
                    if (values != null && java.util.Arrays.asList(values).contains(leadId)) {
                        m.setFlag(jakarta.mail.Flags.Flag.DELETED, true);
                        deleted++;
                    }
                }
            } finally {
                folder.close(true); // expunge
            }
            return deleted;
        } catch (MessagingException e) {
            throw ProviderFailure.retriable("erasing in mailbox '" + ref + "' failed: " + e.getMessage(), e);
        }
    }

    private DraftResult append(Session session, ImapMailbox mailbox, String ref, String taskId, MimeMessage message) {
        String protocol = "ssl".equalsIgnoreCase(mailbox.tls()) ? "imaps" : "imap";
        try (Store store = session.getStore(protocol)) {
            String secret = mailbox.oauth2Token() != null ? mailbox.oauth2Token() : mailbox.password();
            store.connect(mailbox.host(), mailbox.port(), mailbox.username(), secret);
            Folder folder = store.getFolder(mailbox.draftsFolder());
            if (!folder.exists() && !folder.create(Folder.HOLDS_MESSAGES)) {
                throw ProviderFailure.permanent("mailbox '" + ref + "' has no folder '" + mailbox.draftsFolder()
                        + "' and it cannot be created");
            }
            folder.open(Folder.READ_WRITE);
            try {
                long uidValidity = ((UIDFolder) folder).getUIDValidity();
                Message[] existing = folder.search(new HeaderTerm(EmailMessages.TASK_ID_HEADER, taskId));
                for (Message m : existing) {
                    String[] values = m.getHeader(EmailMessages.TASK_ID_HEADER);
                    if (values != null && java.util.Arrays.asList(values).contains(taskId)) {
                        return result(mailbox, uidValidity, ((UIDFolder) folder).getUID(m));
                    }
                }
                AppendUID[] appended = ((IMAPFolder) folder).appendUIDMessages(new Message[] {message});
                if (appended != null && appended.length == 1 && appended[0] != null) {
                    return result(mailbox, appended[0].uidvalidity, appended[0].uid);
                }
                // server without UIDPLUS: find what we just appended
                Message[] found = folder.search(new HeaderTerm(EmailMessages.TASK_ID_HEADER, taskId));
                long uid = found.length > 0 ? ((UIDFolder) folder).getUID(found[found.length - 1]) : -1;
                return result(mailbox, uidValidity, uid);
            } finally {
                folder.close(false);
            }
        } catch (AuthenticationFailedException e) {
            throw ProviderFailure.permanent("mailbox '" + ref + "' rejected the credentials", e);
        } catch (MessagingException e) {
            throw ProviderFailure.retriable("IMAP draft in mailbox '" + ref + "' failed: " + e.getMessage(), e);
        }
    }

    private static DraftResult result(ImapMailbox mailbox, long uidValidity, long uid) {
        if (uid < 0) {
            return new DraftResult(null, null);
        }
        // RFC 5092 IMAP URL of the draft
        String link = "imap://" + mailbox.host() + ":" + mailbox.port() + "/" + mailbox.draftsFolder()
                + ";UIDVALIDITY=" + uidValidity + "/;UID=" + uid;
        return new DraftResult(Long.toString(uid), link);
    }

    /** The Jakarta Mail session settings of the mailbox: timeouts, TLS, XOAUTH2 (shared with the inbox watcher). */
    public static Properties sessionProperties(ImapMailbox mailbox) {
        String tls = mailbox.tls() == null ? "ssl" : mailbox.tls().toLowerCase(Locale.ROOT);
        String p = "ssl".equals(tls) ? "mail.imaps." : "mail.imap.";
        Properties props = new Properties();
        String timeout = Long.toString(mailbox.timeout().toMillis());
        props.setProperty(p + "connectiontimeout", timeout);
        props.setProperty(p + "timeout", timeout);
        props.setProperty(p + "writetimeout", timeout);
        if ("starttls".equals(tls)) {
            props.setProperty(p + "starttls.enable", "true");
            props.setProperty(p + "starttls.required", "true");
        }
        if ("ssl".equals(tls)) {
            props.setProperty(p + "ssl.checkserveridentity", "true");
        }
        if (mailbox.oauth2Token() != null) {
            props.setProperty(p + "auth.mechanisms", "XOAUTH2");
        }
        return props;
    }
}
