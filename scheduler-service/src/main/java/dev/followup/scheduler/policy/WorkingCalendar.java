package dev.followup.scheduler.policy;

import dev.followup.events.BlackoutDates;
import dev.followup.events.HolidayCalendars;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which local dates are working days for a tenant: its {@code workingDays}, minus the public holidays of its
 * {@code holidayCalendar} (Jollyday's rules) and its {@code blackoutDates}. Dates are local to the zone the caller
 * resolves (the lead's, else the tenant's): a holiday is the whole local day, from midnight to midnight.
 *
 * @param weekdays the days of the week that may be working days; all of them when the tenant lists none
 * @param holidays the public-holiday calendar, or null
 * @param blackouts the blackout ranges, possibly empty
 */
public record WorkingCalendar(Set<DayOfWeek> weekdays, HolidayCalendars.Calendar holidays,
        List<BlackoutDates.Range> blackouts) {

    /** Every day works: no weekdays off, no holidays, no blackouts. */
    public static final WorkingCalendar EVERY_DAY = new WorkingCalendar(EnumSet.allOf(DayOfWeek.class), null, List.of());

    /**
     * How far ahead a working day is looked for: the blackout entries are bounded in length
     * ({@link BlackoutDates#MAX_RANGE_DAYS}) and number, so past this the settings leave no working day.
     */
    public static final int MAX_DAYS_AHEAD = 3 * 366;

    public WorkingCalendar {
        weekdays = weekdays.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(weekdays);
        blackouts = List.copyOf(blackouts);
    }

    /** Only the days of the week count; no holidays or blackouts. */
    public static WorkingCalendar weekdays(Set<DayOfWeek> days) {
        return new WorkingCalendar(days, null, List.of());
    }

    /**
     * The tenant's calendar.
     *
     * @throws InvalidInputException naming the setting and its value when the calendar code or a blackout entry is
     *         not accepted (the API refuses both; this guards records written straight to the topic)
     */
    public static WorkingCalendar of(TenantSettings settings) {
        HolidayCalendars.Calendar holidays = null;
        String code = settings.getHolidayCalendar();
        if (code != null) {
            try {
                holidays = HolidayCalendars.parse(code);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("tenant settings holidayCalendar '" + code + "' " + e.getMessage());
            }
        }
        List<BlackoutDates.Range> blackouts;
        try {
            blackouts = BlackoutDates.parse(settings.getBlackoutDates());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("tenant settings " + e.getMessage());
        }
        return new WorkingCalendar(days(settings.getWorkingDays()), holidays, blackouts);
    }

    /** Whether tasks may fire on local date {@code date}. */
    public boolean isWorkingDay(LocalDate date) {
        if (!weekdays.contains(date.getDayOfWeek())) {
            return false;
        }
        for (BlackoutDates.Range range : blackouts) {
            if (range.contains(date)) {
                return false;
            }
        }
        return holidays == null || !holidays.isHoliday(date);
    }

    static Set<DayOfWeek> days(List<Weekday> workingDays) {
        if (workingDays == null || workingDays.isEmpty()) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (Weekday day : workingDays) {
            days.add(DayOfWeek.of(day.ordinal() + 1));
        }
        return days;
    }
}
