package dev.followup.scheduler.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ResponseStatusException;

/**
 * One page of {@code GET /v1/leads/{leadId}/tasks}: the body stays the bare array of tasks, and {@value #NEXT_CURSOR}
 * carries the cursor of the next page when there is one. The cursor is keyset, not an offset: it names the last task
 * of the page by its sort key (due time, task id) and the order, so every task is returned exactly once across pages
 * even when tasks are added or finish meanwhile (a task whose due time moves between two pages may be seen twice or
 * not at all, like any keyset paging).
 *
 * @param tasks      this page's tasks, in the requested order
 * @param nextCursor opaque, URL-safe; null on the last page
 */
public record LeadTaskPage(List<TaskView> tasks, String nextCursor) {

    public static final String NEXT_CURSOR = "X-Next-Cursor";
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 500;

    /** {@code due}: earliest due first (ties by task id); {@code newest}: latest due first. */
    public enum Order {
        DUE, NEWEST;

        Comparator<Key> comparator() {
            return this == DUE ? Comparator.naturalOrder() : Comparator.<Key>naturalOrder().reversed();
        }

        String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where a task sorts: its due time, then its id (unique, so the order is total). */
    record Key(Instant dueAt, String taskId) implements Comparable<Key> {

        static Key of(TaskView task) {
            return new Key(Instant.parse(task.dueAt()), task.taskId());
        }

        @Override
        public int compareTo(Key other) {
            int c = dueAt.compareTo(other.dueAt);
            return c != 0 ? c : taskId.compareTo(other.taskId);
        }
    }

    /**
     * A page asked for.
     *
     * @param after the last task of the previous page, or null for the first page
     */
    public record Request(int limit, Order order, Key after) {

        public static final Request ALL = new Request(Integer.MAX_VALUE, Order.DUE, null);

        /**
         * From the query parameters (null: absent).
         *
         * @throws ResponseStatusException 400 naming {@code limit}, {@code order} or {@code cursor}
         */
        public static Request parse(String limit, String order, String cursor) {
            int max;
            try {
                max = limit == null ? DEFAULT_LIMIT : Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 1 || max > MAX_LIMIT) {
                throw badRequest("limit: '" + shorten(limit) + "' is not a whole number from 1 to " + MAX_LIMIT);
            }
            Order o;
            if (order == null || order.equals("due")) {
                o = Order.DUE;
            } else if (order.equals("newest")) {
                o = Order.NEWEST;
            } else {
                throw badRequest("order: '" + shorten(order) + "' is not one of [due, newest]");
            }
            return new Request(max, o, cursor == null ? null : decode(cursor, o));
        }

        /** The query parameters that ask another instance for the same page. */
        MultiValueMap<String, String> query() {
            MultiValueMap<String, String> query = new LinkedMultiValueMap<>();
            query.add("limit", Integer.toString(limit));
            query.add("order", order.text());
            if (after != null) {
                query.add("cursor", encode(order, after));
            }
            return query;
        }
    }

    /** The page of {@code tasks} (in any order) that {@code request} asks for. */
    static LeadTaskPage of(List<TaskView> tasks, Request request) {
        Comparator<Key> order = request.order().comparator();
        List<TaskView> sorted = tasks.stream().sorted(Comparator.comparing(Key::of, order))
                .filter(t -> request.after() == null || order.compare(Key.of(t), request.after()) > 0).toList();
        if (sorted.size() <= request.limit()) {
            return new LeadTaskPage(sorted, null);
        }
        List<TaskView> page = sorted.subList(0, request.limit());
        return new LeadTaskPage(page, encode(request.order(), Key.of(page.get(page.size() - 1))));
    }

    // the cursor: base64url (no padding) of "order|dueAt|taskId"; the order is in it so it cannot be reused with another

    static String encode(Order order, Key key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (order.text() + "|" + key.dueAt() + "|" + key.taskId()).getBytes(StandardCharsets.UTF_8));
    }

    static Key decode(String cursor, Order order) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 3);
            if (parts.length == 3 && parts[0].equals(order.text()) && !parts[2].isEmpty()) {
                return new Key(Instant.parse(parts[1]), parts[2]);
            }
        } catch (RuntimeException e) {
            // answered below
        }
        throw badRequest("cursor: '" + shorten(cursor) + "' is not a cursor of this query (order " + order.text()
                + "): pass the " + NEXT_CURSOR + " of the previous page unchanged, with the same order");
    }

    private static ResponseStatusException badRequest(String reason) {
        return new ResponseStatusException(HttpStatus.BAD_REQUEST, reason);
    }

    private static String shorten(String value) {
        String printable = String.valueOf(value).replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }
}
