package dev.followup.executor.inbox;

import dev.followup.events.TenantGrants;
import dev.followup.executor.inbox.FolderWatcher.Deps;
import dev.followup.executor.inbox.MessageClassifier.FolderRole;
import dev.followup.executor.provider.ImapMailbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The watched folders of this instance, each on a thread of its own: per configured IMAP mailbox granted to at least
 * one tenant, its inbox and Sent folder; per tenant of {@code maildir-tenants}, its Maildir {@code INBOX} and
 * {@code Sent}. Stopping ends every IDLE and sleep and waits for the threads (10 s each at most); it can be started
 * again, reading the positions afresh.
 */
public final class InboxWatchers implements SmartLifecycle {

    /** The Kafka client settings the watchers build their producers and position readers from. */
    public record Kafka(Map<String, Object> producerConfig, Map<String, Object> consumerConfig) {
    }

    private static final Logger log = LoggerFactory.getLogger(InboxWatchers.class);

    private final Map<String, ImapMailbox> mailboxes;
    private final TenantGrants grants;
    private final Path mailRoot;
    private final Deps deps;
    private volatile List<FolderWatcher> watchers = List.of();
    private volatile List<Thread> threads = List.of();
    private volatile ScheduledExecutorService timers;
    private volatile boolean running;

    InboxWatchers(Map<String, ImapMailbox> mailboxes, TenantGrants grants, Path mailRoot, Deps deps) {
        this.mailboxes = mailboxes;
        this.grants = grants;
        this.mailRoot = mailRoot;
        this.deps = deps;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        InboxProperties props = deps.props();
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "inbox-timers");
            th.setDaemon(true);
            return th;
        });
        List<FolderWatcher> list = new ArrayList<>();
        Map<String, Set<String>> granted = grants.mailboxGrants();
        for (Map.Entry<String, ImapMailbox> e : new TreeMap<>(mailboxes).entrySet()) {
            Set<String> tenants = granted.getOrDefault(e.getKey(), Set.of());
            ImapMailbox m = e.getValue();
            if (tenants.isEmpty() || m.host() == null || m.host().isBlank()) {
                continue; // no tenant may use it: nobody's mail to watch
            }
            list.add(new ImapFolderWatcher(e.getKey(), m, props.inboxFolder(), FolderRole.INBOX, tenants, deps, t));
            list.add(new ImapFolderWatcher(e.getKey(), m, props.sentFolder(), FolderRole.SENT, tenants, deps, t));
        }
        for (String tenant : props.maildirTenants()) {
            list.add(new MaildirFolderWatcher(mailRoot, tenant, "INBOX", FolderRole.INBOX, deps));
            list.add(new MaildirFolderWatcher(mailRoot, tenant, "Sent", FolderRole.SENT, deps));
        }
        List<Thread> started = new ArrayList<>();
        for (FolderWatcher w : list) {
            Thread th = new Thread(w, "inbox-" + w.key());
            th.setDaemon(true);
            th.start();
            started.add(th);
        }
        timers = t;
        watchers = List.copyOf(list);
        threads = List.copyOf(started);
        running = true;
        log.atInfo().setMessage("inbox.started").addKeyValue("folders", list.stream().map(FolderWatcher::key).toList())
                .log();
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        for (FolderWatcher w : watchers) {
            w.stop();
        }
        for (Thread th : threads) {
            try {
                th.join(10_000);
                if (th.isAlive()) {
                    th.interrupt();
                    th.join(2_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timers.shutdownNow();
        running = false;
        log.atInfo().setMessage("inbox.stopped").log();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100; // after the views it reads, stopped before them
    }

    /** Each watched folder's state (connecting, idle, poll, maildir, failed, stopped), for health and tests. */
    public Map<String, String> status() {
        Map<String, String> s = new LinkedHashMap<>();
        for (FolderWatcher w : watchers) {
            s.put(w.key(), w.state());
        }
        return s;
    }
}
