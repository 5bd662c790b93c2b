package dev.followup.scheduler.policy;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import java.time.Instant;

/**
 * The quota gate's rules for one task that came due, in order (the counting itself is {@link QuotaPolicy}):
 * <ol>
 *   <li>outside its send window at {@code now} → defer to the window's next start, not counted;</li>
 *   <li>over a quota → defer to the quota's end, moved into the send window;</li>
 *   <li>otherwise → go.</li>
 * </ol>
 * A tenant whose window or zone is invalid gets {@link InvalidInputException} from {@link #windowOpens}: the gate
 * skips the window rule for it rather than hold its tasks (the planning side dead-letters such input already).
 */
public final class GatePolicy {

    /** Why a task outside its send window waits (the deferral's status detail). */
    public static final String OUTSIDE_WINDOW = "outside the send window";
    /** The deferral counter's {@code reason} of a task outside its send window. */
    public static final String SEND_WINDOW = "send_window";

    private GatePolicy() {
    }

    /**
     * Whether the tenant's send window moves the task: it is not exempt itself (a recurring step that runs at its own
     * local time) and its source and channel are windowed for the tenant ({@link SendWindowPolicy#appliesTo}).
     */
    public static boolean windowed(TaskReason source, Channel channel, boolean windowExempt, TenantSettings settings) {
        return !windowExempt && SendWindowPolicy.appliesTo(source, channel, settings);
    }

    /**
     * The first instant at or after {@code at} when the task may fire by its send window: {@code at} itself when it is
     * inside the window or not {@code windowed}. Rule 1 defers a task whose window opens after now; rule 2 moves a
     * quota's end here.
     *
     * @param leadTimezone the lead's IANA zone (null: the tenant's)
     * @throws InvalidInputException naming the setting if the window or a zone is invalid
     */
    public static Instant windowOpens(Instant at, boolean windowed, TenantSettings settings, String leadTimezone) {
        return windowed ? SendWindowPolicy.nextAllowed(at, settings, leadTimezone) : at;
    }

    /** Why a task over a quota waits, e.g. {@code maxTasksPerDay 400 reached} (the deferral's status detail). */
    public static String quotaReason(QuotaPolicy.Defer defer) {
        return defer.limit().setting() + " " + defer.max() + " reached";
    }

    /** The deferral counter's {@code reason} of a task over {@code limit}. */
    public static String quotaMetricReason(QuotaPolicy.Limit limit) {
        return limit == QuotaPolicy.Limit.PER_DAY ? "quota_day" : "quota_minute";
    }
}
