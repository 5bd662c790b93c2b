package dev.followup.ingest.web;

import dev.followup.events.BlackoutDates;
import dev.followup.ingest.validation.Constraints;
import dev.followup.ingest.validation.Constraints.BlackoutDate;
import dev.followup.ingest.validation.Constraints.DurationValue;
import dev.followup.ingest.validation.Constraints.HolidayCalendar;
import dev.followup.ingest.validation.Constraints.HourMinute;
import dev.followup.ingest.validation.Constraints.IanaZone;
import dev.followup.ingest.validation.Constraints.Id;
import dev.followup.ingest.validation.Constraints.InstantText;
import dev.followup.ingest.validation.Constraints.LocalDateTimeText;
import dev.followup.ingest.validation.Constraints.OneOf;
import dev.followup.ingest.validation.Constraints.PlainText;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON bodies of the API (docs/design.md §7). Every body may name {@code tenantId}, which must then be the caller's
 * tenant; the tenant itself always comes from the credential. Unknown fields are rejected. Times are ISO-8601
 * strings validated here, so an error names the field and the value.
 */
public final class Bodies {

    static final String CHANNEL_MESSAGE = "must be one of EMAIL, SMS, CALL";
    static final String PROBABILITY = "must be a probability between 0 and 1";
    /** Shorter than an hour is no pause; longer than a quarter is a forgotten lead. */
    static final String OUT_OF_OFFICE_MIN = "1h";
    static final String OUT_OF_OFFICE_MAX = "90d";

    private Bodies() {
    }

    /** Fields every body may carry. */
    public interface Scoped {
        String tenantId();
    }

    /** Bodies with an optional event time for backfills. */
    public interface Timed {
        String occurredAt();
    }

    public record LeadBody(
            @Id String tenantId,
            @NotNull @Id String leadId,
            @NotBlank @Size(max = 200) @PlainText String name,
            @Size(max = 254) @Email(regexp = "[^@\\s]+@[^@\\s]+\\.[^@\\s]+", message = "must be an email address such as ada@example.com") String email,
            @Pattern(regexp = "\\+[1-9][0-9]{6,14}", message = "must be an E.164 phone number: '+' then 7-15 digits without spaces, e.g. +14155550123") String phone,
            @IanaZone String timezone,
            @DecimalMin(value = "0", message = PROBABILITY) @DecimalMax(value = "1", message = PROBABILITY) Double predProb,
            @Size(max = 50, message = "must have at most 50 entries")
            Map<@NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "keys must be letters, digits, '.', '_' or '-'") String,
                    @NotNull @Size(max = 1000) @PlainText(multiline = true) String> attributes,
            @InstantText String occurredAt) implements Scoped, Timed {
    }

    public record ScoreBody(
            @Id String tenantId,
            @NotNull @DecimalMin(value = "0", message = PROBABILITY) @DecimalMax(value = "1", message = PROBABILITY) Double predProb,
            @InstantText String occurredAt) implements Scoped, Timed {
    }

    public record EngagementBody(
            @Id String tenantId,
            @NotNull @OneOf(value = {"REPLIED", "BOOKED", "CONVERTED", "OPTED_OUT", "BOUNCED"},
                    message = "must be one of REPLIED, BOOKED, CONVERTED, OPTED_OUT, BOUNCED") String kind,
            @InstantText String occurredAt) implements Scoped, Timed {
    }

    /** A body-less operation (erase, pause, resume, cancel task): only the optional tenant and time. */
    public record MarkerBody(@Id String tenantId, @InstantText String occurredAt) implements Scoped, Timed {
        public static final MarkerBody EMPTY = new MarkerBody(null, null);
    }

    /**
     * Pause a lead's follow-ups: for good (until a resume) or, with {@code until}, until that instant, when the held
     * tasks are released by themselves. {@code reason} is a short token the journey shows (e.g. {@code vacation}).
     */
    public record PauseBody(
            @Id String tenantId,
            @InstantText String until,
            @Id String reason,
            @InstantText String occurredAt) implements Scoped, Timed {
        public static final PauseBody EMPTY = new PauseBody(null, null, null, null);
    }

    public record BookingBody(
            @Id String tenantId,
            @NotNull @Id String bookingId,
            @NotNull @Id String leadId,
            @NotNull @LocalDateTimeText String localStart,
            @NotNull @IanaZone String timezone,
            @Size(max = 64) @PlainText String bookingType,
            @Id String assignedUserId,
            @InstantText String occurredAt) implements Scoped, Timed {
    }

    public record RescheduleBody(
            @Id String tenantId,
            @NotNull @Id String leadId,
            @NotNull @LocalDateTimeText String localStart,
            @NotNull @IanaZone String timezone,
            @InstantText String occurredAt) implements Scoped, Timed {
    }

    public record CancelBookingBody(
            @Id String tenantId,
            @Size(max = 500) @PlainText String reason,
            @InstantText String occurredAt) implements Scoped, Timed {
    }

    public record EnrollBody(@Id String tenantId, @InstantText String startAt, @InstantText String occurredAt)
            implements Scoped, Timed {
        public static final EnrollBody EMPTY = new EnrollBody(null, null, null);
    }

    public record TaskBody(
            @Id String tenantId,
            @NotNull @Id String leadId,
            @NotNull @OneOf(value = {"EMAIL", "SMS", "CALL"}, message = CHANNEL_MESSAGE) String channel,
            @NotNull @InstantText String dueAt,
            @Id String templateId,
            @Size(max = 2000) @PlainText(multiline = true) String note,
            @InstantText String occurredAt) implements Scoped, Timed {
    }

    /** Tenant settings: every field optional; an absent field takes the contract default. */
    public record SettingsBody(
            @Id String tenantId,
            Boolean autoEnabled,
            @DecimalMin(value = "0", message = PROBABILITY) @DecimalMax(value = "1", message = PROBABILITY) Double leadScoreThreshold,
            @Size(max = 20) List<@NotNull @Valid LeadFollowUpBody> leadFollowUps,
            @Size(max = 20) List<@NotNull @Valid BookingFollowUpBody> bookingFollowUps,
            @IanaZone String timezone,
            @Size(max = 7) List<@NotNull @OneOf(value = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"},
                    message = "must be one of MON, TUE, WED, THU, FRI, SAT, SUN") String> workingDays,
            @HolidayCalendar String holidayCalendar,
            @Size(max = BlackoutDates.MAX_ENTRIES) List<@NotNull @BlackoutDate String> blackoutDates,
            /* absent: the default window; explicit null: any hour */
            Optional<@Valid SendWindowBody> sendWindow,
            Boolean sendWindowAppliesToBookings,
            @Min(1) @Max(1_000_000) Integer maxTasksPerDay,
            @Min(1) @Max(100_000) Integer maxTasksPerMinute,
            @Min(1) @Max(1_000) Integer failureAlertThreshold,
            Boolean draftOnly,
            /* how long an out-of-office auto-reply pauses the lead when it names no return date */
            @DurationValue(min = OUT_OF_OFFICE_MIN, max = OUT_OF_OFFICE_MAX) String outOfOfficePause,
            /* whether email drafts end with a short unsubscribe line (the List-Unsubscribe headers are always set) */
            Boolean unsubscribeLine,
            @Size(max = 3) Map<@NotNull @OneOf(value = {"EMAIL", "SMS", "CALL"}, message = CHANNEL_MESSAGE) String,
                    @NotNull @Valid ChannelBody> channels) implements Scoped {
    }

    public record LeadFollowUpBody(
            @NotNull @DurationValue String delay,
            @NotNull @OneOf(value = {"EMAIL", "SMS", "CALL"}, message = CHANNEL_MESSAGE) String channel) {
    }

    public record BookingFollowUpBody(
            @NotNull @DurationValue(allowNegative = true) String offset,
            @NotNull @OneOf(value = {"EMAIL", "SMS", "CALL"}, message = CHANNEL_MESSAGE) String channel) {
    }

    public record SendWindowBody(@NotNull @HourMinute String start, @NotNull @HourMinute String end) {
    }

    public record ChannelBody(
            /* the SSRF rule (scheme, host, allowed targets) is RequestValidation's, through WebhookTargets */
            @Size(max = 2048) String webhookUrl,
            @Id String webhookSecretRef,
            @Id String mailboxRef,
            Boolean sendEnabled,
            @Min(1) @Max(20) Integer maxAttempts,
            @DurationValue String initialBackoff) {
    }

    public record SequenceBody(
            @Id String tenantId,
            @NotBlank @Size(max = 200) @PlainText String name,
            Boolean enabled,
            @NotEmpty @Size(max = 50) List<@NotNull @Valid StepBody> steps) implements Scoped {
    }

    public record StepBody(
            @NotNull @OneOf(value = {"EMAIL", "SMS", "CALL", "WAIT"}, message = "must be one of EMAIL, SMS, CALL, WAIT") String type,
            @NotNull @DurationValue String delay,
            @Id String templateId,
            @Size(max = 998) @PlainText String subject,
            @Size(max = 65_536) @PlainText(multiline = true) String body,
            @Valid RepeatBody repeat) {
    }

    /** A recurring step's schedule: exactly one of {@code every} and {@code cron}. */
    @Constraints.OneSchedule
    public record RepeatBody(
            @DurationValue String every,
            @Constraints.CronText String cron,
            @Min(1) Integer times,
            @InstantText String until,
            Boolean workingDaysOnly,
            Boolean inSendWindow) implements Constraints.Schedule {
    }
}
