package dev.followup.executor.inbox;

import dev.followup.executor.inbox.MessageClassifier.FolderRole;
import dev.followup.executor.provider.ImapDraftWriter;
import dev.followup.executor.provider.ImapMailbox;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;

/**
 * An IMAP folder of a configured mailbox (INBOX or Sent), read-only. Its position is
 * {@code <UIDVALIDITY>:<last handled UID>}: on the first start (no position) and when the server's UIDVALIDITY changed,
 * it starts after the last message there now, so only messages arriving later are handled. It waits with IDLE where
 * the server offers it (begun again every {@code idle-renewal}), else looks every {@code poll-interval}.
 */
final class ImapFolderWatcher extends FolderWatcher {

    private final String ref;
    private final String folderName;
    private final ImapMailbox mailbox;
    private final ScheduledExecutorService timers;
    private volatile IMAPFolder folder;
    private volatile Store store;

    ImapFolderWatcher(String ref, ImapMailbox mailbox, String folderName, FolderRole role, Set<String> tenants,
            Deps deps, ScheduledExecutorService timers) {
        super("imap:" + ref + ":" + folderName, "imap:" + ref, "imap", role, tenants, ownAddressesOf(mailbox), deps);
        this.ref = ref;
        this.folderName = folderName;
        this.mailbox = mailbox;
        this.timers = timers;
    }

    @Override
    void watch(InboxPublisher publisher) throws Exception {
        Session session = Session.getInstance(ImapDraftWriter.sessionProperties(mailbox));
        String protocol = "ssl".equalsIgnoreCase(mailbox.tls()) ? "imaps" : "imap";
        Store s = session.getStore(protocol);
        store = s;
        String secret = mailbox.oauth2Token() != null ? mailbox.oauth2Token() : mailbox.password();
        s.connect(mailbox.host(), mailbox.port(), mailbox.username(), secret);
        IMAPFolder f = (IMAPFolder) s.getFolder(folderName);
        if (!f.exists()) {
            throw new IllegalStateException("mailbox '" + ref + "' has no folder '" + folderName + "'");
        }
        f.open(Folder.READ_ONLY);
        folder = f;
        boolean idle = ((IMAPStore) s).hasCapability("IDLE");
        long uidValidity = f.getUIDValidity();
        String stored = publisher.open();
        long last = lastUid(stored, uidValidity);
        if (last < 0) {
            last = Math.max(0, lastUidNow(f));
            publisher.publish(List.of(), uidValidity + ":" + last);
            org.slf4j.LoggerFactory.getLogger(ImapFolderWatcher.class).atInfo().setMessage("inbox.position-set")
                    .addKeyValue("folder", key).addKeyValue("reason", stored == null ? "first start" : "uidvalidity changed")
                    .addKeyValue("afterUid", last).log();
        }
        while (running) {
            watching(idle ? "idle" : "poll");
            List<Message> fresh = newMessages(f, last);
            if (!fresh.isEmpty()) {
                List<Incoming> batch = new ArrayList<>();
                long upTo = last;
                for (Message m : fresh) {
                    long uid = f.getUID(m);
                    batch.add(read((MimeMessage) m, session, uidValidity, uid));
                    upTo = Math.max(upTo, uid);
                }
                handle(publisher, batch, uidValidity + ":" + upTo);
                last = upTo;
                continue; // there may be more than a batch
            }
            if (!running) {
                break;
            }
            if (idle) {
                ScheduledFuture<?> renew = timers.schedule(this::wake, deps.props().idleRenewal().toMillis(),
                        TimeUnit.MILLISECONDS);
                try {
                    f.idle(true); // returns on a change in the folder, or when wake() sends a NOOP
                } finally {
                    renew.cancel(false);
                }
            } else {
                sleep(deps.props().pollInterval());
            }
            if (!f.isOpen()) {
                throw new IllegalStateException("folder closed by the server");
            }
        }
    }

    /** Ends an IDLE by a command on the folder from another thread, then wakes a sleeping poll. */
    @Override
    void wake() {
        IMAPFolder f = folder;
        if (f != null && f.isOpen()) {
            try {
                f.doCommand(p -> {
                    p.simpleCommand("NOOP", null);
                    return null;
                });
            } catch (MessagingException | RuntimeException e) {
                // the connection is gone: the watcher's loop finds out itself
            }
        }
        super.wake();
    }

    @Override
    void closeConnection() {
        IMAPFolder f = folder;
        folder = null;
        try {
            if (f != null && f.isOpen()) {
                f.close(false);
            }
        } catch (MessagingException | RuntimeException e) {
            // closing anyway
        }
        Store s = store;
        store = null;
        try {
            if (s != null) {
                s.close();
            }
        } catch (MessagingException | RuntimeException e) {
            // closing anyway
        }
    }

    /** The mailbox's username (when an address) and From address, lower case. */
    static Set<String> ownAddressesOf(ImapMailbox mailbox) {
        Set<String> own = new java.util.HashSet<>();
        for (String a : new String[] {mailbox.username(), mailbox.from()}) {
            if (a != null && a.contains("@")) {
                try {
                    own.add(new jakarta.mail.internet.InternetAddress(a).getAddress().toLowerCase(java.util.Locale.ROOT));
                } catch (jakarta.mail.internet.AddressException e) {
                    own.add(a.strip().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return own;
    }

    /** The handled UID of a stored {@code <uidvalidity>:<uid>} position, or -1 if none applies to this validity. */
    static long lastUid(String stored, long uidValidity) {
        if (stored == null) {
            return -1;
        }
        String[] p = stored.split(":", 2);
        try {
            return p.length == 2 && Long.parseLong(p[0]) == uidValidity ? Long.parseLong(p[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long lastUidNow(IMAPFolder f) throws MessagingException {
        long next = f.getUIDNext();
        if (next > 0) {
            return next - 1;
        }
        int count = f.getMessageCount();
        return count == 0 ? 0 : f.getUID(f.getMessage(count));
    }

    /** Messages with a UID above {@code last}, oldest first, at most a batch. */
    private List<Message> newMessages(IMAPFolder f, long last) throws MessagingException {
        Message[] found = f.getMessagesByUID(last + 1, UIDFolder.MAXUID);
        List<Message> fresh = new ArrayList<>();
        for (Message m : found) {
            // "n:*" also answers the last message when none is above n
            if (m != null && f.getUID(m) > last) {
                fresh.add(m);
            }
        }
        fresh.sort((a, b) -> Long.compare(uid(f, a), uid(f, b)));
        return fresh.size() > deps.props().batchSize() ? fresh.subList(0, deps.props().batchSize()) : fresh;
    }

    private static long uid(IMAPFolder f, Message m) {
        try {
            return f.getUID(m);
        } catch (MessagingException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A detached copy; a message above {@code max-message-size} is read by its headers alone. */
    private Incoming read(MimeMessage m, Session session, long uidValidity, long uid) {
        String place = folderName + ";UIDVALIDITY=" + uidValidity + "/;UID=" + uid;
        try {
            MimeMessage copy;
            if (m.getSize() > deps.props().maxMessageSize().toBytes()) {
                StringBuilder headers = new StringBuilder();
                for (Enumeration<String> lines = m.getAllHeaderLines(); lines.hasMoreElements(); ) {
                    headers.append(lines.nextElement()).append("\r\n");
                }
                copy = new MimeMessage(session, new ByteArrayInputStream(
                        (headers + "\r\n").getBytes(StandardCharsets.UTF_8)));
            } else {
                copy = new MimeMessage(m);
            }
            String id = copy.getMessageID();
            return new Incoming(copy, id != null && !id.isBlank() ? id.strip() : place, place);
        } catch (MessagingException | RuntimeException e) {
            return new Incoming(null, place, place);
        }
    }
}
