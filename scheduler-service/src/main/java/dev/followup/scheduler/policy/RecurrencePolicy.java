package dev.followup.scheduler.policy;

import dev.followup.events.CronText;
import dev.followup.events.DurationText;
import dev.followup.events.v1.StepRepeat;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.scheduling.support.CronExpression;

/**
 * Recurring steps: when the occurrences of a {@link StepRepeat} fall. Pure: zone, working days and times are
 * parameters.
 * <ul>
 *   <li>{@code every} in whole days and {@code cron} are local-time schedules: an occurrence is a local date-time
 *       (09:00 every day stays 09:00 on both sides of a DST change). Shorter {@code every} intervals are elapsed
 *       time (every 2 h is 2 h of real time, also across a change).</li>
 *   <li>A local date-time becomes an instant at the first moment the local clock shows that time or later: in a
 *       spring-forward gap the moment the clock jumps (02:30 on a 02:00→03:00 day runs at 03:00), in a fall-back
 *       overlap the first of the two (02:30 on a 03:00→02:00 day runs once, at the summer-time 02:30). Each local
 *       date-time is one occurrence, so a repeated hour never runs twice and a skipped one still runs once.</li>
 *   <li>{@code workingDaysOnly} skips occurrences whose local date is not a working day; they do not count.</li>
 *   <li>An occurrence is identified by its local date-time ({@link Occurrence#key()}): elapsed-time occurrences add
 *       the UTC offset, since a fall-back overlap shows the same local time twice.</li>
 * </ul>
 */
public final class RecurrencePolicy {

    /** Most candidates looked at for one occurrence (a cron that never matches a working day ends the schedule). */
    static final int MAX_CANDIDATES = 1000;
    /** Most occurrences counted for {@link #remaining}; beyond it the count is unknown (null). */
    static final int MAX_COUNTED = 10_000;

    private RecurrencePolicy() {
    }

    /**
     * A parsed {@link StepRepeat}.
     *
     * @param every        the interval, or null for a cron schedule
     * @param calendarDays whether {@code every} is whole days (local time of day kept)
     * @param cron         the cron schedule, or null
     * @param times        most occurrences, or null
     * @param until        no occurrence after it, or null
     */
    public record Rule(Duration every, boolean calendarDays, CronExpression cron, Integer times, Instant until,
            boolean workingDaysOnly, boolean inSendWindow) {
    }

    /**
     * One occurrence of a rule.
     *
     * @param number 1 for the first occurrence of the step, then 2, 3, ...
     * @param key    its local date-time (ISO-8601; with the offset for elapsed-time rules): part of its task id
     * @param at     when it runs (before any send window)
     */
    public record Occurrence(int number, String key, Instant at) {
    }

    /**
     * Parses the {@code repeat} of step {@code index}; {@code field} names the step in errors
     * ({@code sequence acme:welcome steps[1].repeat}).
     *
     * @throws InvalidInputException naming the field and its value if the rule is invalid
     */
    public static Rule rule(String field, StepRepeat repeat) {
        String every = repeat.getEvery();
        String cron = repeat.getCron();
        if ((every == null) == (cron == null)) {
            throw new InvalidInputException(field + " needs exactly one of every and cron (every '" + every
                    + "', cron '" + cron + "')");
        }
        Integer times = repeat.getTimes();
        if (times != null && times < 1) {
            throw new InvalidInputException(field + ".times '" + times + "' must be at least 1");
        }
        if (every != null) {
            Duration interval;
            try {
                interval = DurationText.parse(field + ".every", every);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage());
            }
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new InvalidInputException(field + ".every '" + every + "' must be at least 1s");
            }
            boolean days = interval.toSeconds() % Duration.ofDays(1).toSeconds() == 0 && interval.toNanosPart() == 0;
            return new Rule(interval, days, null, times, repeat.getUntil(), repeat.getWorkingDaysOnly(),
                    repeat.getInSendWindow());
        }
        CronExpression expression;
        try {
            expression = CronExpression.parse(cron);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field + ".cron '" + cron + "' is not a cron expression (fields: " + CronText.FORMAT
                    + "): " + e.getMessage());
        }
        return new Rule(null, false, expression, times, repeat.getUntil(), repeat.getWorkingDaysOnly(),
                repeat.getInSendWindow());
    }

    /**
     * Refuses a rule that fires more often than {@code min}: an {@code every} below it, or a {@code cron} with two of
     * its next occurrences closer than it ({@link CronText#shortestGap}, as ingest judges it; ({@code *}{@code /10 * *
     * * * *} with a 1m minimum). {@code field} names the repeat as in {@link #rule}.
     *
     * @throws InvalidInputException naming {@code field.every} or {@code field.cron}, the value and the minimum
     */
    public static void requireMinInterval(String field, StepRepeat repeat, Rule rule, Duration min) {
        if (rule.every() != null) {
            if (rule.every().compareTo(min) < 0) {
                throw new InvalidInputException(field + ".every '" + repeat.getEvery()
                        + "' is below the minimum interval " + DurationText.format(min));
            }
            return;
        }
        Duration shortest = CronText.shortestGap(rule.cron()::next);
        if (shortest != null && shortest.compareTo(min) < 0) {
            throw new InvalidInputException(field + ".cron '" + repeat.getCron() + "' fires every "
                    + DurationText.format(shortest) + ", below the minimum interval " + DurationText.format(min));
        }
    }

    /** The first occurrence at or after {@code from}, or empty if the rule has none. */
    public static Optional<Occurrence> first(Rule rule, Instant from, ZoneId zone, WorkingCalendar workingDays) {
        Candidate c;
        if (rule.cron() != null) {
            LocalDateTime local = LocalDateTime.ofInstant(from, zone).minusNanos(1);
            c = null;
            // in a fall-back overlap the local time right after `from` may resolve before it: look further
            for (int i = 0; i < MAX_CANDIDATES && (c == null || c.at().isBefore(from)); i++) {
                local = rule.cron().next(local);
                if (local == null) {
                    return Optional.empty();
                }
                c = Candidate.local(local, zone);
            }
        } else if (rule.calendarDays()) {
            c = Candidate.local(LocalDateTime.ofInstant(from, zone), zone);
        } else {
            c = Candidate.elapsed(from, zone);
        }
        return accept(rule, c, 1, zone, workingDays);
    }

    /** The occurrence after {@code previous}, or empty when the rule has no more (times, until, no match). */
    public static Optional<Occurrence> next(Rule rule, Occurrence previous, ZoneId zone, WorkingCalendar workingDays) {
        if (rule.times() != null && previous.number() >= rule.times()) {
            return Optional.empty();
        }
        return accept(rule, step(rule, Candidate.of(previous, zone), zone), previous.number() + 1, zone, workingDays);
    }

    /**
     * How many occurrences remain from {@code current} on, {@code current} included; null when unbounded or more
     * than {@value #MAX_COUNTED}.
     */
    public static Integer remaining(Rule rule, Occurrence current, ZoneId zone, WorkingCalendar workingDays) {
        if (rule.until() == null) {
            return rule.times() == null ? null : rule.times() - current.number() + 1;
        }
        int count = 1;
        Optional<Occurrence> o = Optional.of(current);
        while ((o = next(rule, o.get(), zone, workingDays)).isPresent()) {
            if (++count > MAX_COUNTED) {
                return null;
            }
        }
        return count;
    }

    /**
     * The instant of a local date-time in {@code zone}: the first moment the local clock shows it or a later time.
     * In a gap that is the end of the gap; in an overlap the earlier offset.
     */
    public static Instant resolve(LocalDateTime local, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (!offsets.isEmpty()) {
            // the larger offset is the earlier instant (summer time, before the clocks go back)
            return local.toInstant(offsets.stream().max(Comparator.comparingInt(ZoneOffset::getTotalSeconds))
                    .orElseThrow());
        }
        ZoneOffsetTransition gap = rules.getTransition(local);
        return gap.getInstant();
    }

    /** The first candidate from {@code c} on that the rule accepts, as occurrence {@code number}. */
    private static Optional<Occurrence> accept(Rule rule, Candidate c, int number, ZoneId zone,
            WorkingCalendar workingDays) {
        for (int i = 0; c != null && i < MAX_CANDIDATES; i++) {
            if (rule.until() != null && c.at().isAfter(rule.until())) {
                return Optional.empty();
            }
            if (!rule.workingDaysOnly() || workingDays.isWorkingDay(c.local().toLocalDate())) {
                return Optional.of(new Occurrence(number, c.key(), c.at()));
            }
            c = step(rule, c, zone);
        }
        return Optional.empty();
    }

    private static Candidate step(Rule rule, Candidate c, ZoneId zone) {
        if (rule.cron() != null) {
            LocalDateTime next = rule.cron().next(c.local());
            return next == null ? null : Candidate.local(next, zone);
        }
        if (rule.calendarDays()) {
            return Candidate.local(c.local().plusDays(rule.every().toDays()), zone);
        }
        return Candidate.elapsed(c.at().plus(rule.every()), zone);
    }

    /** A possible occurrence: its local date-time, key and instant. */
    private record Candidate(LocalDateTime local, String key, Instant at) {

        static Candidate local(LocalDateTime local, ZoneId zone) {
            return new Candidate(local, local.toString(), resolve(local, zone));
        }

        static Candidate elapsed(Instant at, ZoneId zone) {
            OffsetDateTime odt = OffsetDateTime.ofInstant(at, zone);
            return new Candidate(odt.toLocalDateTime(), odt.toString(), at);
        }

        /** Back from a stored key: a local date-time, or one with an offset (elapsed-time rules). */
        static Candidate of(Occurrence o, ZoneId zone) {
            try {
                OffsetDateTime odt = OffsetDateTime.parse(o.key());
                return new Candidate(odt.toLocalDateTime(), o.key(), o.at());
            } catch (DateTimeParseException notOffset) {
                return new Candidate(LocalDateTime.parse(o.key()), o.key(), o.at());
            }
        }
    }
}
