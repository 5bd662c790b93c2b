package dev.followup.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.server.ResponseStatusException;

/** Paging a lead's tasks: every task exactly once across pages, in order; bad parameters are a 400 naming them. */
class LeadTaskPageTest {

    private static final Instant START = Instant.parse("2026-03-02T12:00:00Z");

    /** 25 tasks, in task-id order like the lead index, with due times that repeat (ties broken by task id). */
    private static List<TaskView> tasks() {
        List<TaskView> out = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Instant due = START.plus(Duration.ofMinutes((i * 7) % 10)); // only 10 distinct due times
            out.add(new TaskView(String.format("mt-%02d", i), "acme", "lead-1", "PENDING", "SMS", "MANUAL", 1,
                    due.toString(), due.toString(), null, START.toString(), null, null, null, null, null, null));
        }
        Collections.shuffle(out, new java.util.Random(7));
        return out;
    }

    private static List<List<TaskView>> walk(List<TaskView> tasks, String order) {
        List<List<TaskView>> pages = new ArrayList<>();
        String cursor = null;
        do {
            LeadTaskPage page = LeadTaskPage.of(tasks, LeadTaskPage.Request.parse("7", order, cursor));
            pages.add(page.tasks());
            cursor = page.nextCursor();
            assertThat(cursor == null || cursor.matches("[A-Za-z0-9_-]+")).as("URL-safe: %s", cursor).isTrue();
        } while (cursor != null);
        return pages;
    }

    @Test
    void pagesOfSevenReturnEveryTaskExactlyOnceInDueOrder() {
        List<TaskView> tasks = tasks();
        List<TaskView> unpaged = LeadTaskPage.of(tasks, LeadTaskPage.Request.ALL).tasks();

        List<List<TaskView>> pages = walk(tasks, null);

        assertThat(pages).extracting(List::size).containsExactly(7, 7, 7, 4);
        List<TaskView> union = pages.stream().flatMap(List::stream).toList();
        assertThat(union).containsExactlyElementsOf(unpaged).doesNotHaveDuplicates().hasSize(25);
        assertThat(union).extracting(t -> Instant.parse(t.dueAt())).isSorted();
    }

    @Test
    void newestFirstIsTheReverseOrder() {
        List<TaskView> tasks = tasks();
        List<TaskView> due = LeadTaskPage.of(tasks, LeadTaskPage.Request.ALL).tasks();

        List<TaskView> union = walk(tasks, "newest").stream().flatMap(List::stream).toList();

        List<TaskView> reversed = new ArrayList<>(due);
        Collections.reverse(reversed);
        assertThat(union).containsExactlyElementsOf(reversed);
    }

    @Test
    void aTaskAddedBetweenPagesDoesNotShiftThePagesAlreadyRead() {
        List<TaskView> tasks = new ArrayList<>(tasks());
        LeadTaskPage first = LeadTaskPage.of(tasks, LeadTaskPage.Request.parse("7", null, null));
        tasks.add(0, new TaskView("mt-00a", "acme", "lead-1", "PENDING", "SMS", "MANUAL", 1, START.toString(),
                START.toString(), null, START.toString(), null, null, null, null, null, null));

        LeadTaskPage second = LeadTaskPage.of(tasks, LeadTaskPage.Request.parse("7", null, first.nextCursor()));

        assertThat(second.tasks()).doesNotContainAnyElementsOf(first.tasks());
        assertThat(Instant.parse(second.tasks().get(0).dueAt()))
                .isAfterOrEqualTo(Instant.parse(first.tasks().get(6).dueAt()));
    }

    @Test
    void theDefaultsAreOneHundredInDueOrder() {
        LeadTaskPage.Request request = LeadTaskPage.Request.parse(null, null, null);
        assertThat(request.limit()).isEqualTo(100);
        assertThat(request.order()).isEqualTo(LeadTaskPage.Order.DUE);
        assertThat(LeadTaskPage.of(tasks(), request).nextCursor()).isNull();
    }

    @Test
    void aBadLimitOrderOrCursorIsA400NamingIt() {
        for (String limit : List.of("0", "501", "ten", "-1")) {
            assertBadRequest(() -> LeadTaskPage.Request.parse(limit, null, null), "limit: '" + limit + "'");
        }
        assertBadRequest(() -> LeadTaskPage.Request.parse(null, "oldest", null), "order: 'oldest'");
        assertBadRequest(() -> LeadTaskPage.Request.parse(null, null, "not-a-cursor"), "cursor: 'not-a-cursor'");
        String dueCursor = LeadTaskPage.of(tasks(), LeadTaskPage.Request.parse("7", "due", null)).nextCursor();
        assertBadRequest(() -> LeadTaskPage.Request.parse("7", "newest", dueCursor), "cursor:");
    }

    private static void assertBadRequest(Runnable call, String reason) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ResponseStatusException.class, e -> {
            assertThat(e.getStatusCode().value()).isEqualTo(400);
            assertThat(e.getReason()).contains(reason);
        });
    }
}
