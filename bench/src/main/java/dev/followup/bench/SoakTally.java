package dev.followup.bench;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TaskReason;
import java.util.EnumMap;
import java.util.Map;

/**
 * What arrived for the soak's leads: per lead, which of its (at most four) tasks fired, and how many receipts came
 * back. Fed by the {@link PipelineObserver}'s thread; every method is synchronized. One byte and one short per lead.
 */
final class SoakTally implements PipelineObserver.Listener {

    private final byte[] fired;
    private final short[] receipts;
    private final Map<ReceiptStatus, Long> byStatus = new EnumMap<>(ReceiptStatus.class);
    private long dueTasks;
    private long receiptCount;
    private long duplicateFires;
    private long foreign;
    private long lastArrival;

    SoakTally(int leads) {
        this.fired = new byte[leads];
        this.receipts = new short[leads];
    }

    /** The bit of a lead's task: lead follow-up or sequence step, email or SMS. */
    static int bit(TaskReason reason, Channel channel) {
        return 1 << ((reason == TaskReason.SEQUENCE ? 2 : 0) + (channel == Channel.SMS ? 1 : 0));
    }

    @Override
    public synchronized void onDueTask(DueTask task, long seenAt) {
        int i = TimerFeed.indexOf(task.getLeadId());
        if (i < 0 || i >= fired.length) {
            foreign++;
            return;
        }
        lastArrival = seenAt;
        dueTasks++;
        int bit = bit(task.getReason(), task.getChannel());
        if ((fired[i] & bit) != 0) {
            duplicateFires++;
        }
        fired[i] |= (byte) bit;
    }

    @Override
    public synchronized void onReceipt(Receipt receipt, long seenAt) {
        int i = TimerFeed.indexOf(receipt.getLeadId());
        if (i < 0 || i >= receipts.length) {
            foreign++;
            return;
        }
        lastArrival = seenAt;
        receiptCount++;
        receipts[i]++;
        byStatus.merge(receipt.getStatus(), 1L, Long::sum);
    }

    synchronized long dueTasks() {
        return dueTasks;
    }

    synchronized long receipts() {
        return receiptCount;
    }

    synchronized long duplicateFires() {
        return duplicateFires;
    }

    synchronized long foreign() {
        return foreign;
    }

    synchronized long lastArrival() {
        return lastArrival;
    }

    synchronized Map<ReceiptStatus, Long> byStatus() {
        return new EnumMap<>(byStatus);
    }

    /**
     * Tasks missing among the first {@code leads} leads whose outcome does not depend on timing (those that neither
     * reply nor are erased: every one of their tasks must fire).
     */
    synchronized long missing(int leads) {
        long missing = 0;
        for (int i = 0; i < leads; i++) {
            SoakFeed.Kind kind = SoakFeed.kindOf(i);
            if (kind == SoakFeed.Kind.PLAIN || kind == SoakFeed.Kind.ENROLLED) {
                missing += kind.dueTasks - Integer.bitCount(fired[i] & 0xff);
            }
        }
        return missing;
    }

    /** Receipts beyond one per fired task, over the first {@code leads} leads. */
    synchronized long duplicateReceipts(int leads) {
        long extra = 0;
        for (int i = 0; i < leads; i++) {
            extra += Math.max(0, receipts[i] - Integer.bitCount(fired[i] & 0xff));
        }
        return extra;
    }

    /** Fired tasks without a receipt (yet), over the first {@code leads} leads. */
    synchronized long withoutReceipt(int leads) {
        long missing = 0;
        for (int i = 0; i < leads; i++) {
            missing += Math.max(0, Integer.bitCount(fired[i] & 0xff) - receipts[i]);
        }
        return missing;
    }
}
