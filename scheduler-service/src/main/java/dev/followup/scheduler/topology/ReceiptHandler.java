package dev.followup.scheduler.topology;

import dev.followup.events.LeadKey;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.TaskReason;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskLifecycle;

/**
 * Receipts: the executor's outcome of an emission goes into the lead's journey and onto the task
 * ({@link TaskLifecycle#onReceipt}); a sequence step's receipt chains the enrollment's next step.
 */
final class ReceiptHandler {

    private final TaskBook book;
    private final JourneyRecorder journey;
    private final SequenceSteps sequences;

    ReceiptHandler(TaskBook book, JourneyRecorder journey, SequenceSteps sequences) {
        this.book = book;
        this.journey = journey;
        this.sequences = sequences;
    }

    void on(LeadKey key, Receipt receipt) {
        ScheduledTask task = book.ownTask(key, receipt.getTaskId());
        journey.receipt(receipt, task);
        TaskLifecycle.onReceipt(task, receipt.getStatus(), receipt.getAttempt(), receipt.getCompletedAt(),
                receipt.getError()).ifPresentOrElse(next -> {
                    book.save(task, next);
                    if (next.source() == TaskReason.SEQUENCE) {
                        sequences.afterReceipt(key, next, receipt);
                    }
                }, () -> TaskBook.logIgnored("receipt.ignored", receipt.getTaskId(), task));
    }
}
