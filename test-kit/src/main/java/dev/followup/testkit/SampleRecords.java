package dev.followup.testkit;

import dev.followup.events.v1.Alert;
import dev.followup.events.v1.AlertKind;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.BookingScheduled;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.Contact;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.LeadScored;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.SequenceStep;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/** Valid records of every contract type, for tests. Contact data here is fictitious. */
public final class SampleRecords {

    private SampleRecords() {
    }

    public static LeadEvent leadCaptured(String tenantId, String leadId, Instant at, double predProb) {
        return LeadEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setTenantId(tenantId).setLeadId(leadId).setOccurredAt(at)
                .setPayload(LeadCaptured.newBuilder().setName("Ada Example").setEmail("ada@example.com")
                        .setPhone("+15550100").setTimezone("America/New_York").setPredProb(predProb)
                        .setAttributes(Map.of("source", "webinar")).build())
                .build();
    }

    public static LeadEvent leadScored(String tenantId, String leadId, Instant at, double predProb) {
        return LeadEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setTenantId(tenantId).setLeadId(leadId).setOccurredAt(at)
                .setPayload(LeadScored.newBuilder().setPredProb(predProb).build())
                .build();
    }

    public static BookingEvent bookingScheduled(String tenantId, String leadId, String bookingId, Instant at,
            String localStart, String timezone) {
        return BookingEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString()).setTenantId(tenantId).setLeadId(leadId)
                .setBookingId(bookingId).setOccurredAt(at)
                .setPayload(BookingScheduled.newBuilder().setLocalStart(localStart).setTimezone(timezone)
                        .setBookingType("demo").build())
                .build();
    }

    public static Command scheduleTask(String tenantId, String leadId, Instant issuedAt, Channel channel, Instant dueAt) {
        return Command.newBuilder()
                .setCommandId(UUID.randomUUID().toString()).setTenantId(tenantId).setLeadId(leadId)
                .setIssuedAt(issuedAt)
                .setPayload(ScheduleTask.newBuilder().setChannel(channel).setDueAt(dueAt).setNote("call back").build())
                .build();
    }

    public static TenantSettings tenantSettings(String tenantId) {
        return TenantSettings.newBuilder().setTenantId(tenantId)
                .setChannels(Map.of("SMS", ChannelSettings.newBuilder()
                        .setWebhookUrl("http://127.0.0.1:1/hook").setWebhookSecretRef("local").build()))
                .build();
    }

    public static SequenceDefinition sequence(String tenantId, String sequenceId) {
        return SequenceDefinition.newBuilder().setTenantId(tenantId).setSequenceId(sequenceId).setName("Welcome")
                .setSteps(List.of(
                        SequenceStep.newBuilder().setType(StepType.EMAIL).setDelay("0m").setSubject("Hi {{name}}").build(),
                        SequenceStep.newBuilder().setType(StepType.WAIT).setDelay("2d").build(),
                        SequenceStep.newBuilder().setType(StepType.CALL).setDelay("1h").build()))
                .build();
    }

    public static DueTask dueTask(String tenantId, String leadId, String taskId, Channel channel, Instant dueAt) {
        return DueTask.newBuilder()
                .setTaskId(taskId).setTenantId(tenantId).setLeadId(leadId).setChannel(channel)
                .setReason(TaskReason.MANUAL).setDueAt(dueAt).setEmittedAt(dueAt.plusMillis(40)).setAttempt(1)
                .setContact(Contact.newBuilder().setName("Ada Example").setEmail("ada@example.com")
                        .setPhone("+15550100").setTimezone("Europe/Paris").build())
                .setContext(Map.of("note", "call back"))
                .build();
    }

    public static Receipt receipt(String tenantId, String leadId, String taskId, Instant dueAt) {
        return Receipt.newBuilder()
                .setReceiptId(taskId + "-1").setTaskId(taskId).setTenantId(tenantId).setLeadId(leadId)
                .setChannel(Channel.EMAIL).setStatus(ReceiptStatus.DRAFTED).setProvider("maildir")
                .setProviderRef("msg-1").setLink("file:///tmp/x").setAttempt(1).setDueAt(dueAt)
                .setEmittedAt(dueAt.plusMillis(40)).setCompletedAt(dueAt.plusMillis(90)).setLatencyMs(90)
                .build();
    }

    public static Alert alert(String tenantId, Instant at) {
        return Alert.newBuilder().setAlertId("quota-" + tenantId).setTenantId(tenantId)
                .setKind(AlertKind.QUOTA_EXHAUSTED).setAt(at).setDetails(Map.of("limit", "400")).build();
    }

    /** One sample of every contract type, keyed by its type. */
    public static Map<Class<? extends SpecificRecord>, SpecificRecord> everyType(String tenantId, Instant at) {
        return Map.of(
                LeadEvent.class, leadCaptured(tenantId, "lead-1", at, 0.9),
                BookingEvent.class, bookingScheduled(tenantId, "lead-1", "bk-1", at, "2026-03-08T02:30", "America/New_York"),
                Command.class, scheduleTask(tenantId, "lead-1", at, Channel.CALL, at.plusSeconds(60)),
                TenantSettings.class, tenantSettings(tenantId),
                SequenceDefinition.class, sequence(tenantId, "welcome"),
                DueTask.class, dueTask(tenantId, "lead-1", "task-1", Channel.SMS, at),
                Receipt.class, receipt(tenantId, "lead-1", "task-1", at),
                Alert.class, alert(tenantId, at));
    }
}
