package dev.followup.scheduler.policy;

import dev.followup.events.v1.Alert;
import dev.followup.events.v1.AlertKind;
import dev.followup.events.v1.TenantSettings;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Quotas: a tenant's tasks fire at most {@code maxTasksPerDay} per day (the day in the tenant's time zone) and, if
 * set, {@code maxTasksPerMinute} per minute. A task over a limit is deferred, never dropped: to the start of the next
 * minute, or of the next day in the tenant's zone. When many are deferred in one minute (or day) they are spread over
 * the following ones in limit-sized groups, in the order they came, so a backlog does not all come back at the same
 * instant only to be deferred again. Every task counts, whatever its channel or source. A limit below 1 is no limit.
 *
 * <p>The first deferral of a tenant's day raises one {@code QUOTA_EXHAUSTED} alert, whichever limit was hit; its id
 * is derived from the tenant and the day, so a replay raises no second one.
 */
public final class QuotaPolicy {

    private QuotaPolicy() {
    }

    /** A tenant's counters: tasks let through and deferred in the current day and minute, and the last alert's day. */
    public record Usage(LocalDate day, long dayCount, long dayDeferred, long minute, long minuteCount,
            long minuteDeferred, LocalDate alertedDay) {

        public static final Usage NONE = new Usage(null, 0, 0, -1, 0, 0, null);

        /** The counters for {@code today} and {@code currentMinute}: older ones start again from zero. */
        Usage at(LocalDate today, long currentMinute) {
            boolean sameDay = today.equals(day);
            boolean sameMinute = currentMinute == minute;
            return new Usage(today, sameDay ? dayCount : 0, sameDay ? dayDeferred : 0, currentMinute,
                    sameMinute ? minuteCount : 0, sameMinute ? minuteDeferred : 0, alertedDay);
        }
    }

    /** Which limit deferred a task, by its setting's name. */
    public enum Limit {
        PER_DAY("maxTasksPerDay"), PER_MINUTE("maxTasksPerMinute");

        private final String setting;

        Limit(String setting) {
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }
    }

    /** What the quota says about one task that is due now, and the tenant's counters afterwards. */
    public sealed interface Decision {
        Usage usage();
    }

    /** Within the limits: the task fires now (and counts). */
    public record Go(Usage usage) implements Decision {
    }

    /** Over {@code limit}: the task waits until {@code until}; {@code alert} is the day's first alert, if this is it. */
    public record Defer(Usage usage, Instant until, Limit limit, int max, Optional<Alert> alert) implements Decision {
    }

    /** The decision for one of {@code tenantId}'s tasks due at {@code now}, given its counters so far. */
    public static Decision decide(Usage usage, TenantSettings settings, String tenantId, ZoneId tenantZone,
            Instant now) {
        LocalDate today = now.atZone(tenantZone).toLocalDate();
        long minute = Math.floorDiv(now.toEpochMilli(), 60_000L);
        Usage u = (usage == null ? Usage.NONE : usage).at(today, minute);
        int perDay = settings.getMaxTasksPerDay();
        Integer perMinute = settings.getMaxTasksPerMinute();
        if (perDay >= 1 && u.dayCount() >= perDay) {
            Instant until = today.plusDays(1 + u.dayDeferred() / perDay).atStartOfDay(tenantZone).toInstant();
            Usage next = new Usage(today, u.dayCount(), u.dayDeferred() + 1, minute, u.minuteCount(),
                    u.minuteDeferred(), today);
            return new Defer(next, until, Limit.PER_DAY, perDay, alert(u, tenantId, Limit.PER_DAY, perDay, today,
                    tenantZone, until, now));
        }
        if (perMinute != null && perMinute >= 1 && u.minuteCount() >= perMinute) {
            Instant until = Instant.ofEpochMilli((minute + 1 + u.minuteDeferred() / perMinute) * 60_000L);
            Usage next = new Usage(today, u.dayCount(), u.dayDeferred(), minute, u.minuteCount(),
                    u.minuteDeferred() + 1, today);
            return new Defer(next, until, Limit.PER_MINUTE, perMinute, alert(u, tenantId, Limit.PER_MINUTE, perMinute,
                    today, tenantZone, until, now));
        }
        return new Go(new Usage(today, u.dayCount() + 1, u.dayDeferred(), minute, u.minuteCount() + 1,
                u.minuteDeferred(), u.alertedDay()));
    }

    /** Whether the tenant has a limit at all (neither limit set means its tasks need no counting). */
    public static boolean limits(TenantSettings settings) {
        Integer perMinute = settings.getMaxTasksPerMinute();
        return settings.getMaxTasksPerDay() >= 1 || (perMinute != null && perMinute >= 1);
    }

    /** The alert id of a tenant's day: the same tenant and day always give the same id. */
    public static String alertId(String tenantId, LocalDate day) {
        return "qe-" + TaskIds.hash("quota-exhausted", tenantId, day.toString());
    }

    private static Optional<Alert> alert(Usage u, String tenantId, Limit limit, int max, LocalDate today,
            ZoneId zone, Instant until, Instant now) {
        if (today.equals(u.alertedDay())) {
            return Optional.empty();
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("limit", limit.setting());
        details.put("max", Integer.toString(max));
        details.put("day", today.toString());
        details.put("timezone", zone.getId());
        details.put("deferredUntil", until.toString());
        return Optional.of(Alert.newBuilder().setAlertId(alertId(tenantId, today)).setTenantId(tenantId)
                .setKind(AlertKind.QUOTA_EXHAUSTED).setAt(now).setDetails(details).build());
    }
}
