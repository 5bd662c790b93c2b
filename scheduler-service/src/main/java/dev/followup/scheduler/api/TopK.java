package dev.followup.scheduler.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The first {@code k} of a stream of items in {@code order}, holding at most {@code k} of them: a query that scans
 * a tenant's whole history keeps only what it will answer. Same result as a stable sort of everything followed by
 * {@code subList(0, k)}: items that compare equal keep the order in which they were offered.
 */
final class TopK<T> {

    private record Offered<T>(T item, long seq) {
    }

    private final int k;
    private final Comparator<Offered<T>> order;
    /** Head: the item that would be dropped first (last in {@code order}, offered last among equals). */
    private final PriorityQueue<Offered<T>> kept;
    private long offered;

    TopK(int k, Comparator<? super T> order) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        this.k = k;
        Comparator<Offered<T>> byItem = (a, b) -> order.compare(a.item(), b.item());
        this.order = byItem.thenComparingLong(Offered::seq);
        this.kept = new PriorityQueue<>(Math.min(k, 1024) + 1, this.order.reversed());
    }

    void offer(T item) {
        Offered<T> next = new Offered<>(item, offered++);
        if (kept.size() < k) {
            kept.add(next);
        } else if (order.compare(next, kept.peek()) < 0) {
            kept.poll();
            kept.add(next);
        }
    }

    /** How many items are held (at most {@code k}). */
    int size() {
        return kept.size();
    }

    /** The kept items, first first. */
    List<T> toList() {
        List<Offered<T>> sorted = new ArrayList<>(kept);
        sorted.sort(order);
        List<T> out = new ArrayList<>(sorted.size());
        sorted.forEach(o -> out.add(o.item()));
        return out;
    }
}
