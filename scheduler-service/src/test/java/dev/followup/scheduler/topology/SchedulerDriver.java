package dev.followup.scheduler.topology;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.Alert;
import dev.followup.events.v1.BookingCanceled;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.BookingRescheduled;
import dev.followup.events.v1.BookingScheduled;
import dev.followup.events.v1.CancelFollowUps;
import dev.followup.events.v1.CancelTask;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.EnrollInSequence;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadErased;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.LeadScored;
import dev.followup.events.v1.PauseFollowUps;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.ResumeFollowUps;
import dev.followup.events.v1.RetryTask;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.SequenceStep;
import dev.followup.events.v1.StepRepeat;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.SequenceKey;
import dev.followup.scheduler.policy.Enrollment;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.ScheduledTask;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The topology under {@link TopologyTestDriver}, starting at a fixed instant, with helpers that read like the
 * events of the contract. Wall-clock time only moves through {@link #advance(Duration)}.
 */
final class SchedulerDriver implements AutoCloseable {

    static final Instant START = Instant.parse("2026-03-02T12:00:00Z");
    static final String TENANT = "acme";

    final TopologyTestDriver driver;
    private final TestInputTopic<String, LeadEvent> leads;
    private final TestInputTopic<String, BookingEvent> bookings;
    private final TestInputTopic<String, Command> commands;
    private final TestInputTopic<String, Receipt> receipts;
    private final TestInputTopic<String, TenantSettings> settings;
    private final TestInputTopic<String, SequenceDefinition> sequences;
    private final TestInputTopic<String, byte[]> rawLeads;
    private final Map<Channel, TestOutputTopic<String, DueTask>> due = new java.util.EnumMap<>(Channel.class);
    private final TestOutputTopic<String, Alert> alerts;
    private final GateTopics gateTopics;
    private Instant now = START;
    private int counter;

    SchedulerDriver() {
        this(SchedulerSettings.defaults());
    }

    SchedulerDriver(SchedulerSettings schedulerSettings) {
        this(schedulerSettings, SchedulerEvents.NONE);
    }

    SchedulerDriver(SchedulerSettings schedulerSettings, SchedulerEvents events) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "scheduler-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("target", "driver-state", UUID.randomUUID().toString()).toString());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(DeadLetterHandler.EVENTS_CONFIG, events);
        driver = new TopologyTestDriver(SchedulerTopology.build(schedulerSettings, events), props, START);
        gateTopics = schedulerSettings.gateTopics();
        StringSerializer keys = new StringSerializer();
        leads = driver.createInputTopic(Topics.LEAD_EVENTS, keys, new AvroSerializer<>(LeadEvent.class));
        bookings = driver.createInputTopic(Topics.BOOKING_EVENTS, keys, new AvroSerializer<>(BookingEvent.class));
        commands = driver.createInputTopic(Topics.COMMANDS, keys, new AvroSerializer<>(Command.class));
        receipts = driver.createInputTopic(Topics.RECEIPTS, keys, new AvroSerializer<>(Receipt.class));
        settings = driver.createInputTopic(Topics.TENANT_SETTINGS, keys, new AvroSerializer<>(TenantSettings.class));
        sequences = driver.createInputTopic(Topics.SEQUENCES, keys, new AvroSerializer<>(SequenceDefinition.class));
        rawLeads = driver.createInputTopic(Topics.LEAD_EVENTS, keys, new ByteArraySerializer());
        alerts = driver.createOutputTopic(Topics.ALERTS, new StringDeserializer(), new AvroDeserializer<>(Alert.class));
        for (Channel channel : Channel.values()) {
            due.put(channel, driver.createOutputTopic(Topics.dueTasks(channel), new StringDeserializer(),
                    new AvroDeserializer<>(DueTask.class)));
        }
    }

    Instant now() {
        return now;
    }

    /** Moves wall-clock time forward (the punctuator runs every interval on the way). */
    void advance(Duration duration) {
        driver.advanceWallClockTime(duration);
        now = now.plus(duration);
    }

    /** Moves wall-clock time to {@code instant} in 100 ms ticks' worth of one jump. */
    void advanceTo(Instant instant) {
        if (instant.isAfter(now)) {
            advance(Duration.between(now, instant));
        }
    }

    // ---- inputs ----

    void tenantSettings(TenantSettings value) {
        settings.pipeInput(value.getTenantId(), value, now);
    }

    /** A raw record on the tenant-settings topic (a key that may not match the value; null value: a tombstone). */
    void tenantSettingsRecord(String key, TenantSettings value) {
        settings.pipeInput(key, value, now);
    }

    static SequenceStep step(StepType type, String delay) {
        return SequenceStep.newBuilder().setType(type).setDelay(delay).build();
    }

    static SequenceStep step(StepType type, String delay, String templateId, String subject, String body) {
        return SequenceStep.newBuilder().setType(type).setDelay(delay).setTemplateId(templateId).setSubject(subject)
                .setBody(body).build();
    }

    /** A recurring step: one task per occurrence of {@code repeat}. */
    static SequenceStep repeating(StepType type, String delay, StepRepeat repeat) {
        return SequenceStep.newBuilder().setType(type).setDelay(delay).setTemplateId("tpl-" + type).setRepeat(repeat)
                .build();
    }

    /** Captures {@code leadId} with time zone {@code timezone} (null: the tenant's). */
    void capturedIn(String leadId, String timezone) {
        leadEvent(leadId, now, LeadCaptured.newBuilder().setName("Ada " + leadId).setEmail(leadId + "@example.com")
                .setTimezone(timezone).build());
    }

    /** Defines (or redefines) sequence {@code sequenceId} of the tenant. */
    void sequence(String sequenceId, boolean enabled, SequenceStep... steps) {
        sequences.pipeInput(SequenceKey.of(TENANT, sequenceId).toString(), SequenceDefinition.newBuilder()
                .setTenantId(TENANT).setSequenceId(sequenceId).setName("Sequence " + sequenceId).setEnabled(enabled)
                .setSteps(List.of(steps)).build(), now);
    }

    /** A raw record on the sequences topic (a key that may not match the value). */
    void sequenceRecord(String key, SequenceDefinition value) {
        sequences.pipeInput(key, value, now);
    }

    void deleteSequence(String sequenceId) {
        sequences.pipeInput(SequenceKey.of(TENANT, sequenceId).toString(), null, now);
    }

    void enroll(String commandId, String leadId, String sequenceId, Instant startAt) {
        command(commandId, leadId, now, EnrollInSequence.newBuilder().setSequenceId(sequenceId).setStartAt(startAt)
                .build());
    }

    void pause(String leadId) {
        command("cmd-" + (++counter), leadId, now, PauseFollowUps.newBuilder().build());
    }

    /** A pause that releases itself at {@code until} ({@code reason}: e.g. out_of_office, or null). */
    void pauseUntil(String leadId, Instant until, String reason) {
        command("cmd-" + (++counter), leadId, now, PauseFollowUps.newBuilder().setUntil(until).setReason(reason).build());
    }

    void resume(String leadId) {
        command("cmd-" + (++counter), leadId, now, ResumeFollowUps.newBuilder().build());
    }

    void leadEvent(String leadId, Instant occurredAt, Object payload) {
        leadEventOf(TENANT, leadId, occurredAt, payload);
    }

    void leadEventOf(String tenantId, String leadId, Instant occurredAt, Object payload) {
        LeadEvent event = LeadEvent.newBuilder().setEventId("ev-" + (++counter)).setTenantId(tenantId).setLeadId(leadId)
                .setOccurredAt(occurredAt).setPayload(payload).build();
        leads.pipeInput(LeadKey.of(tenantId, leadId).toString(), event, now);
    }

    void captured(String leadId, Instant at, Double predProb) {
        leadEvent(leadId, at, LeadCaptured.newBuilder().setName("Ada " + leadId).setEmail(leadId + "@example.com")
                .setPhone("+15550100").setTimezone("Europe/London").setPredProb(predProb)
                .setAttributes(Map.of("company", "Analytical Engines")).build());
    }

    /** Captures {@code leadId} of {@code tenantId} with address {@code email} and score {@code predProb} (may be null). */
    void capturedWithEmail(String tenantId, String leadId, String email, Double predProb) {
        leadEventOf(tenantId, leadId, now, LeadCaptured.newBuilder().setName("Ada " + leadId).setEmail(email)
                .setPhone("+15550100").setPredProb(predProb).build());
    }

    void scored(String leadId, Instant at, double predProb) {
        leadEvent(leadId, at, LeadScored.newBuilder().setPredProb(predProb).build());
    }

    void engaged(String leadId, Instant at, EngagementKind kind) {
        leadEvent(leadId, at, LeadEngaged.newBuilder().setKind(kind).build());
    }

    void erased(String leadId, Instant at) {
        leadEvent(leadId, at, LeadErased.newBuilder().build());
    }

    void bookingEvent(String leadId, String bookingId, Instant at, Object payload) {
        BookingEvent event = BookingEvent.newBuilder().setEventId("ev-" + (++counter)).setTenantId(TENANT)
                .setLeadId(leadId).setBookingId(bookingId).setOccurredAt(at).setPayload(payload).build();
        bookings.pipeInput(key(leadId), event, now);
    }

    void bookingScheduled(String leadId, String bookingId, String localStart, String timezone) {
        bookingEvent(leadId, bookingId, now, BookingScheduled.newBuilder().setLocalStart(localStart)
                .setTimezone(timezone).setBookingType("demo").build());
    }

    void bookingRescheduled(String leadId, String bookingId, String localStart, String timezone) {
        bookingEvent(leadId, bookingId, now, BookingRescheduled.newBuilder().setLocalStart(localStart)
                .setTimezone(timezone).build());
    }

    void bookingCanceled(String leadId, String bookingId) {
        bookingEvent(leadId, bookingId, now, BookingCanceled.newBuilder().build());
    }

    void command(String commandId, String leadId, Instant issuedAt, Object payload) {
        commandOf(TENANT, commandId, leadId, issuedAt, payload);
    }

    void commandOf(String tenantId, String commandId, String leadId, Instant issuedAt, Object payload) {
        Command command = Command.newBuilder().setCommandId(commandId).setTenantId(tenantId).setLeadId(leadId)
                .setIssuedAt(issuedAt).setPayload(payload).build();
        commands.pipeInput(LeadKey.of(tenantId, leadId).toString(), command, now);
    }

    void scheduleTask(String commandId, String leadId, Channel channel, Instant dueAt) {
        command(commandId, leadId, now, ScheduleTask.newBuilder().setChannel(channel).setDueAt(dueAt)
                .setNote("call about pricing").build());
    }

    void cancelTask(String leadId, String taskId) {
        command("cmd-" + (++counter), leadId, now, CancelTask.newBuilder().setTaskId(taskId).build());
    }

    void cancelFollowUps(String leadId) {
        command("cmd-" + (++counter), leadId, now, CancelFollowUps.newBuilder().build());
    }

    void retryTask(String commandId, String leadId, String taskId, Instant notBefore) {
        command(commandId, leadId, now, RetryTask.newBuilder().setTaskId(taskId).setNotBefore(notBefore).build());
    }

    void receipt(DueTask task, ReceiptStatus status) {
        receipt(task, status, task.getAttempt());
    }

    /** A receipt of {@code attempt} (the executor's own retries count up from the emitted attempt). */
    void receipt(DueTask task, ReceiptStatus status, int attempt) {
        Receipt receipt = Receipt.newBuilder().setReceiptId(task.getTaskId() + "-" + attempt)
                .setTaskId(task.getTaskId()).setTenantId(task.getTenantId()).setLeadId(task.getLeadId())
                .setChannel(task.getChannel()).setStatus(status).setProvider("test").setAttempt(attempt)
                .setDueAt(task.getDueAt()).setEmittedAt(task.getEmittedAt()).setCompletedAt(now)
                .setLatencyMs(Duration.between(task.getDueAt(), now).toMillis())
                .setError(status == ReceiptStatus.FAILED ? "webhook answered 400" : null).build();
        receipts.pipeInput(LeadKey.of(task.getTenantId(), task.getLeadId()).toString(), receipt, now);
    }

    /**
     * The mailbox watcher's receipt for a draft a person sent: SENT, provider maildir, receipt id
     * {@code <taskId>:sent}, attempt 1 (the watcher knows the task, not the attempt), completed at {@code sentAt}.
     */
    void sentByPerson(DueTask task, Instant sentAt) {
        Receipt receipt = Receipt.newBuilder().setReceiptId(task.getTaskId() + ":sent")
                .setTaskId(task.getTaskId()).setTenantId(task.getTenantId()).setLeadId(task.getLeadId())
                .setChannel(task.getChannel()).setStatus(ReceiptStatus.SENT).setProvider("maildir")
                .setProviderRef("<" + task.getTaskId() + "." + task.getTenantId() + "@followup>").setAttempt(1)
                .setDueAt(task.getDueAt()).setEmittedAt(task.getEmittedAt()).setCompletedAt(sentAt)
                .setLatencyMs(Duration.between(task.getDueAt(), sentAt).toMillis()).build();
        receipts.pipeInput(key(task.getLeadId()), receipt, now);
    }

    void rawLeadEvent(String key, byte[] bytes) {
        rawLeads.pipeInput(key, bytes, now);
    }

    /** Any bytes on any input topic (garbage, another record type, an oversize record). */
    void raw(String topic, String key, byte[] bytes) {
        driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer()).pipeInput(key, bytes, now);
    }

    // ---- outputs and stores ----

    List<DueTask> emitted(Channel channel) {
        List<DueTask> out = new ArrayList<>();
        for (TestRecord<String, DueTask> r : due.get(channel).readRecordsToList()) {
            out.add(r.value());
        }
        return out;
    }

    List<TestRecord<String, DueTask>> emittedRecords(Channel channel) {
        return due.get(channel).readRecordsToList();
    }

    List<DueTask> emittedAll() {
        List<DueTask> out = new ArrayList<>();
        for (Channel channel : Channel.values()) {
            out.addAll(emitted(channel));
        }
        out.sort(java.util.Comparator.comparing(DueTask::getEmittedAt).thenComparing(DueTask::getDueAt));
        return out;
    }

    /** Requests sent to the tenant-keyed quota gate since the last call (their count: the gate's round trips). */
    int gateRequests() {
        return driver.createOutputTopic(gateTopics.requests(), new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList().size();
    }

    /** Receipts the scheduler itself published since the last call (SKIPPED for a suppressed address). */
    List<Receipt> publishedReceipts() {
        List<Receipt> out = new ArrayList<>();
        for (TestRecord<String, Receipt> r : driver.createOutputTopic(Topics.RECEIPTS, new StringDeserializer(),
                new AvroDeserializer<>(Receipt.class)).readRecordsToList()) {
            out.add(r.value());
        }
        return out;
    }

    /** Alerts raised since the last call, keyed by tenant. */
    List<TestRecord<String, Alert>> alerts() {
        return alerts.readRecordsToList();
    }

    List<TestRecord<String, byte[]>> deadLetters(String topic) {
        return driver.createOutputTopic(topic + ".dlq", new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
    }

    ScheduledTask task(String taskId) {
        return driver.<String, ScheduledTask>getKeyValueStore(SchedulerTopology.TASKS_STORE).get(taskId);
    }

    Enrollment enrollment(String leadId, String sequenceId) {
        return driver.<String, Enrollment>getKeyValueStore(SchedulerTopology.ENROLLMENTS_STORE)
                .get(key(leadId) + "/" + sequenceId);
    }

    LeadProfile profile(String leadId) {
        return driver.<String, LeadProfile>getKeyValueStore(SchedulerTopology.LEAD_PROFILES_STORE).get(key(leadId));
    }

    /** The earliest due time in the due index, or null when no task is pending. */
    Instant nextDueAt() {
        try (var it = driver.<org.apache.kafka.common.utils.Bytes, byte[]>getKeyValueStore(
                SchedulerTopology.DUE_INDEX_STORE).all()) {
            return it.hasNext() ? Instant.ofEpochMilli(DueIndexKey.parse(it.next().key).dueMillis()) : null;
        }
    }

    /** Whether the due index marks the pending task as deferred (null: it has no due-index entry). */
    Boolean indexedAsDeferred(ScheduledTask task) {
        byte[] value = driver.<org.apache.kafka.common.utils.Bytes, byte[]>getKeyValueStore(
                SchedulerTopology.DUE_INDEX_STORE).get(DueIndexKey.of(task.dueAt(), task.taskId()).toBytes());
        return value == null ? null : DueIndexKey.deferredOf(value);
    }

    long dueIndexSize() {
        long n = 0;
        try (var it = driver.getKeyValueStore(SchedulerTopology.DUE_INDEX_STORE).all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    /** The lead's journey as the API shows it. */
    List<JourneyEntry> journey(String leadId) {
        return JourneyReader.read(driver.getKeyValueStore(SchedulerTopology.JOURNEY_STORE),
                driver.getKeyValueStore(SchedulerTopology.LEAD_TASKS_STORE),
                driver.getKeyValueStore(SchedulerTopology.TASKS_STORE), key(leadId));
    }

    static String key(String leadId) {
        return LeadKey.of(TENANT, leadId).toString();
    }

    static Map<String, String> headers(TestRecord<?, ?> record) {
        Map<String, String> out = new java.util.HashMap<>();
        record.headers().forEach(h -> out.put(h.key(), new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)));
        return out;
    }

    @Override
    public void close() {
        driver.close();
    }
}
