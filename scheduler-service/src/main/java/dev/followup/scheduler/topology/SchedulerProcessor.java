package dev.followup.scheduler.topology;

import dev.followup.events.Identifiers;
import dev.followup.events.LeadKey;
import dev.followup.events.SequenceKey;
import dev.followup.events.serde.AvroSerializer;
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
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadErased;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.LeadScored;
import dev.followup.events.v1.PauseFollowUps;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ResumeFollowUps;
import dev.followup.events.v1.RetryTask;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.TaskReason;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.BookingFollowUpPolicy;
import dev.followup.scheduler.policy.Cancellation;
import dev.followup.scheduler.policy.DueTaskContent;
import dev.followup.scheduler.policy.Enrollment;
import dev.followup.scheduler.policy.EnrollmentStatus;
import dev.followup.scheduler.policy.InvalidInputException;
import dev.followup.scheduler.policy.LeadFollowUpPolicy;
import dev.followup.scheduler.policy.LeadFollowUpPolicy.ScoreDecision;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.PausePolicy;
import dev.followup.scheduler.policy.QuotaPolicy;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.SequencePolicy;
import dev.followup.scheduler.policy.SequencePolicy.EnrollDecision;
import dev.followup.scheduler.policy.SequencePolicy.Transition;
import dev.followup.scheduler.policy.TaskLifecycle;
import dev.followup.scheduler.policy.TaskMerge;
import dev.followup.scheduler.policy.TaskMerge.OpenTask;
import dev.followup.scheduler.policy.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the policies to the stores for every input record; a wall-clock punctuator sends tasks that come due to the
 * tenant's quota gate, whose answer comes back here: go → the task is emitted, defer → it is re-armed later.
 * One instance per stream task (partition); all its state is in the task's stores, so exactly-once processing
 * commits input offsets, store changes and emitted tasks together.
 */
final class SchedulerProcessor implements Processor<String, Object, String, Object> {

    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);
    private static final byte[] EMPTY = new byte[0];
    /** Most tasks in one gate request record. */
    private static final int GATE_CHUNK = 500;

    private final SchedulerSettings settings;
    private final SchedulerEvents events;
    private final GateAnswers gateAnswers;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ScheduledTask> tasks;
    private KeyValueStore<Bytes, byte[]> dueIndex;
    private KeyValueStore<String, byte[]> leadTasks;
    private KeyValueStore<String, LeadProfile> profiles;
    private KeyValueStore<String, TenantSettings> tenantSettings;
    private KeyValueStore<String, Enrollment> enrollments;
    private KeyValueStore<String, SequenceDefinition> sequences;
    private JourneyRecorder journey;
    /** Where the next due scan starts: the last key fired, so scans skip the tombstones of fired entries. */
    private Bytes scanFrom = DueIndexKey.MIN;

    SchedulerProcessor(SchedulerSettings settings, SchedulerEvents events) {
        this.settings = settings;
        this.events = events;
        this.gateAnswers = new GateAnswers(events);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        tasks = context.getStateStore(SchedulerTopology.TASKS_STORE);
        dueIndex = context.getStateStore(SchedulerTopology.DUE_INDEX_STORE);
        leadTasks = context.getStateStore(SchedulerTopology.LEAD_TASKS_STORE);
        profiles = context.getStateStore(SchedulerTopology.LEAD_PROFILES_STORE);
        tenantSettings = context.getStateStore(SchedulerTopology.TENANT_SETTINGS_STORE);
        enrollments = context.getStateStore(SchedulerTopology.ENROLLMENTS_STORE);
        sequences = context.getStateStore(SchedulerTopology.SEQUENCES_STORE);
        journey = new JourneyRecorder(context.getStateStore(SchedulerTopology.JOURNEY_STORE));
        context.schedule(settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::emitDue);
    }

    @Override
    public void process(Record<String, Object> record) {
        Object value = record.value();
        journey.processing(record.timestamp());
        try {
            if (value == null) {
                throw new InvalidInputException("value is null (tombstones are not events)");
            } else if (value instanceof LeadEvent e) {
                onLeadEvent(leadKey(record.key(), e.getTenantId(), e.getLeadId()), e);
                journey.leadEvent(e);
            } else if (value instanceof BookingEvent e) {
                onBookingEvent(leadKey(record.key(), e.getTenantId(), e.getLeadId()), e);
                journey.bookingEvent(e);
            } else if (value instanceof Command c) {
                onCommand(record.key(), c);
                journey.command(c);
            } else if (value instanceof Receipt r) {
                onReceipt(leadKey(record.key(), r.getTenantId(), r.getLeadId()), r);
            } else if (value instanceof GateDecision d) {
                onGateDecision(d);
            }
        } catch (InvalidInputException e) {
            deadLetter(record, e);
        }
    }

    // ---- lead events ----

    private void onLeadEvent(LeadKey key, LeadEvent event) {
        Instant at = event.getOccurredAt();
        LeadProfile profile = profile(key);
        Object payload = event.getPayload();
        if (payload instanceof LeadCaptured captured) {
            if (captured.getTimezone() != null) {
                BookingFollowUpPolicy.zone("timezone", captured.getTimezone());
            }
            LeadProfile updated = profile.withContact(captured.getName(), captured.getEmail(), captured.getPhone(),
                    captured.getTimezone(), captured.getAttributes());
            profiles.put(key.toString(), updated);
            if (captured.getPredProb() != null) {
                onScore(key, updated, captured.getPredProb(), at);
            }
        } else if (payload instanceof LeadScored scored) {
            onScore(key, profile, scored.getPredProb(), at);
        } else if (payload instanceof LeadEngaged engaged) {
            LeadFollowUpPolicy.profileAfter(profile, engaged.getKind()).ifPresent(p -> profiles.put(key.toString(), p));
            cancel(key, LeadFollowUpPolicy.onEngaged(engaged.getKind()), at);
        } else if (payload instanceof LeadErased) {
            profiles.put(key.toString(), profile.erase());
            Cancellation all = Cancellation.all("lead erased");
            endEnrollments(key, all.reason(), at);
            for (ScheduledTask task : tasksOf(key)) {
                ScheduledTask next = all.matches(task) ? canceled(task, all.reason(), at) : task;
                save(task, next.withoutPersonalData());
            }
            log.atInfo().setMessage("lead.erased").addKeyValue("tenantId", key.tenantId())
                    .addKeyValue("leadId", key.leadId()).log();
        }
    }

    private void onScore(LeadKey key, LeadProfile profile, double predProb, Instant at) {
        TenantSettings tenant = settingsOf(key.tenantId());
        ScoreDecision decision = LeadFollowUpPolicy.onScore(tenant, key.tenantId(), key.leadId(), predProb, at);
        if (decision instanceof ScoreDecision.Schedule schedule) {
            plan(key, profile, tenant, schedule.tasks(), at, OpenTask.KEEP, true);
        } else if (decision instanceof ScoreDecision.Cancel cancel) {
            cancel(key, cancel.cancellation(), at);
        }
    }

    // ---- booking events ----

    private void onBookingEvent(LeadKey key, BookingEvent event) {
        String bookingId = event.getBookingId();
        if (!Identifiers.isValid(bookingId)) {
            throw new InvalidInputException(Identifiers.describe("bookingId", bookingId));
        }
        Instant at = event.getOccurredAt();
        Object payload = event.getPayload();
        if (payload instanceof BookingCanceled) {
            cancel(key, task -> BookingFollowUpPolicy.canceledWith(bookingId, task), BookingFollowUpPolicy.CANCELED, at);
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
        TenantSettings tenant = settingsOf(key.tenantId());
        List<ScheduledTask> planned = BookingFollowUpPolicy.followUps(tenant, key.tenantId(), key.leadId(), bookingId,
                start, bookingContext);
        plan(key, profile(key), tenant, planned, at, OpenTask.MOVE, tenant.getAutoEnabled());
    }

    // ---- commands ----

    private void onCommand(String rawKey, Command command) {
        Object payload = command.getPayload();
        if (command.getLeadId() == null) {
            throw new InvalidInputException("leadId is required for " + payload.getClass().getSimpleName());
        }
        LeadKey key = leadKey(rawKey, command.getTenantId(), command.getLeadId());
        if (!Identifiers.isValid(command.getCommandId())) {
            throw new InvalidInputException(Identifiers.describe("commandId", command.getCommandId()));
        }
        Instant at = command.getIssuedAt();
        if (payload instanceof ScheduleTask schedule) {
            // the executor resolves it to a template file: a path-like id must not get that far
            if (schedule.getTemplateId() != null && !Identifiers.isValid(schedule.getTemplateId())) {
                throw new InvalidInputException(Identifiers.describe("templateId", schedule.getTemplateId()));
            }
            ScheduledTask task = TaskLifecycle.manual(key.tenantId(), key.leadId(), command.getCommandId(),
                    schedule.getChannel(), schedule.getDueAt(), schedule.getTemplateId(), schedule.getNote(), at);
            TenantSettings tenant = settingsOf(key.tenantId());
            plan(key, profile(key), tenant, List.of(task), at, OpenTask.KEEP, true);
        } else if (payload instanceof CancelTask cancel) {
            ScheduledTask task = ownTask(key, cancel.getTaskId());
            if (task != null && task.status().isOpen()) {
                save(task, canceled(task, "canceled by command " + command.getCommandId(), at));
            } else {
                logNoop("task.cancel_ignored", cancel.getTaskId(), task);
            }
        } else if (payload instanceof CancelFollowUps) {
            cancel(key, Cancellation.all("follow-ups canceled by command " + command.getCommandId()), at);
        } else if (payload instanceof RetryTask retry) {
            ScheduledTask task = ownTask(key, retry.getTaskId());
            LeadProfile profile = profile(key);
            if (TaskLifecycle.retryBlocked(task, profile)) {
                logNoop("task.retry_blocked", retry.getTaskId(), task);
                return;
            }
            TaskLifecycle.retry(task, retry.getNotBefore(), at, command.getCommandId()).ifPresentOrElse(
                    next -> save(task, PausePolicy.hold(profile, next, at)),
                    () -> logNoop("task.retry_ignored", retry.getTaskId(), task));
        } else if (payload instanceof EnrollInSequence enroll) {
            onEnroll(key, command, enroll);
        } else if (payload instanceof PauseFollowUps) {
            onPause(key, at);
        } else if (payload instanceof ResumeFollowUps) {
            onResume(key, at);
        }
    }

    // ---- sequences ----

    private void onEnroll(LeadKey key, Command command, EnrollInSequence enroll) {
        String sequenceId = enroll.getSequenceId();
        if (!Identifiers.isValid(sequenceId)) {
            throw new InvalidInputException(Identifiers.describe("sequenceId", sequenceId));
        }
        LeadProfile profile = profile(key);
        EnrollDecision decision = SequencePolicy.enroll(enrollments.get(enrollmentKey(key, sequenceId)),
                sequence(key.tenantId(), sequenceId), key.tenantId(), key.leadId(), sequenceId, command.getCommandId(),
                command.getIssuedAt(), enroll.getStartAt(), profile, settingsOf(key.tenantId()));
        if (decision instanceof EnrollDecision.Start start) {
            applySequence(key, profile, start.transition(), command.getIssuedAt());
        } else if (decision instanceof EnrollDecision.Ignore ignore) {
            log.atInfo().setMessage("sequence.enroll_ignored").addKeyValue("commandId", command.getCommandId())
                    .addKeyValue("sequenceId", sequenceId).addKeyValue("reason", ignore.reason()).log();
        }
    }

    /** Chains the next step of the enrollment whose current step {@code task} just got its receipt. */
    private void onStepReceipt(LeadKey key, ScheduledTask task, Receipt receipt) {
        LeadProfile profile = profile(key);
        SequencePolicy.afterReceipt(enrollments.get(enrollmentKey(key, task.sequenceId())), task.taskId(),
                receipt.getStatus(), receipt.getCompletedAt(), receipt.getError(),
                sequence(key.tenantId(), task.sequenceId()), profile, settingsOf(key.tenantId())).ifPresentOrElse(
                        t -> applySequence(key, profile, t, receipt.getCompletedAt()),
                        () -> logNoop("sequence.receipt_ignored", task.taskId(), task));
    }

    /**
     * Schedules the next occurrence of a recurring step when the current one is emitted (from the definition as it is
     * now), in the same transaction as the emission: a restart or replay can neither skip nor repeat one.
     */
    private void onOccurrenceEmitted(LeadKey key, ScheduledTask task, Instant now) {
        LeadProfile profile = profile(key);
        SequencePolicy.afterOccurrenceEmitted(enrollments.get(enrollmentKey(key, task.sequenceId())), task.taskId(),
                now, sequence(key.tenantId(), task.sequenceId()), profile, settingsOf(key.tenantId())).ifPresentOrElse(
                        t -> applySequence(key, profile, t, now),
                        () -> logNoop("sequence.occurrence_ignored", task.taskId(), task));
    }

    private void applySequence(LeadKey key, LeadProfile profile, Transition transition, Instant at) {
        Enrollment enrollment = transition.enrollment();
        enrollments.put(enrollmentKey(key, enrollment.sequenceId()), enrollment);
        if (transition.task() != null) {
            plan(key, profile, settingsOf(key.tenantId()), List.of(transition.task()), at, OpenTask.KEEP, true);
        }
        logEnrollment(enrollment);
    }

    /** Ends every active enrollment of the lead (their pending steps are canceled by the caller's cancellation). */
    private void endEnrollments(LeadKey key, String reason, Instant at) {
        List<Enrollment> active = new ArrayList<>();
        try (KeyValueIterator<String, Enrollment> it = enrollments.prefixScan(
                leadTaskPrefix(key.tenantId(), key.leadId()), new org.apache.kafka.common.serialization.StringSerializer())) {
            it.forEachRemaining(kv -> {
                if (kv.value.isActive()) {
                    active.add(kv.value);
                }
            });
        }
        for (Enrollment enrollment : active) {
            Enrollment ended = enrollment.ended(EnrollmentStatus.STOPPED, at, reason);
            enrollments.put(enrollmentKey(key, enrollment.sequenceId()), ended);
            logEnrollment(ended);
        }
    }

    /** A canceled step ends its enrollment (whatever canceled it: a bounce, CancelTask, a withdrawn sequence). */
    private void endEnrollmentOfStep(ScheduledTask step, String reason, Instant at) {
        String enrollmentKey = enrollmentKey(LeadKey.of(step.tenantId(), step.leadId()), step.sequenceId());
        Enrollment enrollment = enrollments.get(enrollmentKey);
        if (enrollment != null && enrollment.isActive() && step.taskId().equals(enrollment.taskId())) {
            Enrollment ended = enrollment.ended(EnrollmentStatus.STOPPED, at, reason);
            enrollments.put(enrollmentKey, ended);
            logEnrollment(ended);
        }
    }

    private SequenceDefinition sequence(String tenantId, String sequenceId) {
        return sequences.get(SequenceKey.of(tenantId, sequenceId).toString());
    }

    private static void logEnrollment(Enrollment e) {
        String event = switch (e.status()) {
            case ACTIVE -> "sequence.step_scheduled";
            case COMPLETED -> "sequence.completed";
            case STOPPED -> "sequence.stopped";
            case FAILED -> "sequence.failed";
        };
        log.atInfo().setMessage(event).addKeyValue("tenantId", e.tenantId()).addKeyValue("leadId", e.leadId())
                .addKeyValue("sequenceId", e.sequenceId()).addKeyValue("enrollment", e.number())
                .addKeyValue("step", e.step()).addKeyValue("occurrence", e.occurrence() == null ? null : e.occurrence().number())
                .addKeyValue("detail", e.statusDetail()).log();
    }

    static String enrollmentKey(LeadKey key, String sequenceId) {
        return leadTaskPrefix(key.tenantId(), key.leadId()) + sequenceId;
    }

    // ---- pause / resume ----

    private void onPause(LeadKey key, Instant at) {
        LeadProfile profile = profile(key);
        PausePolicy.pause(profile, at).ifPresentOrElse(paused -> {
            profiles.put(key.toString(), paused);
            for (ScheduledTask task : tasksOf(key)) {
                ScheduledTask held = PausePolicy.hold(paused, task, at);
                if (held.status() != task.status()) {
                    save(task, held);
                }
            }
            log.atInfo().setMessage("lead.paused").addKeyValue("tenantId", key.tenantId())
                    .addKeyValue("leadId", key.leadId()).log();
        }, () -> log.atInfo().setMessage("lead.pause_ignored").addKeyValue("tenantId", key.tenantId())
                .addKeyValue("leadId", key.leadId()).addKeyValue("reason", "already paused").log());
    }

    private void onResume(LeadKey key, Instant at) {
        PausePolicy.resume(profile(key)).ifPresentOrElse(resumed -> {
            profiles.put(key.toString(), resumed);
            for (ScheduledTask task : tasksOf(key)) {
                PausePolicy.release(task, at).ifPresent(released -> save(task, released));
            }
            log.atInfo().setMessage("lead.resumed").addKeyValue("tenantId", key.tenantId())
                    .addKeyValue("leadId", key.leadId()).log();
        }, () -> log.atInfo().setMessage("lead.resume_ignored").addKeyValue("tenantId", key.tenantId())
                .addKeyValue("leadId", key.leadId()).addKeyValue("reason", "not paused").log());
    }

    // ---- receipts ----

    private void onReceipt(LeadKey key, Receipt receipt) {
        ScheduledTask task = ownTask(key, receipt.getTaskId());
        journey.receipt(receipt, task);
        TaskLifecycle.onReceipt(task, receipt.getStatus(), receipt.getAttempt(), receipt.getCompletedAt(),
                receipt.getError()).ifPresentOrElse(next -> {
                    save(task, next);
                    if (next.source() == TaskReason.SEQUENCE) {
                        onStepReceipt(key, next, receipt);
                    }
                }, () -> logNoop("receipt.ignored", receipt.getTaskId(), task));
    }

    // ---- store operations ----

    /** Stores each planned task under the merge rule; a blocked channel or {@code create == false} creates none. */
    private void plan(LeadKey key, LeadProfile profile, TenantSettings tenant, List<ScheduledTask> planned, Instant at,
            OpenTask openTask, boolean create) {
        for (ScheduledTask candidate : planned) {
            if (profile.blocks(candidate.channel())) {
                logNoop("task.blocked", candidate.taskId(), null);
                continue;
            }
            ScheduledTask existing = tasks.get(candidate.taskId());
            if (existing == null && !create) {
                continue;
            }
            Instant due = settings.dueTimeAdjuster().adjust(candidate, tenant, profile.timezone());
            ScheduledTask adjusted = candidate.rescheduled(candidate.anchorAt(), candidate.originalDueAt(), due,
                    candidate.context(), candidate.statusAt());
            TaskMerge.merge(existing, adjusted, at, openTask).map(t -> PausePolicy.hold(profile, t, at)).ifPresent(next -> {
                save(existing, next);
                log.atDebug().setMessage(existing == null ? "task.scheduled" : "task.rescheduled")
                        .addKeyValue("taskId", next.taskId()).addKeyValue("dueAt", next.dueAt()).log();
            });
        }
    }

    private void cancel(LeadKey key, Cancellation cancellation, Instant at) {
        if (cancellation.endsEnrollments()) {
            endEnrollments(key, cancellation.reason(), at);
        }
        cancel(key, cancellation::matches, cancellation.reason(), at);
    }

    private void cancel(LeadKey key, Predicate<ScheduledTask> which, String reason, Instant at) {
        for (ScheduledTask task : tasksOf(key)) {
            if (task.status().isOpen() && which.test(task)) {
                save(task, canceled(task, reason, at));
            }
        }
    }

    private ScheduledTask canceled(ScheduledTask task, String reason, Instant at) {
        events.taskCanceled(task.channel());
        log.atDebug().setMessage("task.canceled").addKeyValue("taskId", task.taskId()).addKeyValue("reason", reason).log();
        if (task.source() == TaskReason.SEQUENCE) {
            endEnrollmentOfStep(task, reason, at);
        }
        return task.withStatus(TaskStatus.CANCELED, at, reason);
    }

    /** Writes {@code next} and keeps the due index and the lead index in step with it. */
    private void save(ScheduledTask previous, ScheduledTask next) {
        if (previous != null && previous.status() == TaskStatus.PENDING
                && (next.status() != TaskStatus.PENDING || !previous.dueAt().equals(next.dueAt()))) {
            dueIndex.put(DueIndexKey.of(previous.dueAt(), previous.taskId()).toBytes(), null);
        }
        tasks.put(next.taskId(), next);
        if (next.status() == TaskStatus.PENDING) {
            Bytes indexKey = DueIndexKey.of(next.dueAt(), next.taskId()).toBytes();
            dueIndex.put(indexKey, DueIndexKey.value(next.channel(), next.tenantId(), next.wasDeferred()));
            if (indexKey.compareTo(scanFrom) < 0) {
                scanFrom = indexKey;
            }
        }
        if (previous == null) {
            leadTasks.put(leadTaskKey(next.tenantId(), next.leadId(), next.taskId()), EMPTY);
        }
        journey.taskChanged(previous, next);
    }

    private List<ScheduledTask> tasksOf(LeadKey key) {
        return LeadTaskIndex.tasksOf(leadTasks, tasks, key.toString());
    }

    /** The task if it belongs to this lead (a task id of another tenant or lead is treated as unknown). */
    private ScheduledTask ownTask(LeadKey key, String taskId) {
        if (!Identifiers.isValid(taskId)) {
            throw new InvalidInputException(Identifiers.describe("taskId", taskId));
        }
        ScheduledTask task = tasks.get(taskId);
        if (task == null || !task.tenantId().equals(key.tenantId()) || !task.leadId().equals(key.leadId())) {
            return null;
        }
        return task;
    }

    // ---- the punctuator ----

    /**
     * Takes up to {@code maxEmitsPerTick} tasks due at or before {@code nowMillis}, earliest first, out of the index.
     * A tenant with quotas has them counted by its quota gate: they stay PENDING (out of the index) until the gate's
     * answer arrives ({@link #onGateDecision}). A tenant without quotas needs no count: the send window is checked here
     * and each task is emitted (or re-armed at the window's start) at once. EOS commits all of it with the input
     * offsets. Tasks left over wait for the next tick.
     */
    void emitDue(long nowMillis) {
        List<KeyValue<Bytes, byte[]>> batch = new ArrayList<>();
        Bytes to = DueIndexKey.upTo(nowMillis);
        if (scanFrom.compareTo(to) > 0) {
            return;
        }
        try (KeyValueIterator<Bytes, byte[]> it = dueIndex.range(scanFrom, to)) {
            while (it.hasNext() && batch.size() < settings.maxEmitsPerTick()) {
                batch.add(it.next());
            }
        }
        Instant now = Instant.ofEpochMilli(nowMillis);
        Map<String, List<GateRequest.Item>> dueByTenant = new java.util.LinkedHashMap<>();
        Map<String, TenantSettings> tenantsOfTick = new HashMap<>();
        for (KeyValue<Bytes, byte[]> entry : batch) {
            dueIndex.put(entry.key, null);
            DueIndexKey key = DueIndexKey.parse(entry.key);
            ScheduledTask task = tasks.get(key.taskId());
            if (task == null || task.status() != TaskStatus.PENDING || DueIndexKey.millis(task.dueAt()) != key.dueMillis()) {
                continue;
            }
            if (withdrawnSequenceStep(task, now)) {
                continue;
            }
            try {
                TenantSettings tenant = tenantsOfTick.computeIfAbsent(task.tenantId(), this::settingsOf);
                LeadProfile profile = profiles.get(LeadKey.of(task.tenantId(), task.leadId()).toString());
                GateRequest.Item item = gateItem(task, profile);
                if (QuotaPolicy.limits(tenant)) {
                    dueByTenant.computeIfAbsent(task.tenantId(), t -> new ArrayList<>()).add(item);
                } else {
                    // nothing to count: the send window alone decides, here, without the gate's round trip
                    GateDecision.Item outside = gateAnswers.outsideWindow(task.tenantId(), item, tenant, now);
                    apply(task, outside != null ? outside : GateDecision.Item.go(item), profile, now);
                }
            } catch (RuntimeException e) {
                // never lose a task silently nor block the partition: it becomes FAILED, visible and retryable
                log.atError().setMessage("task.emit_failed").addKeyValue("taskId", task.taskId()).setCause(e).log();
                tasks.put(task.taskId(), task.withStatus(TaskStatus.FAILED, now, "emit failed: " + e.getMessage()));
            }
        }
        dueByTenant.forEach((tenantId, due) -> requestGate(tenantId, due, now));
        if (!batch.isEmpty()) {
            scanFrom = batch.get(batch.size() - 1).key;
        }
    }

    /** A step of a sequence disabled or deleted since it was scheduled is canceled, not emitted. */
    private boolean withdrawnSequenceStep(ScheduledTask task, Instant now) {
        if (task.source() != TaskReason.SEQUENCE) {
            return false;
        }
        return SequencePolicy.withdrawn(sequence(task.tenantId(), task.sequenceId())).map(reason -> {
            save(task, canceled(task, reason, now));
            return true;
        }).orElse(false);
    }

    // ---- the quota gate (tenant-keyed, see SchedulerTopology) ----

    private static GateRequest.Item gateItem(ScheduledTask task, LeadProfile profile) {
        return new GateRequest.Item(task.taskId(), task.leadId(), task.channel(), task.source(), task.dueAt(),
                task.attempt(), profile == null ? null : profile.timezone(), task.windowExempt());
    }

    /** One request record per tenant and tick, in due order (chunked so a record stays well below 1 MB). */
    private void requestGate(String tenantId, List<GateRequest.Item> due, Instant now) {
        int partition = context.taskId().partition();
        for (int from = 0; from < due.size(); from += GATE_CHUNK) {
            GateRequest request = new GateRequest(tenantId, partition,
                    List.copyOf(due.subList(from, Math.min(due.size(), from + GATE_CHUNK))));
            context.forward(new Record<>(tenantId, (Object) request, now.toEpochMilli()),
                    SchedulerTopology.GATE_REQUESTS_SINK);
        }
    }

    /**
     * The gate's answers, each for the arming of a task it names (due time and attempt): go → emit, defer → re-arm
     * at the deferred time (the original due time is kept). An answer for a task that changed meanwhile (canceled,
     * held, moved, already emitted) changes nothing: the task's latest state wins.
     */
    private void onGateDecision(GateDecision decision) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        for (GateDecision.Item answer : decision.tasks()) {
            ScheduledTask task = tasks.get(answer.taskId());
            if (task == null || !task.tenantId().equals(decision.tenantId()) || task.status() != TaskStatus.PENDING
                    || task.attempt() != answer.attempt() || !task.dueAt().equals(answer.dueAt())) {
                logNoop("gate.decision_ignored", answer.taskId(), task);
            } else {
                try {
                    apply(task, answer, profiles.get(LeadKey.of(task.tenantId(), task.leadId()).toString()), now);
                } catch (RuntimeException e) {
                    // never lose a task silently nor block the partition: it becomes FAILED, visible and retryable
                    log.atError().setMessage("task.emit_failed").addKeyValue("taskId", task.taskId()).setCause(e).log();
                    tasks.put(task.taskId(), task.withStatus(TaskStatus.FAILED, now, "emit failed: " + e.getMessage()));
                }
            }
        }
    }

    /** Go → emit {@code task}; defer → re-arm it at the deferred time (its original due time is kept). */
    private void apply(ScheduledTask task, GateDecision.Item answer, LeadProfile profile, Instant now) {
        if (answer.deferUntil() == null) {
            emit(task, profile, now);
        } else {
            save(task, task.rescheduled(task.anchorAt(), task.originalDueAt(), answer.deferUntil(), task.context(),
                    now).withStatus(TaskStatus.PENDING, now, ScheduledTask.DEFERRED + ": " + answer.reason()));
        }
    }

    private void emit(ScheduledTask task, LeadProfile profile, Instant now) {
        DueTask due = DueTaskContent.of(task, profile, now);
        String key = LeadKey.of(task.tenantId(), task.leadId()).toString();
        context.forward(new Record<>(key, (Object) due, now.toEpochMilli()), SchedulerTopology.dueTaskSink(task.channel()));
        tasks.put(task.taskId(), task.emitted(now));
        journey.taskEmitted(now);
        if (task.occurrence() != null) {
            onOccurrenceEmitted(LeadKey.of(task.tenantId(), task.leadId()), task, now);
        }
        Duration lag = Duration.between(task.dueAt(), now);
        events.taskEmitted(task.channel(), lag);
        log.atDebug().setMessage("task.emitted").addKeyValue("taskId", task.taskId())
                .addKeyValue("channel", task.channel()).addKeyValue("lagMs", lag.toMillis()).log();
    }

    // ---- helpers ----

    private LeadKey leadKey(String rawKey, String tenantId, String leadId) {
        LeadKey key;
        try {
            key = LeadKey.of(tenantId, leadId);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        if (!key.toString().equals(rawKey)) {
            throw new InvalidInputException("record key '" + rawKey + "' does not match tenantId:leadId '" + key + "'");
        }
        return key;
    }

    private LeadProfile profile(LeadKey key) {
        LeadProfile profile = profiles.get(key.toString());
        return profile == null ? LeadProfile.UNKNOWN : profile;
    }

    private TenantSettings settingsOf(String tenantId) {
        return SchedulerTopology.settingsOf(tenantSettings, tenantId);
    }

    private void deadLetter(Record<String, Object> record, InvalidInputException error) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        byte[] bytes = record.value() instanceof SpecificRecord value ? reencode(meta.topic(), value) : null;
        context.forward(new Record<String, Object>(record.key(), bytes, record.timestamp(),
                DeadLetters.headers(record.headers(), error.getMessage(), error, meta.topic(), meta.partition(),
                        meta.offset())), SchedulerTopology.deadLetterSink(meta.topic()));
        events.deadLettered(meta.topic());
        log.atWarn().setMessage("record.dead_lettered").addKeyValue("topic", meta.topic())
                .addKeyValue("partition", meta.partition()).addKeyValue("offset", meta.offset())
                .addKeyValue("error", error.getMessage()).log();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] reencode(String topic, SpecificRecord value) {
        return new AvroSerializer(value.getClass()).serialize(topic, value);
    }

    private static void logNoop(String event, String taskId, ScheduledTask task) {
        log.atInfo().setMessage(event).addKeyValue("taskId", taskId)
                .addKeyValue("status", task == null ? "UNKNOWN" : task.status().name()).log();
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    static String leadTaskPrefix(String tenantId, String leadId) {
        return tenantId + ":" + leadId + "/";
    }

    static String leadTaskKey(String tenantId, String leadId, String taskId) {
        return leadTaskPrefix(tenantId, leadId) + taskId;
    }
}
