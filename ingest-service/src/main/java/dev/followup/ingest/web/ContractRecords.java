package dev.followup.ingest.web;

import dev.followup.events.LeadKey;
import dev.followup.events.SequenceKey;
import dev.followup.events.Topics;
import dev.followup.events.v1.BookingCanceled;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.BookingFollowUp;
import dev.followup.events.v1.BookingRescheduled;
import dev.followup.events.v1.BookingScheduled;
import dev.followup.events.v1.CancelTask;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.EnrollInSequence;
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadErased;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.LeadFollowUp;
import dev.followup.events.v1.LeadScored;
import dev.followup.events.v1.PauseFollowUps;
import dev.followup.events.v1.ResumeFollowUps;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.events.v1.SendWindow;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.SequenceStep;
import dev.followup.events.v1.StepRepeat;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import dev.followup.ingest.publish.Outbound;
import dev.followup.ingest.security.Tenant;
import dev.followup.ingest.validation.Constraints;
import dev.followup.ingest.web.Bodies.BookingBody;
import dev.followup.ingest.web.Bodies.CancelBookingBody;
import dev.followup.ingest.web.Bodies.ChannelBody;
import dev.followup.ingest.web.Bodies.EngagementBody;
import dev.followup.ingest.web.Bodies.EnrollBody;
import dev.followup.ingest.web.Bodies.LeadBody;
import dev.followup.ingest.web.Bodies.MarkerBody;
import dev.followup.ingest.web.Bodies.PauseBody;
import dev.followup.ingest.web.Bodies.RescheduleBody;
import dev.followup.ingest.web.Bodies.ScoreBody;
import dev.followup.ingest.web.Bodies.SequenceBody;
import dev.followup.ingest.web.Bodies.SettingsBody;
import dev.followup.ingest.web.Bodies.TaskBody;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validated request → the contract's Avro record, topic and key (docs/design.md §3, §4). Event times are the body's
 * {@code occurredAt} when given (backfills), else the request time from the injected clock.
 */
public class ContractRecords {

    private final Clock clock;

    public ContractRecords(Clock clock) {
        this.clock = clock;
    }

    private Instant at(String occurredAt) {
        Instant given = Constraints.parseInstant(occurredAt);
        return (given != null ? given : clock.instant()).truncatedTo(ChronoUnit.MILLIS);
    }

    private static String leadKey(Tenant t, String leadId) {
        return LeadKey.of(t.id(), leadId).toString();
    }

    private Outbound leadEvent(Tenant t, String leadId, String occurredAt, Object payload, String eventId) {
        LeadEvent e = LeadEvent.newBuilder().setEventId(eventId).setTenantId(t.id()).setLeadId(leadId)
                .setOccurredAt(at(occurredAt)).setPayload(payload).build();
        return new Outbound(Topics.LEAD_EVENTS, leadKey(t, leadId), e, eventId);
    }

    private Outbound bookingEvent(Tenant t, String leadId, String bookingId, String occurredAt, Object payload,
            String eventId) {
        BookingEvent e = BookingEvent.newBuilder().setEventId(eventId).setTenantId(t.id()).setLeadId(leadId)
                .setBookingId(bookingId).setOccurredAt(at(occurredAt)).setPayload(payload).build();
        return new Outbound(Topics.BOOKING_EVENTS, leadKey(t, leadId), e, eventId);
    }

    private Outbound command(Tenant t, String leadId, String issuedAt, Object payload, String commandId) {
        Command c = Command.newBuilder().setCommandId(commandId).setTenantId(t.id()).setLeadId(leadId)
                .setIssuedAt(at(issuedAt)).setPayload(payload).build();
        return new Outbound(Topics.COMMANDS, leadKey(t, leadId), c, commandId);
    }

    public Outbound lead(Tenant t, LeadBody b, String eventId) {
        LeadCaptured payload = LeadCaptured.newBuilder().setName(b.name()).setEmail(b.email()).setPhone(b.phone())
                .setTimezone(b.timezone()).setPredProb(b.predProb())
                .setAttributes(b.attributes() == null ? Map.of() : new LinkedHashMap<>(b.attributes())).build();
        return leadEvent(t, b.leadId(), b.occurredAt(), payload, eventId);
    }

    public Outbound score(Tenant t, String leadId, ScoreBody b, String eventId) {
        return leadEvent(t, leadId, b.occurredAt(), new LeadScored(b.predProb()), eventId);
    }

    public Outbound engagement(Tenant t, String leadId, EngagementBody b, String eventId) {
        return leadEvent(t, leadId, b.occurredAt(), new LeadEngaged(EngagementKind.valueOf(b.kind())), eventId);
    }

    public Outbound erase(Tenant t, String leadId, MarkerBody b, String eventId) {
        return leadEvent(t, leadId, b.occurredAt(), new LeadErased(), eventId);
    }

    public Outbound booking(Tenant t, BookingBody b, String eventId) {
        BookingScheduled payload = BookingScheduled.newBuilder().setLocalStart(b.localStart()).setTimezone(b.timezone())
                .setBookingType(b.bookingType()).setAssignedUserId(b.assignedUserId()).build();
        return bookingEvent(t, b.leadId(), b.bookingId(), b.occurredAt(), payload, eventId);
    }

    public Outbound reschedule(Tenant t, String bookingId, RescheduleBody b, String eventId) {
        return bookingEvent(t, b.leadId(), bookingId, b.occurredAt(),
                new BookingRescheduled(b.localStart(), b.timezone()), eventId);
    }

    public Outbound cancelBooking(Tenant t, String bookingId, String leadId, CancelBookingBody b, String eventId) {
        return bookingEvent(t, leadId, bookingId, b.occurredAt(), new BookingCanceled(b.reason()), eventId);
    }

    public Outbound enroll(Tenant t, String leadId, String sequenceId, EnrollBody b, String commandId) {
        Instant startAt = Constraints.parseInstant(b.startAt());
        return command(t, leadId, b.occurredAt(),
                new EnrollInSequence(sequenceId, startAt == null ? null : startAt.truncatedTo(ChronoUnit.MILLIS)),
                commandId);
    }

    public Outbound pause(Tenant t, String leadId, PauseBody b, String commandId) {
        Instant until = Constraints.parseInstant(b.until());
        PauseFollowUps payload = PauseFollowUps.newBuilder()
                .setUntil(until == null ? null : until.truncatedTo(ChronoUnit.MILLIS)).setReason(b.reason()).build();
        return command(t, leadId, b.occurredAt(), payload, commandId);
    }

    public Outbound resume(Tenant t, String leadId, MarkerBody b, String commandId) {
        return command(t, leadId, b.occurredAt(), new ResumeFollowUps(), commandId);
    }

    public Outbound task(Tenant t, TaskBody b, String commandId) {
        ScheduleTask payload = ScheduleTask.newBuilder().setChannel(Channel.valueOf(b.channel()))
                .setDueAt(Constraints.parseInstant(b.dueAt()).truncatedTo(ChronoUnit.MILLIS))
                .setTemplateId(b.templateId()).setNote(b.note()).build();
        return command(t, b.leadId(), b.occurredAt(), payload, commandId);
    }

    public Outbound cancelTask(Tenant t, String taskId, String leadId, MarkerBody b, String commandId) {
        return command(t, leadId, b.occurredAt(), new CancelTask(taskId), commandId);
    }

    public Outbound settings(Tenant t, SettingsBody b, String eventId) {
        TenantSettings.Builder s = TenantSettings.newBuilder().setTenantId(t.id());
        if (b.autoEnabled() != null) {
            s.setAutoEnabled(b.autoEnabled());
        }
        if (b.leadScoreThreshold() != null) {
            s.setLeadScoreThreshold(b.leadScoreThreshold());
        }
        if (b.leadFollowUps() != null) {
            s.setLeadFollowUps(b.leadFollowUps().stream()
                    .map(f -> new LeadFollowUp(f.delay(), Channel.valueOf(f.channel()))).toList());
        }
        if (b.bookingFollowUps() != null) {
            s.setBookingFollowUps(b.bookingFollowUps().stream()
                    .map(f -> new BookingFollowUp(f.offset(), Channel.valueOf(f.channel()))).toList());
        }
        if (b.timezone() != null) {
            s.setTimezone(b.timezone());
        }
        if (b.workingDays() != null) {
            s.setWorkingDays(b.workingDays().stream().distinct().map(Weekday::valueOf).toList());
        }
        if (b.holidayCalendar() != null) {
            s.setHolidayCalendar(b.holidayCalendar());
        }
        if (b.blackoutDates() != null) {
            s.setBlackoutDates(List.copyOf(b.blackoutDates()));
        }
        if (b.sendWindow() != null) {
            s.setSendWindow(b.sendWindow().map(w -> new SendWindow(w.start(), w.end())).orElse(null));
        }
        if (b.sendWindowAppliesToBookings() != null) {
            s.setSendWindowAppliesToBookings(b.sendWindowAppliesToBookings());
        }
        if (b.maxTasksPerDay() != null) {
            s.setMaxTasksPerDay(b.maxTasksPerDay());
        }
        if (b.maxTasksPerMinute() != null) {
            s.setMaxTasksPerMinute(b.maxTasksPerMinute());
        }
        if (b.failureAlertThreshold() != null) {
            s.setFailureAlertThreshold(b.failureAlertThreshold());
        }
        if (b.draftOnly() != null) {
            s.setDraftOnly(b.draftOnly());
        }
        if (b.outOfOfficePause() != null) {
            s.setOutOfOfficePause(b.outOfOfficePause().strip());
        }
        if (b.unsubscribeLine() != null) {
            s.setUnsubscribeLine(b.unsubscribeLine());
        }
        if (b.channels() != null) {
            Map<String, ChannelSettings> channels = new LinkedHashMap<>();
            b.channels().forEach((name, c) -> channels.put(name, channel(c)));
            s.setChannels(channels);
        }
        return new Outbound(Topics.TENANT_SETTINGS, t.id(), s.build(), eventId);
    }

    private static ChannelSettings channel(ChannelBody c) {
        ChannelSettings.Builder b = ChannelSettings.newBuilder().setWebhookUrl(c.webhookUrl())
                .setWebhookSecretRef(c.webhookSecretRef()).setMailboxRef(c.mailboxRef());
        if (c.sendEnabled() != null) {
            b.setSendEnabled(c.sendEnabled());
        }
        if (c.maxAttempts() != null) {
            b.setMaxAttempts(c.maxAttempts());
        }
        if (c.initialBackoff() != null) {
            b.setInitialBackoff(c.initialBackoff());
        }
        return b.build();
    }

    public Outbound sequence(Tenant t, String sequenceId, SequenceBody b, String eventId) {
        List<SequenceStep> steps = b.steps().stream().map(s -> SequenceStep.newBuilder()
                .setType(StepType.valueOf(s.type())).setDelay(s.delay()).setTemplateId(s.templateId())
                .setSubject(s.subject()).setBody(s.body()).setRepeat(repeat(s.repeat())).build()).toList();
        SequenceDefinition d = SequenceDefinition.newBuilder().setTenantId(t.id()).setSequenceId(sequenceId)
                .setName(b.name()).setEnabled(b.enabled() == null || b.enabled()).setSteps(steps).build();
        return new Outbound(Topics.SEQUENCES, SequenceKey.of(t.id(), sequenceId).toString(), d, eventId);
    }

    private static StepRepeat repeat(Bodies.RepeatBody r) {
        if (r == null) {
            return null;
        }
        Instant until = Constraints.parseInstant(r.until());
        return StepRepeat.newBuilder().setEvery(r.every()).setCron(r.cron()).setTimes(r.times())
                .setUntil(until == null ? null : until.truncatedTo(ChronoUnit.MILLIS))
                .setWorkingDaysOnly(Boolean.TRUE.equals(r.workingDaysOnly()))
                .setInSendWindow(Boolean.TRUE.equals(r.inSendWindow())).build();
    }

    /** Deleting a sequence is a tombstone on the compacted topic. */
    public Outbound deleteSequence(Tenant t, String sequenceId, String eventId) {
        return new Outbound(Topics.SEQUENCES, SequenceKey.of(t.id(), sequenceId).toString(), null, eventId);
    }

    /** The stored settings as the API shows them (the same shape as the PUT body). */
    public static SettingsBody settingsBody(TenantSettings s) {
        Map<String, Bodies.ChannelBody> channels = new LinkedHashMap<>();
        s.getChannels().forEach((name, c) -> channels.put(name, new ChannelBody(c.getWebhookUrl(),
                c.getWebhookSecretRef(), c.getMailboxRef(), c.getSendEnabled(), c.getMaxAttempts(),
                c.getInitialBackoff())));
        return new SettingsBody(s.getTenantId(), s.getAutoEnabled(), s.getLeadScoreThreshold(),
                s.getLeadFollowUps().stream().map(f -> new Bodies.LeadFollowUpBody(f.getDelay(), f.getChannel().name()))
                        .toList(),
                s.getBookingFollowUps().stream()
                        .map(f -> new Bodies.BookingFollowUpBody(f.getOffset(), f.getChannel().name())).toList(),
                s.getTimezone(), s.getWorkingDays().stream().map(Weekday::name).toList(),
                s.getHolidayCalendar(), List.copyOf(s.getBlackoutDates()),
                Optional.ofNullable(s.getSendWindow()).map(w -> new Bodies.SendWindowBody(w.getStart(), w.getEnd())),
                s.getSendWindowAppliesToBookings(),
                s.getMaxTasksPerDay(), s.getMaxTasksPerMinute(), s.getFailureAlertThreshold(), s.getDraftOnly(),
                s.getOutOfOfficePause(), s.getUnsubscribeLine(), channels);
    }

    /** The stored sequence as the API shows it. */
    public static SequenceBody sequenceBody(SequenceDefinition d) {
        return new SequenceBody(d.getTenantId(), d.getName(), d.getEnabled(), d.getSteps().stream()
                .map(s -> new Bodies.StepBody(s.getType().name(), s.getDelay(), s.getTemplateId(), s.getSubject(),
                        s.getBody(), s.getRepeat() == null ? null : new Bodies.RepeatBody(s.getRepeat().getEvery(),
                                s.getRepeat().getCron(), s.getRepeat().getTimes(),
                                s.getRepeat().getUntil() == null ? null : s.getRepeat().getUntil().toString(),
                                s.getRepeat().getWorkingDaysOnly(), s.getRepeat().getInSendWindow())))
                .toList());
    }
}
