package dev.followup.scheduler.topology;

import dev.followup.events.LeadKey;
import dev.followup.events.v1.BookingCanceled;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.BookingRescheduled;
import dev.followup.events.v1.BookingScheduled;
import dev.followup.events.v1.CancelFollowUps;
import dev.followup.events.v1.CancelTask;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.EnrollInSequence;
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadErased;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.LeadScored;
import dev.followup.events.v1.PauseFollowUps;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ResumeFollowUps;
import dev.followup.events.v1.RetryTask;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.scheduler.policy.PausePolicy;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskLifecycle;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Writes a lead's journey (what the ops console shows) to its own store, keyed
 * {@code tenantId:leadId/<16 hex digits of epoch millis>/<rank>/<ref>} so a prefix scan reads it in time order.
 * Each call is at most one store write. An emission writes none: the firing path is the hot one, and the receipt
 * entry tells the emission it reports ({@link JourneyReader} shows both); a task emitted and not yet reported is
 * told by the task itself. A {@code ScheduleTask} command that created or moved a task writes only the task's
 * entry. A lead keeps its newest {@value #MAX_ENTRIES} entries: older ones are trimmed when one of its events or
 * commands arrives or a sequence step or occurrence of it is scheduled, never on the firing path.
 */
final class JourneyRecorder {

    static final int MAX_ENTRIES = 200;
    /** The rank (see the key layout) of emissions and of receipts. */
    static final int EMITTED_RANK = 2;
    static final int RECEIPT_RANK = 3;
    private static final StringSerializer KEYS = new StringSerializer();

    private static final org.apache.kafka.common.serialization.Serializer<JourneyEntry> VALUES =
            new JsonStoreSerde<>(JourneyEntry.class).serializer();
    private static final org.apache.kafka.common.serialization.Deserializer<JourneyEntry> READ =
            new JsonStoreSerde<>(JourneyEntry.class).deserializer();

    /** Values are the entries' JSON bytes: trimming scans keys without decoding values. */
    private final KeyValueStore<String, byte[]> store;

    /** When the record (or the emission) being processed happened: the time a new task was planned. */
    private long processingAt = -1;
    /** Task entries written for the record being processed. */
    private int taskEntries;

    JourneyRecorder(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    /**
     * The timestamp of the input record about to be processed. A new task's {@code statusAt} is its anchor (a booking
     * start may be next week), so its "scheduled" entry is dated by the record that planned it instead.
     */
    void processing(long recordTimestamp) {
        processingAt = recordTimestamp;
        taskEntries = 0;
    }

    void leadEvent(LeadEvent event) {
        Object p = event.getPayload();
        String what;
        String detail = null;
        if (p instanceof LeadCaptured c) {
            what = "captured";
            detail = c.getPredProb() == null ? null : "predProb " + c.getPredProb();
        } else if (p instanceof LeadScored s) {
            what = "scored";
            detail = "predProb " + s.getPredProb();
        } else if (p instanceof LeadEngaged e) {
            what = engaged(e.getKind());
        } else if (p instanceof LeadErased) {
            what = "erased";
            scrubFreeText(LeadKey.of(event.getTenantId(), event.getLeadId()) + "/");
        } else {
            return;
        }
        record(event.getTenantId(), event.getLeadId(), event.getOccurredAt(), 0, event.getEventId(),
                JourneyEntry.of(event.getOccurredAt(), "event", what, detail), true);
    }

    /** @param leadErased whether the lead is erased: then a cancel's free-text reason is not kept */
    void bookingEvent(BookingEvent event, boolean leadErased) {
        Object p = event.getPayload();
        String what;
        String detail;
        if (p instanceof BookingScheduled s) {
            what = "booking scheduled";
            detail = event.getBookingId() + " at " + s.getLocalStart() + " " + s.getTimezone();
        } else if (p instanceof BookingRescheduled r) {
            what = "booking rescheduled";
            detail = event.getBookingId() + " at " + r.getLocalStart() + " " + r.getTimezone();
        } else if (p instanceof BookingCanceled c) {
            what = "booking canceled";
            detail = event.getBookingId() + (c.getReason() == null || leadErased ? "" : ": " + c.getReason());
        } else {
            return;
        }
        record(event.getTenantId(), event.getLeadId(), event.getOccurredAt(), 0, event.getEventId(),
                JourneyEntry.of(event.getOccurredAt(), "event", what, detail), true);
    }

    void command(Command command) {
        Object p = command.getPayload();
        String what;
        String detail = null;
        String taskId = null;
        if (p instanceof ScheduleTask s) {
            if (taskEntries > 0) { // the task's own entry (scheduled, shifted, held, rescheduled) records the request
                trim(LeadKey.of(command.getTenantId(), command.getLeadId()) + "/");
                return;
            }
            what = "task requested";
            detail = s.getChannel() + " due " + s.getDueAt();
        } else if (p instanceof CancelTask c) {
            what = "cancel task";
            taskId = c.getTaskId();
        } else if (p instanceof CancelFollowUps) {
            what = "cancel follow-ups";
        } else if (p instanceof RetryTask r) {
            what = "retry";
            taskId = r.getTaskId();
        } else if (p instanceof EnrollInSequence e) {
            what = "enrolled";
            detail = "sequence " + e.getSequenceId();
        } else if (p instanceof PauseFollowUps pause) {
            what = PausePolicy.label(pause.getUntil(), pause.getReason());
        } else if (p instanceof ResumeFollowUps) {
            what = "resumed";
        } else {
            return;
        }
        JourneyEntry entry = new JourneyEntry(command.getIssuedAt(), "command", what, taskId, null, null, null, null,
                null, null, null, null, null, detail, null);
        record(command.getTenantId(), command.getLeadId(), command.getIssuedAt(), 0, command.getCommandId(), entry, true);
    }

    /**
     * How the journey names an engagement. The mailbox loop's observations read as what a person saw happen; an
     * opt-out reads {@code unsubscribed} whether it came from the link in a draft or from the API.
     */
    static String engaged(EngagementKind kind) {
        return switch (kind) {
            case REPLIED -> "reply received";
            case BOUNCED -> "bounced";
            case OPTED_OUT -> "unsubscribed";
            default -> kind.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /**
     * A pause with an end ran out at {@code until} and released the lead: {@code resumed}, dated at {@code until}
     * (once: the release is taken out of its store in the same transaction).
     */
    void pauseEnded(LeadKey key, Instant until, String reason) {
        record(key.tenantId(), key.leadId(), until, 0, "pause-ended/" + until.toEpochMilli(),
                JourneyEntry.of(until, "event", "resumed", PausePolicy.label(until, reason) + " ended"), true);
    }

    /** A task's status or due time changed; outcomes reported by receipts are recorded with the receipt. */
    void taskChanged(ScheduledTask previous, ScheduledTask next) {
        String what = transition(previous, next);
        if (what == null) {
            return;
        }
        Instant at = previous == null && processingAt >= 0 ? Instant.ofEpochMilli(processingAt)
                : next.statusAt() != null ? next.statusAt() : next.dueAt();
        JourneyEntry entry = new JourneyEntry(at, "task", what, next.taskId(), next.channel().name(),
                next.status().name(), next.attempt(), next.dueAt(), null, null, null, null, null, detail(previous, next),
                null);
        taskEntries++;
        // steps and occurrences are created by receipts and emissions, not by an event or command that would trim
        record(next.tenantId(), next.leadId(), at, 1, next.taskId() + "/" + what + "/" + next.attempt(), entry,
                previous == null && next.source() == dev.followup.events.v1.TaskReason.SEQUENCE);
    }

    /** A task was emitted: nothing is stored (see the class comment); what it plans next is dated by it. */
    void taskEmitted(Instant now) {
        processingAt = now.toEpochMilli(); // the next occurrence of a recurring step is planned by this emission
    }

    /** The emission of a task as the journey shows it (never stored: told by its receipt or by the task). */
    static JourneyEntry emitted(String taskId, String channel, int attempt, Instant dueAt, Instant emittedAt) {
        return new JourneyEntry(emittedAt, "task", "emitted", taskId, channel, TaskStatus.EMITTED.name(), attempt,
                dueAt, Duration.between(dueAt, emittedAt).toMillis(), null, null, null, null, null, null);
    }

    static String emittedRef(String taskId, int attempt) {
        return taskId + "/emitted/" + attempt;
    }

    /**
     * A receipt, with the attempt the scheduler emitted when {@code task} (as it was before the receipt) is known and
     * was emitted. A person sending a draft ({@code byPerson}) reads "sent by a person", under a key of its own next
     * to the DRAFTED receipt's.
     */
    void receipt(Receipt r, ScheduledTask task, boolean byPerson) {
        Integer emittedAttempt = task != null && task.emittedAt() != null ? task.attempt() : null;
        JourneyEntry entry = new JourneyEntry(r.getCompletedAt(), "receipt",
                byPerson ? TaskLifecycle.SENT_BY_PERSON : r.getStatus().name(), r.getTaskId(),
                r.getChannel().name(), r.getStatus().name(), r.getAttempt(), r.getDueAt(),
                Duration.between(r.getDueAt(), r.getEmittedAt()).toMillis(), r.getLatencyMs(), r.getProvider(),
                r.getProviderRef(), r.getLink(), r.getError(), emittedAttempt);
        record(r.getTenantId(), r.getLeadId(), r.getCompletedAt(), RECEIPT_RANK,
                r.getTaskId() + "/" + r.getAttempt() + (byPerson ? "/sent" : ""), entry, false);
    }

    private static String transition(ScheduledTask previous, ScheduledTask next) {
        TaskStatus to = next.status();
        if (previous == null) {
            if (to == TaskStatus.HELD) {
                return "held";
            }
            return next.originalDueAt() != null && !next.originalDueAt().equals(next.dueAt()) ? "shifted" : "scheduled";
        }
        TaskStatus from = previous.status();
        if (from == to) {
            if (to == TaskStatus.PENDING && !previous.dueAt().equals(next.dueAt())) {
                return next.wasDeferred() ? "deferred" : "rescheduled";
            }
            return null;
        }
        return switch (to) {
            case PENDING -> from.isRetryable() ? "retry scheduled" : from == TaskStatus.HELD ? "released" : "pending";
            case HELD -> "held";
            case CANCELED -> "canceled";
            default -> null; // EMITTED is recorded by taskEmitted, outcomes by receipt
        };
    }

    private static String detail(ScheduledTask previous, ScheduledTask next) {
        if (next.status() == TaskStatus.CANCELED || next.wasDeferred()) {
            return next.statusDetail();
        }
        if (previous == null && next.originalDueAt() != null && !next.originalDueAt().equals(next.dueAt())) {
            return "wanted " + next.originalDueAt() + ", moved into the send window";
        }
        return null;
    }

    private void record(String tenantId, String leadId, Instant at, int rank, String ref, JourneyEntry entry,
            boolean trim) {
        String prefix = LeadKey.of(tenantId, leadId) + "/";
        long millis = Math.max(0, at == null ? 0 : at.toEpochMilli());
        store.put(key(prefix, millis, rank, ref), VALUES.serialize(null, entry));
        if (trim) {
            trim(prefix);
        }
    }

    /** {@code prefix + "%016x/%d/" + ref} without a {@link java.util.Formatter} (this runs for every timer). */
    static String key(String prefix, long millis, int rank, String ref) {
        String hex = Long.toHexString(millis);
        StringBuilder b = new StringBuilder(prefix.length() + 20 + ref.length()).append(prefix);
        for (int i = hex.length(); i < 16; i++) {
            b.append('0');
        }
        return b.append(hex).append('/').append(rank).append('/').append(ref).toString();
    }

    /**
     * Rewrites the lead's entries without the free text its events carried (a booking cancel's reason): after an
     * erasure the journey keeps what happened and when, not what anyone wrote about the lead. At most
     * {@value #MAX_ENTRIES} entries, once per erasure.
     */
    private void scrubFreeText(String prefix) {
        List<org.apache.kafka.streams.KeyValue<String, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, KEYS)) {
            it.forEachRemaining(entries::add);
        }
        for (org.apache.kafka.streams.KeyValue<String, byte[]> kv : entries) {
            JourneyEntry entry = READ.deserialize(null, kv.value);
            if (entry != null && "booking canceled".equals(entry.what()) && entry.detail() != null
                    && entry.detail().indexOf(':') >= 0) {
                store.put(kv.key, VALUES.serialize(null, JourneyEntry.of(entry.at(), entry.type(), entry.what(),
                        entry.detail().substring(0, entry.detail().indexOf(':')))));
            }
        }
    }

    /** Deletes the whole journey of lead {@code leadKey} ({@code tenantId:leadId}): how many entries there were. */
    int forget(String leadKey) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(leadKey + "/", KEYS)) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(k -> store.put(k, null));
        return keys.size();
    }

    private void trim(String prefix) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, KEYS)) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        for (int i = 0; i < keys.size() - MAX_ENTRIES; i++) {
            store.put(keys.get(i), null); // put(null) deletes without reading the old value first
        }
    }
}
