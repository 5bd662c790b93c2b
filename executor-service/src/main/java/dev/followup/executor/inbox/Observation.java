package dev.followup.executor.inbox;

import java.time.Instant;

/** What one message in a watched folder comes to ({@link MessageClassifier}). */
public sealed interface Observation {

    /** The value of {@code followup.inbox.messages{kind}}. */
    String kind();

    /** The lead answered one of our drafts. */
    record Reply(DraftRef draft, String matchedBy) implements Observation {
        @Override
        public String kind() {
            return "reply";
        }
    }

    /** A delivery status notification about one of our drafts; only a permanent (5.x.x) one blocks email. */
    record Bounce(DraftRef draft, String status, boolean permanent) implements Observation {
        @Override
        public String kind() {
            return permanent ? "bounce" : "bounce_transient";
        }
    }

    /** An automatic answer (out of office) to one of our drafts: the lead is paused until {@code until}. */
    record OutOfOffice(DraftRef draft, Instant until, boolean dateRead) implements Observation {
        @Override
        public String kind() {
            return "out_of_office";
        }
    }

    /** Our draft, sent by a person: it is in the Sent folder. */
    record Sent(DraftRef draft, Instant sentAt) implements Observation {
        @Override
        public String kind() {
            return "sent";
        }
    }

    /** Nothing to do with our drafts (unknown sender, newsletter, automatic notice). */
    record Ignored(String reason) implements Observation {
        @Override
        public String kind() {
            return "ignored";
        }
    }

    /** The message could not be read or parsed; skipped. */
    record Unreadable(String reason) implements Observation {
        @Override
        public String kind() {
            return "unreadable";
        }
    }
}
