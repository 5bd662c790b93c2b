package dev.followup.events;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The cron rule of the contract: a step's {@code repeat.cron} has six fields (second minute hour day-of-month month
 * day-of-week, e.g. {@code 0 0 9 * * MON-FRI}) in the grammar of Spring's {@code CronExpression}, and at most
 * {@value #MAX_LENGTH} characters.
 *
 * <p>Why the grammar is a parameter: the scheduler evaluates crons with Spring's {@code CronExpression}
 * (RecurrencePolicy), so what that class parses is the rule. A copy of its grammar here (Quartz {@code L}, {@code W}
 * and {@code #}, macros such as {@code @daily}, month and day names, ranges and steps) would be a second home that can
 * drift from the one that runs, and spring-context does not belong in the contract library. So this class holds what
 * the contract adds, the bound and the wording, and each service passes Spring's
 * {@code CronExpression::isValidExpression}.
 */
public final class CronText {

    public static final int MAX_LENGTH = 200;
    /** The fields, for error messages. */
    public static final String FORMAT = "second minute hour day-of-month month day-of-week (e.g. 0 0 9 * * MON-FRI)";
    /** The field error for a value that breaks the rule (a compile-time constant: usable as an annotation default). */
    public static final String PROBLEM = "must be a cron expression of six fields: " + FORMAT;

    private CronText() {
    }

    /** Whether {@code value} is within the bound and {@code grammar} (Spring's parser) accepts it. */
    public static boolean isValid(String value, Predicate<String> grammar) {
        return value != null && !value.isBlank() && value.length() <= MAX_LENGTH && grammar.test(value);
    }

    /** Occurrences of a cron looked at by {@link #shortestGap}. */
    public static final int SAMPLES = 20;
    /** A fixed reference, so the same cron is always judged the same way (a local date-time: no DST jumps). */
    public static final LocalDateTime REFERENCE = LocalDateTime.of(2026, 1, 1, 0, 0);

    /**
     * How often a cron fires at most: the shortest gap between its next {@value #SAMPLES} occurrences after
     * {@link #REFERENCE}, with {@code next} the grammar's "next occurrence after" (Spring's {@code CronExpression::next}
     * in both services); null when it has fewer than two. The recurrence minimum is checked against this at ingest and
     * in the scheduler alike.
     */
    public static Duration shortestGap(UnaryOperator<LocalDateTime> next) {
        Duration shortest = null;
        LocalDateTime previous = next.apply(REFERENCE);
        for (int i = 1; previous != null && i < SAMPLES; i++) {
            LocalDateTime following = next.apply(previous);
            if (following == null) {
                break;
            }
            Duration gap = Duration.between(previous, following);
            shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
            previous = following;
        }
        return shortest;
    }
}
