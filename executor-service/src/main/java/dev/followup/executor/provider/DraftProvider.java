package dev.followup.executor.provider;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.executor.content.RenderedDraft;

/**
 * Makes one draft for a task, idempotently by task id: drafting the same task twice leaves one draft and returns
 * its reference both times.
 */
public interface DraftProvider {

    /** Short name reported in receipts ({@code imap}, {@code maildir}, {@code webhook}, {@code outbox}). */
    String name();

    /**
     * @param channel the tenant's settings for the task's channel, or null when it has none
     * @throws ProviderFailure permanent (FAILED, no retry) or retriable
     */
    DraftResult draft(DueTask task, RenderedDraft content, ChannelSettings channel);

    /**
     * Deletes every draft this provider made for the lead (an erasure). Idempotent.
     *
     * @param settings the tenant's settings for {@code channel}, or null when it has none
     * @return how many drafts were deleted, or -1 when this provider hands drafts to another system and cannot
     * @throws ProviderFailure when it could not finish
     */
    default int erase(String tenantId, String leadId, Channel channel, ChannelSettings settings) {
        return -1;
    }

    /** Where a draft went: the provider's reference (IMAP UID, file name, response id) and a link when there is one. */
    record DraftResult(String providerRef, String link) {
    }
}
