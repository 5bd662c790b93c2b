package dev.followup.events;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The blackout-date rule of the contract ({@code TenantSettings.blackoutDates}): each entry is an ISO local date
 * ({@code 2026-12-24}) or an inclusive ISO interval of two dates ({@code 2026-12-24/2026-12-31}). A tenant has at most
 * {@value #MAX_ENTRIES} entries of at most {@value #MAX_RANGE_DAYS} days each and {@value #MAX_TOTAL_DAYS} days in
 * all, so a working day always comes within a bounded search.
 */
public final class BlackoutDates {

    public static final int MAX_ENTRIES = 100;
    public static final int MAX_RANGE_DAYS = 366;
    public static final int MAX_TOTAL_DAYS = 2 * 366;

    private BlackoutDates() {
    }

    /** An inclusive range of local dates. */
    public record Range(LocalDate first, LocalDate last) {

        public boolean contains(LocalDate date) {
            return !date.isBefore(first) && !date.isAfter(last);
        }
    }

    /**
     * Why {@code entry} is not an accepted blackout entry, as a field error ("... is ..."); empty when accepted. The
     * text names what is expected, never the entry.
     */
    public static Optional<String> problemWith(String entry) {
        try {
            parseEntry(entry);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /**
     * The ranges of a tenant's entries.
     *
     * @throws IllegalArgumentException naming the entry's index ({@code blackoutDates[2] ...}) at the first bad one
     */
    public static List<Range> parse(List<String> entries) {
        if (entries == null || entries.isEmpty()) {
            return List.of();
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("blackoutDates has " + entries.size() + " entries; at most "
                    + MAX_ENTRIES + " (use ranges)");
        }
        List<Range> ranges = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            try {
                ranges.add(parseEntry(entries.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("blackoutDates[" + i + "] '" + entries.get(i) + "' " + e.getMessage());
            }
        }
        long total = ranges.stream().mapToLong(r -> ChronoUnit.DAYS.between(r.first(), r.last()) + 1).sum();
        if (total > MAX_TOTAL_DAYS) {
            throw new IllegalArgumentException("blackoutDates cover " + total + " days in all; at most "
                    + MAX_TOTAL_DAYS);
        }
        return List.copyOf(ranges);
    }

    private static Range parseEntry(String entry) {
        if (entry == null) {
            throw new IllegalArgumentException("is missing: a date such as 2026-12-24 or a range 2026-12-24/2026-12-31");
        }
        int slash = entry.indexOf('/');
        try {
            LocalDate first = LocalDate.parse(slash < 0 ? entry : entry.substring(0, slash));
            LocalDate last = slash < 0 ? first : LocalDate.parse(entry.substring(slash + 1));
            if (last.isBefore(first)) {
                throw new IllegalArgumentException("ends before it starts: a range is first/last, both included");
            }
            if (ChronoUnit.DAYS.between(first, last) + 1 > MAX_RANGE_DAYS) {
                throw new IllegalArgumentException("spans more than " + MAX_RANGE_DAYS + " days");
            }
            return new Range(first, last);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "is not a date (2026-12-24) or an inclusive range of two dates (2026-12-24/2026-12-31)");
        }
    }
}
