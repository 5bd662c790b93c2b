package dev.followup.scheduler.topology;

import dev.followup.events.Identifiers;
import dev.followup.events.LeadKey;
import dev.followup.events.v1.BookingCanceled;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.BookingRescheduled;
import dev.followup.events.v1.BookingScheduled;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.BookingFollowUpPolicy;
import dev.followup.scheduler.policy.InvalidInputException;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskMerge.OpenTask;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Booking events ({@link BookingFollowUpPolicy}): a scheduled or rescheduled booking plans (or moves) its follow-ups,
 * a canceled one cancels them.
 */
final class BookingEventHandler {

    private final LeadState leads;
    private final FollowUpPlanner planner;

    BookingEventHandler(LeadState leads, FollowUpPlanner planner) {
        this.leads = leads;
        this.planner = planner;
    }

    void on(LeadKey key, BookingEvent event) {
        String bookingId = event.getBookingId();
        if (!Identifiers.isValid(bookingId)) {
            throw new InvalidInputException(Identifiers.describe("bookingId", bookingId));
        }
        Instant at = event.getOccurredAt();
        Object payload = event.getPayload();
        if (payload instanceof BookingCanceled) {
            planner.cancel(key, task -> BookingFollowUpPolicy.canceledWith(bookingId, task),
                    BookingFollowUpPolicy.CANCELED, at);
            return;
        }
        String localStart;
        String timezone;
        Map<String, String> bookingContext = new HashMap<>();
        if (payload instanceof BookingScheduled scheduled) {
            localStart = scheduled.getLocalStart();
            timezone = scheduled.getTimezone();
            putIfPresent(bookingContext, "bookingType", scheduled.getBookingType());
            putIfPresent(bookingContext, "assignedUserId", scheduled.getAssignedUserId());
        } else if (payload instanceof BookingRescheduled rescheduled) {
            localStart = rescheduled.getLocalStart();
            timezone = rescheduled.getTimezone();
        } else {
            return;
        }
        Instant start = BookingFollowUpPolicy.startOf(localStart, timezone);
        bookingContext.put("bookingStart", localStart);
        bookingContext.put("bookingTimezone", timezone);
        TenantSettings tenant = leads.settingsOf(key.tenantId());
        List<ScheduledTask> planned = BookingFollowUpPolicy.followUps(tenant, key.tenantId(), key.leadId(), bookingId,
                start, bookingContext);
        planner.plan(leads.profile(key), tenant, planned, at, OpenTask.MOVE, tenant.getAutoEnabled());
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
