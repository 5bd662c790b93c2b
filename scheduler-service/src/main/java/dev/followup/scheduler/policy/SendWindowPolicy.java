package dev.followup.scheduler.policy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.SendWindow;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Send windows: a task fires only on the tenant's working days ({@code workingDays} minus the public holidays of its
 * {@code holidayCalendar} and its {@code blackoutDates}: {@link WorkingCalendar}), inside its {@code sendWindow}, in
 * the lead's time zone (the tenant's {@code timezone} for a lead without one). A task due outside moves to the next
 * window start.
 * <ul>
 *   <li>The window is {@code [start, end)} local time. An {@code end} earlier than {@code start} spans midnight
 *       (22:00–06:00) and belongs to the day it opens: Friday 22:00 to Saturday 06:00 is Friday's window, so it is
 *       open when Friday is a working day, whatever Saturday is. {@code start == end} is a 24-hour window.</li>
 *   <li>No {@code sendWindow} (null) means any hour of a working day; {@code workingDays} still apply, as their
 *       schema says ("days on which tasks may fire"). An empty {@code workingDays} list means every day (it cannot mean
 *       "never": tasks are never dropped).</li>
 *   <li>DST: window times are local times resolved by java.time like booking starts: a start inside a spring-forward
 *       gap opens later by the gap (02:30 on the New York spring-forward day opens at 03:30 EDT); a start inside a
 *       fall-back overlap opens at the earlier of the two instants.</li>
 *   <li>Exempt: manual tasks ({@code ScheduleTask} names an explicit time, chosen by a person), booking calls (the
 *       meeting time wins) unless the tenant sets {@code sendWindowAppliesToBookings}, and occurrences of recurring
 *       steps without {@code inSendWindow} (their schedule names the local time). Quotas still apply to all.</li>
 * </ul>
 */
public final class SendWindowPolicy {

    /** The due-time adjuster of the scheduler: the send window applied to the policy's due time. */
    public static final DueTimeAdjuster ADJUSTER = (task, settings, leadTimezone) ->
            !task.windowExempt() && appliesTo(task.source(), task.channel(), settings)
                    ? nextAllowed(task.originalDueAt(), settings, leadTimezone) : task.originalDueAt();

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm")
            .withResolverStyle(ResolverStyle.STRICT);

    private SendWindowPolicy() {
    }

    /** A daily window of local time, {@code [start, end)}; an end at or before the start ends the next day. */
    public record Window(LocalTime start, LocalTime end) {

        /** Any hour: from midnight to midnight. */
        public static final Window ANY_HOUR = new Window(LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);

        boolean endsNextDay() {
            return !end.isAfter(start);
        }
    }

    /**
     * Whether send windows move a task of this source and channel for this tenant (a recurring step's occurrence
     * without {@code inSendWindow} is exempt too: {@link ScheduledTask#windowExempt()}).
     */
    public static boolean appliesTo(TaskReason source, Channel channel, TenantSettings settings) {
        if (source == TaskReason.MANUAL) {
            return false;
        }
        if (source == TaskReason.BOOKING && channel == Channel.CALL) {
            return settings.getSendWindowAppliesToBookings();
        }
        return true;
    }

    /**
     * The first instant at or after {@code at} inside the tenant's window, in {@code leadTimezone} or else the
     * tenant's time zone.
     *
     * @throws InvalidInputException naming the setting if the tenant's time zone or window times are invalid
     */
    public static Instant nextAllowed(Instant at, TenantSettings settings, String leadTimezone) {
        ZoneId zone = leadTimezone != null
                ? BookingFollowUpPolicy.zone("lead timezone", leadTimezone)
                : BookingFollowUpPolicy.zone("tenant settings timezone", settings.getTimezone());
        return nextAllowed(at, window(settings.getSendWindow()), WorkingCalendar.of(settings), zone);
    }

    /** The first instant at or after {@code at} inside {@code window} on one of {@code days}, in {@code zone}. */
    public static Instant nextAllowed(Instant at, Window window, Set<DayOfWeek> days, ZoneId zone) {
        return nextAllowed(at, window, WorkingCalendar.weekdays(days), zone);
    }

    /**
     * The first instant at or after {@code at} inside {@code window} on a working day of {@code calendar}, in
     * {@code zone}.
     *
     * @throws InvalidInputException when the calendar leaves no working day within {@link WorkingCalendar#MAX_DAYS_AHEAD}
     */
    public static Instant nextAllowed(Instant at, Window window, WorkingCalendar calendar, ZoneId zone) {
        LocalDate today = at.atZone(zone).toLocalDate();
        // yesterday's window may still be open (it spans midnight)
        for (LocalDate day = today.minusDays(1); !day.isAfter(today.plusDays(WorkingCalendar.MAX_DAYS_AHEAD));
                day = day.plusDays(1)) {
            if (!calendar.isWorkingDay(day)) {
                continue;
            }
            Instant open = ZonedDateTime.ofLocal(day.atTime(window.start()), zone, null).toInstant();
            LocalDate endDay = window.endsNextDay() ? day.plusDays(1) : day;
            Instant close = ZonedDateTime.ofLocal(endDay.atTime(window.end()), zone, null).toInstant();
            if (close.isAfter(open) && at.isBefore(close)) {
                return at.isBefore(open) ? open : at;
            }
        }
        throw new InvalidInputException("tenant settings leave no working day within " + WorkingCalendar.MAX_DAYS_AHEAD
                + " days of " + at + " (workingDays, holidayCalendar and blackoutDates together)");
    }

    /** The window of a tenant's {@code sendWindow}; null is any hour. */
    public static Window window(SendWindow sendWindow) {
        if (sendWindow == null) {
            return Window.ANY_HOUR;
        }
        return new Window(localTime("sendWindow.start", sendWindow.getStart()),
                localTime("sendWindow.end", sendWindow.getEnd()));
    }

    /** The days of a tenant's {@code workingDays}; empty is every day. */
    public static Set<DayOfWeek> workingDays(List<Weekday> workingDays) {
        return WorkingCalendar.days(workingDays);
    }

    private static LocalTime localTime(String field, String value) {
        try {
            return LocalTime.parse(value, HH_MM);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidInputException("tenant settings " + field + " '" + value
                    + "' is not a local time HH:mm (00:00 to 23:59)");
        }
    }
}
