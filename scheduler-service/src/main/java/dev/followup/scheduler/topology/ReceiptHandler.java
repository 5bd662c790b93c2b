package dev.followup.scheduler.topology;

import dev.followup.events.LeadKey;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.TaskReason;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskLifecycle;

/**
 * Receipts: the executor's outcome of an emission goes into the lead's journey and onto the task
 * ({@link TaskLifecycle#onReceipt}); a sequence step's receipt chains the enrollment's next step. A SENT receipt for a
 * DRAFTED task is a person sending the draft: the task becomes SENT and the journey says "sent by a person", but the
 * step already chained on DRAFTED and the success was already counted for failure alerts. A receipt after SENT is
 * not recorded at all.
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

    /** Applies {@code receipt}: whether it counts for the tenant's failure alerts (a task's first outcome does). */
    boolean on(LeadKey key, Receipt receipt) {
        ScheduledTask task = book.ownTask(key, receipt.getTaskId());
        if (TaskLifecycle.afterSent(task)) {
            TaskBook.logIgnored("receipt.ignored", receipt.getTaskId(), task);
            return false;
        }
        boolean byPerson = TaskLifecycle.sentByPerson(task, receipt.getStatus());
        journey.receipt(receipt, task, byPerson);
        TaskLifecycle.onReceipt(task, receipt.getStatus(), receipt.getAttempt(), receipt.getCompletedAt(),
                receipt.getError()).ifPresentOrElse(next -> {
                    book.save(task, next);
                    if (next.source() == TaskReason.SEQUENCE && !byPerson) {
                        sequences.afterReceipt(key, next, receipt);
                    }
                }, () -> TaskBook.logIgnored("receipt.ignored", receipt.getTaskId(), task));
        return !byPerson;
    }
}
