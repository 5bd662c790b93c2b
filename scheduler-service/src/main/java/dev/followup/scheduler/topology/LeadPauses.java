package dev.followup.scheduler.topology;

import dev.followup.events.LeadKey;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.PausePolicy;
import dev.followup.scheduler.policy.ScheduledTask;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pausing and resuming a lead ({@link PausePolicy}), and the release of a pause with {@code until}: the
 * {@value SchedulerTopology#PAUSE_RELEASES_STORE} store holds one entry per lead paused until a time, keyed like the
 * due index (8-byte big-endian release millis, then {@code tenantId:leadId}), and the firing punctuator takes the
 * entries that came due ({@link #releaseDue}) in its own transaction, so a release happens exactly once, never early,
 * and survives restarts like a task. An entry is deleted when its pause is resumed, replaced or loses its end; one
 * left behind (a state restored mid-way) is checked against the profile and dropped.
 */
final class LeadPauses {

    /** The processor's log category, which these events have always had. */
    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);
    private static final byte[] EMPTY = new byte[0];

    private final LeadState leads;
    private final TaskBook book;
    private final JourneyRecorder journey;
    private final KeyValueStore<Bytes, byte[]> releases;
    /** Where the next scan starts: the last key taken, so scans skip the tombstones of released entries. */
    private Bytes scanFrom = DueIndexKey.MIN;

    LeadPauses(LeadState leads, TaskBook book, JourneyRecorder journey, KeyValueStore<Bytes, byte[]> releases) {
        this.leads = leads;
        this.book = book;
        this.journey = journey;
        this.releases = releases;
    }

    /** A {@code PauseFollowUps{until?, reason?}} issued at {@code at}. */
    void pause(LeadKey key, Instant at, Instant until, String reason) {
        LeadProfile profile = leads.profile(key);
        PausePolicy.pause(profile, at, until, reason).ifPresentOrElse(paused -> {
            leads.putProfile(key, paused);
            unschedule(key, profile);
            if (paused.pausedUntil() != null) {
                Bytes release = releaseKey(paused.pausedUntil(), key);
                releases.put(release, EMPTY);
                if (release.compareTo(scanFrom) < 0) {
                    scanFrom = release;
                }
            }
            for (ScheduledTask task : book.openTasksOf(key)) {
                ScheduledTask held = PausePolicy.hold(paused, task, at);
                if (!held.equals(task)) {
                    book.save(task, held);
                }
            }
            log.atInfo().setMessage("lead.paused").addKeyValue("tenantId", key.tenantId())
                    .addKeyValue("leadId", key.leadId()).addKeyValue("until", paused.pausedUntil())
                    .addKeyValue("reason", paused.pauseReason()).log();
        }, () -> log.atInfo().setMessage("lead.pause_ignored").addKeyValue("tenantId", key.tenantId())
                .addKeyValue("leadId", key.leadId())
                .addKeyValue("reason", profile.pausedUntil() == null ? "paused without an end" : "same pause").log());
    }

    /** A {@code ResumeFollowUps} issued at {@code at}. */
    void resume(LeadKey key, Instant at) {
        LeadProfile profile = leads.profile(key);
        if (!release(key, profile, at)) {
            log.atInfo().setMessage("lead.resume_ignored").addKeyValue("tenantId", key.tenantId())
                    .addKeyValue("leadId", key.leadId()).addKeyValue("reason", "not paused").log();
        }
    }

    /**
     * Releases every lead whose pause ran out by {@code nowMillis}, at most {@code max} per call (the rest at the next
     * one): its held tasks become pending at their due times, so overdue ones fire at once (through the send window
     * and quotas like any due task), and its journey says {@code resumed}, dated at the pause's end.
     */
    void releaseDue(long nowMillis, int max) {
        Bytes to = DueIndexKey.upTo(nowMillis);
        if (scanFrom.compareTo(to) > 0) {
            return;
        }
        List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = releases.range(scanFrom, to)) {
            while (it.hasNext() && batch.size() < max) {
                batch.add(it.next());
            }
        }
        for (KeyValue<Bytes, byte[]> entry : batch) {
            releases.put(entry.key, null);
            DueIndexKey parsed = DueIndexKey.parse(entry.key); // the "task id" part is the lead key here
            LeadKey key = LeadKey.parse(parsed.taskId());
            Instant until = Instant.ofEpochMilli(parsed.dueMillis());
            LeadProfile profile = leads.storedProfile(key.tenantId(), key.leadId());
            if (PausePolicy.releaseApplies(profile, until)) {
                release(key, profile, until);
                journey.pauseEnded(key, until, profile.pauseReason());
            }
        }
        if (!batch.isEmpty()) {
            scanFrom = batch.get(batch.size() - 1).key;
        }
    }

    private boolean release(LeadKey key, LeadProfile profile, Instant at) {
        return PausePolicy.resume(profile).map(resumed -> {
            leads.putProfile(key, resumed);
            unschedule(key, profile);
            for (ScheduledTask task : book.openTasksOf(key)) {
                PausePolicy.release(task, at).ifPresent(released -> book.save(task, released));
            }
            log.atInfo().setMessage("lead.resumed").addKeyValue("tenantId", key.tenantId())
                    .addKeyValue("leadId", key.leadId()).addKeyValue("until", profile.pausedUntil()).log();
            return true;
        }).orElse(false);
    }

    /** Deletes the release entry of the lead's pause as it was ({@code before}), if it had one. */
    private void unschedule(LeadKey key, LeadProfile before) {
        if (before.paused() && before.pausedUntil() != null) {
            releases.put(releaseKey(before.pausedUntil(), key), null);
        }
    }

    static Bytes releaseKey(Instant until, LeadKey key) {
        byte[] lead = key.toString().getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + lead.length).putLong(DueIndexKey.millis(until)).put(lead).array());
    }
}
