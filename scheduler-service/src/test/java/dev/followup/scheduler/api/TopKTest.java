package dev.followup.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The receipts query's selection: the order {@code GET /v1/receipts} has always had, holding at most k. */
class TopKTest {

    private static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");

    /** The receipts order of {@link TaskQueries#receipts}: failures first when asked, then newest first. */
    private static Comparator<ReceiptView> order(boolean failuresFirst) {
        Comparator<ReceiptView> order = Comparator.comparing(ReceiptView::completedAt).reversed();
        return failuresFirst ? Comparator.comparing((ReceiptView r) -> !r.failed()).thenComparing(order) : order;
    }

    private static ReceiptView receipt(String taskId, int minute, String status) {
        return new ReceiptView(T0.plusSeconds(60L * minute).toString(), "lead-1", taskId, "EMAIL", status, 1, null,
                null, null, "test", null, null, null, "FAILED".equals(status) || "DEAD".equals(status));
    }

    private static List<String> taskIds(List<ReceiptView> receipts) {
        return receipts.stream().map(ReceiptView::taskId).toList();
    }

    private static List<ReceiptView> select(int k, boolean failuresFirst, List<ReceiptView> in) {
        TopK<ReceiptView> top = new TopK<>(k, order(failuresFirst));
        in.forEach(top::offer);
        return top.toList();
    }

    @Test
    void failuresFirstThenNewestFirst() {
        List<ReceiptView> in = List.of(receipt("sent-old", 1, "SENT"), receipt("dead-old", 2, "DEAD"),
                receipt("sent-new", 9, "SENT"), receipt("failed-new", 8, "FAILED"), receipt("drafted", 5, "DRAFTED"));

        assertThat(taskIds(select(3, true, in))).containsExactly("failed-new", "dead-old", "sent-new");
        assertThat(taskIds(select(3, false, in))).containsExactly("sent-new", "failed-new", "drafted");
        assertThat(taskIds(select(10, true, in))).as("fewer than k: all of them, in order")
                .containsExactly("failed-new", "dead-old", "sent-new", "drafted", "sent-old");
    }

    @Test
    void equalReceiptsKeepTheOrderTheyWereOfferedIn() {
        // the same minute: local ones (store order), then each instance's answer, as a stable sort kept them
        List<ReceiptView> in = List.of(receipt("local-1", 5, "SENT"), receipt("local-2", 5, "SENT"),
                receipt("remote-1", 5, "SENT"), receipt("remote-2", 5, "SENT"), receipt("newer", 6, "SENT"));

        assertThat(taskIds(select(3, false, in))).containsExactly("newer", "local-1", "local-2");
        assertThat(taskIds(select(4, true, in))).containsExactly("newer", "local-1", "local-2", "remote-1");
    }

    @Test
    void holdsAtMostKAndAnswersAsSortingEverythingDid() {
        List<ReceiptView> in = new ArrayList<>();
        String[] statuses = {"SENT", "FAILED", "DRAFTED", "DEAD", "SKIPPED"};
        for (int i = 0; i < 5_000; i++) {
            // minutes repeat (ties) and run up and down, so the head of the queue changes often
            in.add(receipt("t-" + i, (i * 7919) % 613, statuses[(i * 31) % statuses.length]));
        }
        for (boolean failuresFirst : new boolean[] {true, false}) {
            for (int k : new int[] {1, 37, 500}) {
                TopK<ReceiptView> top = new TopK<>(k, order(failuresFirst));
                int most = 0;
                for (ReceiptView r : in) {
                    top.offer(r);
                    most = Math.max(most, top.size());
                }
                assertThat(most).as("held at most, k=" + k).isEqualTo(k);

                List<ReceiptView> everything = new ArrayList<>(in);
                everything.sort(order(failuresFirst)); // what the query did before: sort all, then cut
                assertThat(taskIds(top.toList())).as("k=" + k + " failuresFirst=" + failuresFirst)
                        .isEqualTo(taskIds(everything.subList(0, k)));
            }
        }
    }
}
