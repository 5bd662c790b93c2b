package dev.followup.scheduler.api;

import dev.followup.scheduler.topology.JourneyEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ResponseStatusException;

/**
 * One page of {@code GET /v1/leads/{leadId}/journey}, in time order: the body stays {@link JourneyView}, and
 * {@value LeadTaskPage#NEXT_CURSOR} carries the cursor of the next page when there is one. The cursor names the last
 * entry by its journey-store key (time, rank, reference: unique), so pages neither repeat nor skip an entry; entries
 * that age out of the newest {@code 200} between two pages are simply gone.
 *
 * @param view       this page's entries
 * @param nextCursor opaque, URL-safe; null on the last page
 */
public record JourneyPage(JourneyView view, String nextCursor) {

    /** The default returns the whole journey (at most 200 entries are kept), as before paging. */
    public static final int DEFAULT_LIMIT = 200;

    /**
     * A page asked for.
     *
     * @param after the key of the last entry of the previous page, or null for the first page
     */
    public record Request(int limit, String after) {

        public static final Request ALL = new Request(Integer.MAX_VALUE, null);

        /** @throws ResponseStatusException 400 naming {@code limit} or {@code cursor} */
        public static Request parse(String limit, String cursor) {
            int max;
            try {
                max = limit == null ? DEFAULT_LIMIT : Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                max = -1;
            }
            if (max < 1 || max > LeadTaskPage.MAX_LIMIT) {
                throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "limit: '" + shorten(limit)
                        + "' is not a whole number from 1 to " + LeadTaskPage.MAX_LIMIT);
            }
            return new Request(max, cursor == null ? null : decode(cursor));
        }

        MultiValueMap<String, String> query() {
            MultiValueMap<String, String> query = new LinkedMultiValueMap<>();
            if (this != ALL) {
                query.add("limit", Integer.toString(limit));
                if (after != null) {
                    query.add("cursor", encode(after));
                }
            }
            return query;
        }
    }

    /** The page of {@code entries} (keyed and in key order, as {@code JourneyReader.readKeyed}) asked for. */
    static JourneyPage of(String leadId, String timezone, Map<String, JourneyEntry> entries, Request request) {
        List<JourneyEntry> page = new ArrayList<>();
        String last = null;
        boolean more = false;
        for (Map.Entry<String, JourneyEntry> e : entries.entrySet()) {
            if (request.after() != null && e.getKey().compareTo(request.after()) <= 0) {
                continue;
            }
            if (page.size() == request.limit()) {
                more = true;
                break;
            }
            page.add(e.getValue());
            last = e.getKey();
        }
        return new JourneyPage(new JourneyView(leadId, timezone, page), more ? encode(last) : null);
    }

    static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("j|" + key).getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith("j|") && text.length() > 2) {
                return text.substring(2);
            }
        } catch (RuntimeException e) {
            // answered below
        }
        throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "cursor: '" + shorten(cursor)
                + "' is not a journey cursor: pass the " + LeadTaskPage.NEXT_CURSOR + " of the previous page unchanged");
    }

    private static String shorten(String value) {
        String printable = String.valueOf(value).replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }
}
