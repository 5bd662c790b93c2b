package dev.followup.executor.inbox;

import dev.followup.executor.inbox.MessageClassifier.FolderRole;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tenant's Maildir folder {@code <data-dir>/mail/<tenant>/<folder>/}: the messages in {@code new/}, and those in
 * {@code cur/} not yet flagged seen ({@code S}), are new. A handled message is moved to {@code cur/<name>:2,S} (seen)
 * after its batch is committed; the position record holds the names of the last batch, so a crash between the commit
 * and the moves finds them named there and only moves them. The directory is the tenant's own: its messages only ever
 * name that tenant's drafts.
 */
final class MaildirFolderWatcher extends FolderWatcher {

    private static final Logger log = LoggerFactory.getLogger(MaildirFolderWatcher.class);
    private static final Session SESSION = Session.getInstance(new Properties());

    private final Path dir;

    MaildirFolderWatcher(Path mailRoot, String tenant, String folderName, FolderRole role, Deps deps) {
        super("maildir:" + tenant + ":" + folderName, "maildir:" + tenant, "maildir", role, Set.of(tenant), Set.of(), deps);
        this.dir = mailRoot.resolve(tenant).resolve(folderName);
    }

    @Override
    void watch(InboxPublisher publisher) throws Exception {
        for (String sub : new String[] {"tmp", "new", "cur"}) {
            Files.createDirectories(dir.resolve(sub));
        }
        String stored = publisher.open();
        if (stored != null && !stored.isEmpty()) {
            // committed before a crash, perhaps not yet moved
            Set<String> committed = new HashSet<>(Arrays.asList(stored.split("\n")));
            for (Path p : pending()) {
                if (committed.contains(p.getFileName().toString()) && !markSeen(p)) {
                    throw new IllegalStateException("handled messages cannot be moved to cur/");
                }
            }
        }
        while (running) {
            watching("maildir");
            List<Path> files = pending();
            if (files.isEmpty()) {
                sleep(deps.props().maildirPollInterval());
                continue;
            }
            List<Path> batch = files.size() > deps.props().batchSize() ? files.subList(0, deps.props().batchSize())
                    : files;
            List<Incoming> incoming = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Path p : batch) {
                incoming.add(read(p));
                names.add(p.getFileName().toString());
            }
            handle(publisher, incoming, String.join("\n", names));
            boolean moved = true;
            for (Path p : batch) {
                moved &= markSeen(p);
            }
            if (!moved) {
                // handling them again and again would only repeat their records: start over after a backoff (the
                // position names them, so the restart only moves them)
                throw new IllegalStateException("handled messages cannot be moved to cur/");
            }
        }
    }

    /** The unhandled messages: {@code new/} and unseen {@code cur/}, by name (Maildir names begin with the time). */
    private List<Path> pending() throws IOException {
        List<Path> found = new ArrayList<>();
        for (String sub : new String[] {"new", "cur"}) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir.resolve(sub))) {
                for (Path p : files) {
                    String name = p.getFileName().toString();
                    if (!name.startsWith(".") && Files.isRegularFile(p) && (sub.equals("new") || !seen(name))) {
                        found.add(p);
                    }
                }
            }
        }
        found.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        return found;
    }

    /** Whether a {@code cur/} name's info ({@code :2,<flags>}) has the seen flag. */
    static boolean seen(String name) {
        int info = name.indexOf(":2,");
        return info >= 0 && name.substring(info + 3).contains("S");
    }

    /** {@code cur/<base>:2,<flags with S>}. */
    static String seenName(String name) {
        int info = name.indexOf(":2,");
        if (info < 0) {
            return name + ":2,S";
        }
        String flags = name.substring(info + 3);
        if (flags.contains("S")) {
            return name;
        }
        char[] sorted = (flags + "S").toCharArray();
        Arrays.sort(sorted);
        return name.substring(0, info + 3) + new String(sorted);
    }

    /** Moves a handled message to {@code cur/} flagged seen; false when it cannot be moved. */
    private boolean markSeen(Path p) {
        try {
            Files.move(p, dir.resolve("cur").resolve(seenName(p.getFileName().toString())),
                    StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (NoSuchFileException e) {
            return true; // moved by a mail client meanwhile
        } catch (IOException e) {
            log.atWarn().setMessage("inbox.maildir-move-failed").addKeyValue("folder", key)
                    .addKeyValue("error", e.getClass().getSimpleName()).log();
            return false;
        }
    }

    /** The message; above {@code max-message-size} only its headers. */
    private Incoming read(Path p) {
        String name = p.getFileName().toString();
        String place = dir.getFileName() + "/" + name;
        int info = name.indexOf(':');
        String base = info < 0 ? name : name.substring(0, info);
        try (InputStream in = Files.newInputStream(p)) {
            long max = deps.props().maxMessageSize().toBytes();
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            MimeMessage m;
            if (bytes.length > max) {
                String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n") >= 0 ? text.indexOf("\r\n\r\n") : text.indexOf("\n\n");
                m = new MimeMessage(SESSION, new ByteArrayInputStream(
                        (end < 0 ? "" : text.substring(0, end) + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
            } else {
                m = new MimeMessage(SESSION, new ByteArrayInputStream(bytes));
            }
            String id = m.getMessageID();
            return new Incoming(m, id != null && !id.isBlank() ? id.strip() : base, place);
        } catch (Exception e) {
            return new Incoming(null, base, place);
        }
    }
}
