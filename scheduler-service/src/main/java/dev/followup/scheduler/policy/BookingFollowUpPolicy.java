package dev.followup.scheduler.policy;

import dev.followup.events.DurationText;
import dev.followup.events.TimeZones;
import dev.followup.events.v1.BookingFollowUp;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Booking rules: a scheduled (or rescheduled) booking gets the tenant's {@code bookingFollowUps}, each an offset
 * from the meeting start. The start is {@code localStart} in the IANA {@code timezone}, resolved by java.time:
 * <ul>
 *   <li>in a DST gap (a local time that does not exist) the time moves forward by the length of the gap,
 *       e.g. 02:30 on the spring-forward day in America/New_York is 03:30 EDT;</li>
 *   <li>in a DST overlap (a local time that happens twice) the earlier offset wins, e.g. 01:30 on the
 *       fall-back day in America/New_York is 01:30 EDT (UTC-4), the first of the two.</li>
 * </ul>
 * Abbreviations ("EST", "GST", "IST") and bare offsets are rejected, not guessed: they are ambiguous or ignore DST.
 */
public final class BookingFollowUpPolicy {

    private BookingFollowUpPolicy() {
    }

    /** Why the follow-ups of a canceled booking end (their status detail). */
    public static final String CANCELED = "booking canceled";

    /**
     * Whether canceling booking {@code bookingId} cancels {@code task}: every open task planned for that booking,
     * whatever its channel; the lead's other tasks (other bookings, its score, its sequences) stay.
     */
    public static boolean canceledWith(String bookingId, ScheduledTask task) {
        return task.status().isOpen() && bookingId.equals(task.bookingId());
    }

    /**
     * The booking's start instant.
     *
     * @throws InvalidInputException naming the field and value if the zone or the local date-time is invalid
     */
    public static Instant startOf(String localStart, String timezone) {
        ZoneId zone = zone("timezone", timezone);
        LocalDateTime local;
        try {
            local = LocalDateTime.parse(localStart);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidInputException("localStart '" + localStart
                    + "' is not an ISO-8601 local date-time such as 2026-03-29T09:30");
        }
        return ZonedDateTime.ofLocal(local, zone, null).toInstant();
    }

    /**
     * An IANA region zone ({@code Area/Location}, or {@code UTC}).
     *
     * @throws InvalidInputException naming {@code field} and the value otherwise
     */
    public static ZoneId zone(String field, String timezone) {
        Optional<String> problem = TimeZones.problemWith(timezone); // the contract's rule, as ingest applies it
        if (problem.isPresent()) {
            throw new InvalidInputException(field + (timezone == null || timezone.isEmpty() ? " " : " '" + timezone + "' ")
                    + problem.get());
        }
        return ZoneId.of(timezone);
    }

    /** The tenant's booking follow-ups of a booking starting at {@code start}. */
    public static List<ScheduledTask> followUps(TenantSettings settings, String tenantId, String leadId, String bookingId,
            Instant start, Map<String, String> context) {
        List<ScheduledTask> tasks = new ArrayList<>();
        List<BookingFollowUp> followUps = settings.getBookingFollowUps();
        for (int i = 0; i < followUps.size(); i++) {
            BookingFollowUp f = followUps.get(i);
            Duration offset;
            try {
                offset = DurationText.parse("bookingFollowUps[" + i + "].offset", f.getOffset());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("tenant settings " + e.getMessage());
            }
            tasks.add(ScheduledTask.pending(TaskIds.booking(tenantId, leadId, bookingId, i), tenantId, leadId,
                    TaskReason.BOOKING, f.getChannel(), start, start.plus(offset), bookingId, null, context));
        }
        return tasks;
    }
}
