package dev.followup.bench;

import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import java.util.BitSet;

/**
 * What arrived for the {@code expected} timers of one tenant: which fired and which got a receipt (once or more),
 * and the latencies. Fed by the {@link PipelineObserver}'s thread, read by the scenario; every method is synchronized.
 */
final class Tracking implements PipelineObserver.Listener {

    final String tenant;
    final int expected;

    private final BitSet fired;
    private final BitSet received;
    private long duplicateFires;
    private long duplicateReceipts;
    private long notDrafted;
    private long notNoop;
    private long foreign;
    private String lastProblem;

    /** emittedAt − dueAt, as the scheduler stamped it */
    final Latency firingLag = new Latency();
    /** dueAt → the due task visible to a read_committed consumer (its transaction committed) */
    final Latency dueToVisible = new Latency();
    /** dueAt → the receipt visible to a read_committed consumer */
    final Latency dueToReceipt = new Latency();

    private long firstEmitted = Long.MAX_VALUE;
    private long lastEmitted = Long.MIN_VALUE;
    private long firstReceipt = Long.MAX_VALUE;
    private long lastReceipt = Long.MIN_VALUE;
    private long lastArrival;

    Tracking(String tenant, int expected) {
        this.tenant = tenant;
        this.expected = expected;
        this.fired = new BitSet(expected);
        this.received = new BitSet(expected);
    }

    @Override
    public synchronized void onDueTask(DueTask task, long seenAt) {
        int i = TimerFeed.indexOf(task.getLeadId());
        if (i < 0 || i >= expected) {
            foreign++;
            lastProblem = "due task for unexpected lead " + task.getLeadId();
            return;
        }
        lastArrival = seenAt;
        if (fired.get(i)) {
            duplicateFires++;
            lastProblem = "task " + task.getTaskId() + " emitted again";
            return;
        }
        fired.set(i);
        long due = task.getDueAt().toEpochMilli();
        long emitted = task.getEmittedAt().toEpochMilli();
        firingLag.record(emitted - due);
        dueToVisible.record(seenAt - due);
        firstEmitted = Math.min(firstEmitted, emitted);
        lastEmitted = Math.max(lastEmitted, emitted);
    }

    @Override
    public synchronized void onReceipt(Receipt receipt, long seenAt) {
        int i = TimerFeed.indexOf(receipt.getLeadId());
        if (i < 0 || i >= expected) {
            foreign++;
            lastProblem = "receipt for unexpected lead " + receipt.getLeadId();
            return;
        }
        lastArrival = seenAt;
        if (received.get(i)) {
            duplicateReceipts++;
            lastProblem = "second receipt for task " + receipt.getTaskId();
            return;
        }
        received.set(i);
        if (receipt.getStatus() != ReceiptStatus.DRAFTED) {
            notDrafted++;
            lastProblem = "receipt " + receipt.getStatus() + " for task " + receipt.getTaskId() + ": " + receipt.getError();
        }
        if (!"noop".equals(receipt.getProvider())) {
            notNoop++;
        }
        dueToReceipt.record(seenAt - receipt.getDueAt().toEpochMilli());
        firstReceipt = Math.min(firstReceipt, seenAt);
        lastReceipt = Math.max(lastReceipt, seenAt);
    }

    synchronized int firedCount() {
        return fired.cardinality();
    }

    synchronized int receivedCount() {
        return received.cardinality();
    }

    synchronized boolean hasFired(int i) {
        return fired.get(i);
    }

    synchronized long duplicateFires() {
        return duplicateFires;
    }

    synchronized long duplicateReceipts() {
        return duplicateReceipts;
    }

    synchronized long notDrafted() {
        return notDrafted;
    }

    synchronized long notNoop() {
        return notNoop;
    }

    synchronized long foreign() {
        return foreign;
    }

    synchronized String lastProblem() {
        return lastProblem;
    }

    /** Wall-clock millis of the last record of this tenant that arrived (0 before the first). */
    synchronized long lastArrival() {
        return lastArrival;
    }

    synchronized long firstEmitted() {
        return firstEmitted;
    }

    synchronized long lastEmitted() {
        return lastEmitted;
    }

    synchronized long firstReceipt() {
        return firstReceipt;
    }

    synchronized long lastReceipt() {
        return lastReceipt;
    }
}
