package dev.followup.events;

import java.time.ZoneId;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The time-zone rule of the contract: an IANA region id such as {@code Europe/Paris} (or {@code UTC}).
 * Abbreviations are ambiguous and fixed offsets have no daylight-saving rules, so both are rejected, each with a
 * reason the caller can act on.
 */
public final class TimeZones {

    private static final Set<String> AVAILABLE = ZoneId.getAvailableZoneIds();
    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final Pattern ABBREVIATION = Pattern.compile("[A-Z]{2,5}");
    private static final Pattern OFFSET = Pattern.compile("(?i)(UTC|GMT|UT)?[+-].*|Z");

    private TimeZones() {
    }

    /**
     * Why {@code id} is not an accepted zone id, as a field error ("... is ..."): fixed text that never echoes the
     * id. Empty when it is accepted.
     */
    public static Optional<String> problemWith(String id) {
        // region ids first: the executor resolves a zone per task
        if ("UTC".equals(id) || id != null && id.indexOf('/') >= 0 && AVAILABLE.contains(id)) {
            return Optional.empty();
        }
        if (id == null || id.isEmpty()) {
            return Optional.of("is required (an IANA time zone id such as Europe/Paris)");
        }
        if (ZoneId.SHORT_IDS.containsKey(id) || ABBREVIATION.matcher(id).matches()) {
            return Optional.of("is not an IANA time zone id but an abbreviation: abbreviations are ambiguous (EST is a "
                    + "fixed -05:00 without daylight saving time, IST is India, Ireland or Israel); use a region id "
                    + "such as America/New_York or Europe/Paris");
        }
        if (OFFSET.matcher(id).matches()) {
            return Optional.of("is not an IANA time zone id but a fixed offset: an offset has no daylight-saving rules; "
                    + "use a region id such as Europe/Berlin (or UTC)");
        }
        if (AVAILABLE.contains(id)) {
            return Optional.of("is a legacy zone id; use a region id such as America/Chicago or Europe/Paris (or UTC)");
        }
        return Optional.of("is not a known IANA time zone id (ids are case-sensitive, e.g. Europe/Paris, "
                + "America/New_York, Asia/Kolkata, UTC)");
    }

    public static boolean isValid(String id) {
        return problemWith(id).isEmpty();
    }

    /**
     * The first of {@code candidates} that the rule accepts, else UTC: for rendering, where a missing or bad zone
     * must not stop a task (the API has already rejected bad ids; this guards records from elsewhere).
     */
    public static ZoneId resolve(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && isValid(candidate)) {
                return ZoneId.of(candidate);
            }
        }
        return UTC;
    }
}
