package dev.followup.events;

import java.util.function.Predicate;

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
}
