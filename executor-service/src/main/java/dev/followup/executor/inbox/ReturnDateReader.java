package dev.followup.executor.inbox;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the return date from an out-of-office text: ISO dates ({@code 2026-12-28}), day-first numeric dates
 * ({@code 28.12.2026}, {@code 28.12.}), and dates with an English or German month name ({@code December 28},
 * {@code Dec 28th}, {@code 28 December 2026}, {@code 28. Dezember}). Of the dates after the message was written
 * and at most a year later, the latest counts; follow-ups resume the morning after it ({@link #MORNING} in the
 * given zone), which is right for "until the 28th" and a day of slack for "back on the 28th".
 */
public final class ReturnDateReader {

    /** When a held lead's follow-ups resume on the day after the return date. */
    public static final LocalTime MORNING = LocalTime.of(9, 0);
    /** Only so much of a text is searched. */
    static final int MAX_TEXT = 8_192;

    private static final Map<String, Integer> MONTHS = Map.ofEntries(
            Map.entry("jan", 1), Map.entry("january", 1), Map.entry("januar", 1), Map.entry("jänner", 1),
            Map.entry("feb", 2), Map.entry("february", 2), Map.entry("februar", 2),
            Map.entry("mar", 3), Map.entry("march", 3), Map.entry("mär", 3), Map.entry("märz", 3), Map.entry("maerz", 3),
            Map.entry("apr", 4), Map.entry("april", 4),
            Map.entry("may", 5), Map.entry("mai", 5),
            Map.entry("jun", 6), Map.entry("june", 6), Map.entry("juni", 6),
            Map.entry("jul", 7), Map.entry("july", 7), Map.entry("juli", 7),
            Map.entry("aug", 8), Map.entry("august", 8),
            Map.entry("sep", 9), Map.entry("sept", 9), Map.entry("september", 9),
            Map.entry("oct", 10), Map.entry("october", 10), Map.entry("okt", 10), Map.entry("oktober", 10),
            Map.entry("nov", 11), Map.entry("november", 11),
            Map.entry("dec", 12), Map.entry("december", 12), Map.entry("dez", 12), Map.entry("dezember", 12));

    private static final String MONTH = "(jan(?:uary|uar)?|jänner|feb(?:ruary|ruar)?|mar(?:ch)?|mär(?:z)?|maerz|"
            + "apr(?:il)?|may|mai|jun[ei]?|jul[yi]?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?|okt(?:ober)?|"
            + "nov(?:ember)?|dec(?:ember)?|dez(?:ember)?)\\.?";
    private static final Pattern ISO = Pattern.compile("\\b(20\\d\\d)-(\\d\\d)-(\\d\\d)\\b");
    private static final Pattern DAY_FIRST_NUMERIC = Pattern.compile("\\b(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4}|\\d{2})?(?!\\d)");
    private static final Pattern MONTH_DAY = Pattern.compile("\\b" + MONTH + "\\s+(\\d{1,2})(?:st|nd|rd|th)?\\b(?:,?\\s*(20\\d\\d))?",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern DAY_MONTH = Pattern.compile("\\b(\\d{1,2})(?:st|nd|rd|th|\\.)?\\s+(?:of\\s+)?" + MONTH
            + "(?:\\s+(20\\d\\d))?", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private ReturnDateReader() {
    }

    /**
     * When follow-ups resume: 09:00 in {@code zone} on the day after the latest return date read from {@code text},
     * if one is written there and lies after {@code written} (within a year).
     */
    public static Optional<ZonedDateTime> resumeAt(String text, ZonedDateTime written, ZoneId zone) {
        return returnDate(text, written).map(d -> d.plusDays(1).atTime(MORNING).atZone(zone));
    }

    /** The latest date in {@code text} after {@code written}'s day and at most a year later. */
    public static Optional<LocalDate> returnDate(String text, ZonedDateTime written) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
        LocalDate today = written.toLocalDate();
        LocalDate[] best = {null};
        java.util.function.Consumer<LocalDate> consider = d -> {
            if (d != null && d.isAfter(today) && !d.isAfter(today.plusYears(1)) && (best[0] == null || d.isAfter(best[0]))) {
                best[0] = d;
            }
        };
        Matcher m = ISO.matcher(t);
        while (m.find()) {
            consider.accept(date(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
        }
        m = DAY_FIRST_NUMERIC.matcher(t);
        while (m.find()) {
            consider.accept(withYear(m.group(3), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(1)), today));
        }
        m = MONTH_DAY.matcher(t);
        while (m.find()) {
            consider.accept(withYear(m.group(3), month(m.group(1)), Integer.parseInt(m.group(2)), today));
        }
        m = DAY_MONTH.matcher(t);
        while (m.find()) {
            consider.accept(withYear(m.group(3), month(m.group(2)), Integer.parseInt(m.group(1)), today));
        }
        return Optional.ofNullable(best[0]);
    }

    private static int month(String name) {
        String key = name.toLowerCase(Locale.ROOT).replace(".", "");
        Integer n = MONTHS.get(key);
        if (n == null && key.length() > 3) {
            n = MONTHS.get(key.substring(0, 3));
        }
        return n == null ? 0 : n;
    }

    /** A date without a year is the next one on or after today. */
    private static LocalDate withYear(String year, int month, int day, LocalDate today) {
        if (year != null) {
            int y = Integer.parseInt(year);
            return date(y < 100 ? 2000 + y : y, month, day);
        }
        LocalDate d = date(today.getYear(), month, day);
        return d != null && d.isBefore(today) ? date(today.getYear() + 1, month, day) : d;
    }

    private static LocalDate date(int year, int month, int day) {
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            return null;
        }
    }
}
