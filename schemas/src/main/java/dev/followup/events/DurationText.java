package dev.followup.events;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the contract writes them: an optional sign, a whole number and a unit
 * ({@code s}, {@code m}, {@code h}, {@code d}), e.g. {@code 30m}, {@code 2h}, {@code -15m}, {@code 1d}.
 * ISO-8601 ({@code PT30M}) is accepted too. A day is 24 hours here; calendar-day rules live in the policies.
 */
public final class DurationText {

    private static final Pattern SHORT = Pattern.compile("([+-]?)(\\d{1,9})([smhd])");

    private DurationText() {
    }

    /**
     * Parses {@code value}.
     *
     * @throws IllegalArgumentException naming the field and the value if it is not a duration
     */
    public static Duration parse(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required (a duration such as 30m, 2h or 1d)");
        }
        String text = value.strip();
        Matcher m = SHORT.matcher(text);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(2));
            Duration d = switch (m.group(3)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return "-".equals(m.group(1)) ? d.negated() : d;
        }
        try {
            return Duration.parse(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + " '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
                    + "' is not a duration: use a number and a unit s, m, h or d, e.g. 30m, 2h, 1d");
        }
    }

    /** Whether {@code value} parses. */
    public static boolean isValid(String value) {
        try {
            parse("value", value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code d} as the contract writes durations: {@code 1m}, {@code 10s}, {@code 2h}, {@code 1d} (ISO-8601 if not whole). */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (d.toNanosPart() != 0 || s <= 0) {
            return d.toString();
        }
        return s % 86_400 == 0 ? s / 86_400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
