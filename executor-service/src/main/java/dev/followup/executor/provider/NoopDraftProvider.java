package dev.followup.executor.provider;

import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.executor.content.RenderedDraft;

/**
 * For benchmarks only ({@code followup.executor.noop-provider=true}): makes no draft and reports it made one at once,
 * so a benchmark measures the pipeline (scheduler, topics, executor, receipts) without a mailbox or webhook in it.
 * Receipts name the provider {@code noop}.
 */
public final class NoopDraftProvider implements DraftProvider {

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public DraftResult draft(DueTask task, RenderedDraft content, ChannelSettings channel) {
        return new DraftResult("noop-" + task.getTaskId(), null);
    }
}
