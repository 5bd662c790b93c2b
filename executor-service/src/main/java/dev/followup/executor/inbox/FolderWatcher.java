package dev.followup.executor.inbox;

import dev.followup.executor.inbox.MessageClassifier.Context;
import dev.followup.executor.inbox.MessageClassifier.FolderRole;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One watched folder (an IMAP mailbox's INBOX or Sent folder, or a tenant's Maildir folder) on a thread of its own:
 * it opens its {@link InboxPublisher} (reading its position), then handles new messages in batches, each batch's
 * records and the new position in one transaction. On any failure it closes everything and starts again after a
 * backoff (1 s doubling to 5 min; afresh after a minute of working), reading the position afresh.
 */
abstract class FolderWatcher implements Runnable {

    static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    static final Duration MAX_PAUSE = Duration.ofMinutes(5);
    /** A watch that ran this long before failing starts the backoff afresh. */
    static final Duration HEALTHY_RUN = Duration.ofMinutes(1);
    /** How long a batch waits for the draft index to have read the drafts committed before it. */
    static final Duration INDEX_WAIT = Duration.ofSeconds(5);

    private static final Logger log = LoggerFactory.getLogger(FolderWatcher.class);

    /** What a batch needs from the rest of the executor. */
    record Deps(InboxWatchers.Kafka kafka, DraftIndex index, BooleanSupplier inputsCurrent,
            java.util.function.Function<String, MessageClassifier.TenantClock> settings, Clock clock,
            MeterRegistry meters, InboxProperties props) {
    }

    /** A message read from the folder, detached from the server. */
    record Incoming(MimeMessage message, String messageKey, String providerRef) {
    }

    final String key;
    final String source;
    final FolderRole role;
    final Set<String> tenants;
    final Set<String> ownAddresses;
    final Deps deps;
    final String provider;
    volatile boolean running = true;
    private final Object sleeper = new Object();
    private volatile String state = "starting";

    /**
     * @param key    the folder's position key, e.g. {@code imap:sales:INBOX}, {@code maildir:acme:INBOX}
     * @param source the mailbox, for event ids: {@code imap:<ref>} or {@code maildir:<tenant>}
     */
    FolderWatcher(String key, String source, String provider, FolderRole role, Set<String> tenants,
            Set<String> ownAddresses, Deps deps) {
        this.key = key;
        this.source = source;
        this.provider = provider;
        this.role = role;
        this.tenants = Set.copyOf(tenants);
        this.ownAddresses = Set.copyOf(ownAddresses);
        this.deps = deps;
    }

    String key() {
        return key;
    }

    String state() {
        return state;
    }

    @Override
    public final void run() {
        Duration pause = FIRST_PAUSE;
        while (running) {
            long began = System.nanoTime();
            try (InboxPublisher publisher = new InboxPublisher(key, deps.kafka().producerConfig(),
                    deps.kafka().consumerConfig())) {
                state = "connecting";
                watch(publisher);
            } catch (Exception e) {
                if (!running) {
                    break;
                }
                state = "failed";
                if (System.nanoTime() - began > HEALTHY_RUN.toNanos()) {
                    pause = FIRST_PAUSE; // it had been working: a new trouble, not the same one again
                }
                log.atWarn().setMessage("inbox.watch-failed").addKeyValue("folder", key)
                        .addKeyValue("error", e.getClass().getSimpleName()).addKeyValue("detail", safe(e.getMessage()))
                        .addKeyValue("retryInMs", pause.toMillis()).log();
                sleep(pause);
                pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
                continue;
            } finally {
                closeConnection();
            }
            pause = FIRST_PAUSE;
        }
        state = "stopped";
        log.atInfo().setMessage("inbox.watch-stopped").addKeyValue("folder", key).log();
    }

    /** Until stopped: read the position, then handle new messages as they come. Throws to start again. */
    abstract void watch(InboxPublisher publisher) throws Exception;

    /** Ends waiting (IDLE, sleep) so the thread sees {@link #running} is false. */
    void stop() {
        running = false;
        wake();
    }

    void wake() {
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
    }

    /** Drops the server connection, if any (on the watcher's own thread after {@link #watch} ends). */
    void closeConnection() {
    }

    void watching(String how) {
        if (!how.equals(state)) {
            state = how;
            log.atInfo().setMessage("inbox.watching").addKeyValue("folder", key).addKeyValue("mode", how)
                    .addKeyValue("tenants", tenants).log();
        }
    }

    void sleep(Duration d) {
        synchronized (sleeper) {
            if (running) {
                try {
                    sleeper.wait(Math.max(1, d.toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
        }
    }

    /**
     * Classifies a batch and publishes its records with the new position in one transaction; counts and logs once
     * committed.
     */
    void handle(InboxPublisher publisher, List<Incoming> batch, String newPosition) {
        awaitInputs();
        Instant now = deps.clock().instant();
        Context ctx = new Context(tenants, ownAddresses, deps.index(), deps.settings(), now);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        List<Observation> observations = new ArrayList<>();
        for (Incoming in : batch) {
            Observation o = in.message() == null ? new Observation.Unreadable("cannot read the message")
                    : MessageClassifier.classify(in.message(), role, ctx);
            observations.add(o);
            records.addAll(ObservationRecords.of(o, source, in.messageKey(), provider, in.providerRef(), now));
        }
        publisher.publish(records, newPosition);
        for (Observation o : observations) {
            deps.meters().counter("followup.inbox.messages", "kind", o.kind()).increment();
            LoggingEventBuilder line = log.atInfo().setMessage("inbox.observed").addKeyValue("folder", key)
                    .addKeyValue("kind", o.kind());
            DraftRef d = o instanceof Observation.Reply r ? r.draft() : o instanceof Observation.Bounce b ? b.draft()
                    : o instanceof Observation.OutOfOffice ooo ? ooo.draft() : o instanceof Observation.Sent s ? s.draft()
                    : null;
            if (d != null) {
                line = line.addKeyValue("tenant", d.tenantId()).addKeyValue("lead", d.leadId())
                        .addKeyValue("taskId", d.taskId());
            }
            if (o instanceof Observation.Bounce b) {
                line = line.addKeyValue("status", b.status());
            } else if (o instanceof Observation.OutOfOffice ooo) {
                line = line.addKeyValue("until", ooo.until()).addKeyValue("dateRead", ooo.dateRead());
            } else if (o instanceof Observation.Reply r) {
                line = line.addKeyValue("matchedBy", r.matchedBy());
            } else if (o instanceof Observation.Ignored i) {
                line = line.addKeyValue("reason", i.reason());
            } else if (o instanceof Observation.Unreadable u) {
                line = line.addKeyValue("reason", u.reason());
            }
            line.log();
        }
    }

    /** The settings and lead views caught up, and the draft index past the drafts committed before now (bounded). */
    private void awaitInputs() {
        Instant asOf = deps.clock().instant();
        long deadline = System.nanoTime() + INDEX_WAIT.toNanos();
        while (running && System.nanoTime() < deadline
                && !(deps.inputsCurrent().getAsBoolean() && deps.index().readPast(asOf))) {
            sleep(Duration.ofMillis(50));
        }
        if (!deps.inputsCurrent().getAsBoolean() || !deps.index().current()) {
            throw new IllegalStateException("the draft index or the settings are not read yet");
        }
    }

    /** An error text for the log: printable, at most 200 characters (never message content). */
    static String safe(String s) {
        if (s == null) {
            return null;
        }
        String p = s.replaceAll("[^\\x20-\\x7e]", "?");
        return p.length() > 200 ? p.substring(0, 200) + "..." : p;
    }
}
