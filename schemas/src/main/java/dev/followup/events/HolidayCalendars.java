package dev.followup.events;

import de.focus_shift.jollyday.core.HolidayManager;
import de.focus_shift.jollyday.core.HolidayType;
import de.focus_shift.jollyday.core.ManagerParameters;
import java.time.LocalDate;
import java.time.Year;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The holiday-calendar rule of the contract ({@code TenantSettings.holidayCalendar}): an ISO 3166-1 alpha-2 country
 * code, optionally followed by an ISO 3166-2 subdivision ({@code US}, {@code DE-BY}, {@code GB-SCT}). The public
 * holidays come from the Jollyday library's maintained rules; none are written here.
 */
public final class HolidayCalendars {

    /** Years of holidays kept in memory, across all calendars; a year is recomputed after it is dropped. */
    static final int MAX_CACHED_YEARS = 512;

    private static final Pattern CODE = Pattern.compile("([A-Z]{2})(?:-([A-Z0-9]{1,3}))?");
    private static final Map<String, Set<LocalDate>> HOLIDAYS = new ConcurrentHashMap<>();
    /** Accepted codes only, so the map holds at most the codes that exist (a few hundred) and is bounded anyway. */
    private static final Map<String, Calendar> PARSED = new ConcurrentHashMap<>();

    private HolidayCalendars() {
    }

    /** A resolved calendar: the country and, when named, one of its subdivisions (lower case, as Jollyday has it). */
    public record Calendar(String country, String subdivision) {

        /** Whether {@code date} is a public holiday of this calendar (for a subdivision: national or regional). */
        public boolean isHoliday(LocalDate date) {
            return holidaysOf(this, Year.of(date.getYear())).contains(date);
        }

        @Override
        public String toString() {
            return subdivision == null ? country : country + "-" + subdivision.toUpperCase(Locale.ROOT);
        }
    }

    /**
     * Why {@code code} is not an accepted calendar code, as a field error ("... is ..."): fixed text that never echoes
     * the code. Empty when it is accepted.
     */
    public static Optional<String> problemWith(String code) {
        if (code == null || code.isEmpty()) {
            return Optional.of("is empty: name a country (US) or a country and subdivision (DE-BY), or leave it out");
        }
        Matcher m = CODE.matcher(code);
        if (!m.matches()) {
            return Optional.of("is not a calendar code: an ISO 3166 country code in capitals, optionally with a "
                    + "subdivision (US, DE-BY, GB-SCT)");
        }
        String country = m.group(1);
        if (!HolidayManager.getSupportedCalendarCodes().contains(country)) {
            return Optional.of("names a country without a holiday calendar (ISO 3166 codes such as US, DE, FR, GB)");
        }
        if (m.group(2) != null && !subdivisions(country).contains(m.group(2).toLowerCase(Locale.ROOT))) {
            return Optional.of("names a subdivision the country's calendar does not have (for DE: "
                    + subdivisions("DE").stream().sorted().map(s -> "DE-" + s.toUpperCase(Locale.ROOT))
                    .collect(Collectors.joining(", ")) + ")");
        }
        return Optional.empty();
    }

    /**
     * The calendar of {@code code}.
     *
     * @throws IllegalArgumentException with the {@link #problemWith} text when the code is not accepted
     */
    public static Calendar parse(String code) {
        Calendar known = code == null ? null : PARSED.get(code);
        if (known != null) {
            return known; // the scheduler resolves a tenant's calendar whenever it plans a task
        }
        problemWith(code).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        Matcher m = CODE.matcher(code);
        m.matches();
        Calendar calendar = new Calendar(m.group(1), m.group(2) == null ? null : m.group(2).toLowerCase(Locale.ROOT));
        if (PARSED.size() >= MAX_CACHED_YEARS) {
            PARSED.clear();
        }
        PARSED.put(code, calendar);
        return calendar;
    }

    private static Set<String> subdivisions(String country) {
        return manager(country).getCalendarHierarchy().getChildren().keySet();
    }

    private static HolidayManager manager(String country) {
        return HolidayManager.getInstance(ManagerParameters.create(country.toLowerCase(Locale.ROOT)));
    }

    private static Set<LocalDate> holidaysOf(Calendar calendar, Year year) {
        String key = calendar + ":" + year;
        Set<LocalDate> days = HOLIDAYS.get(key);
        if (days != null) {
            return days;
        }
        String[] region = calendar.subdivision() == null ? new String[0] : new String[] {calendar.subdivision()};
        days = manager(calendar.country()).getHolidays(year, HolidayType.PUBLIC_HOLIDAY, region).stream()
                // a holiday moved to a weekday (observed) frees that day; its own date stays off too
                .flatMap(h -> Stream.concat(Stream.of(h.getDate()), h.getObservedDate().stream()))
                .collect(Collectors.toUnmodifiableSet());
        if (HOLIDAYS.size() >= MAX_CACHED_YEARS) {
            HOLIDAYS.clear(); // bounded: a few hundred small sets at most; a clear costs one recomputation each
        }
        HOLIDAYS.put(key, days);
        return days;
    }
}
