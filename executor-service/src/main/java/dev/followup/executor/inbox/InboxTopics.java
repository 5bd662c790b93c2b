package dev.followup.executor.inbox;

/** The watcher's operational topics (not part of the contract), created by the executor at startup when missing. */
public final class InboxTopics {

    /** Compacted: per watched folder, how far the watcher has handled it. */
    public static final String POSITIONS = "followup.inbox-positions.v1";
    /** Compacted, with a retention of the draft horizon: the email drafts made, by task and by hashed recipient. */
    public static final String DRAFTS = "followup.inbox-drafts.v1";

    private InboxTopics() {
    }
}
