package dev.followup.scheduler.topology;

import dev.followup.events.LeadKey;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.policy.DueTaskContent;
import dev.followup.scheduler.policy.LeadProfile;
import dev.followup.scheduler.policy.QuotaPolicy;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The due-time engine: the wall-clock punctuator takes tasks that came due out of the due index, a tenant with quotas
 * has them counted by its quota gate (tenant-keyed, see {@link SchedulerTopology}) and its answer comes back here:
 * go → the task is emitted as a {@link DueTask}, defer → it is re-armed later.
 */
final class Firing {

    /** The processor's log category, which these events have always had. */
    private static final Logger log = LoggerFactory.getLogger(SchedulerProcessor.class);
    /** Most tasks in one gate request record. */
    private static final int GATE_CHUNK = 500;

    private final int maxEmitsPerTick;
    private final SchedulerEvents events;
    private final ProcessorContext<String, Object> context;
    private final TaskBook book;
    private final LeadState leads;
    private final SequenceSteps sequences;
    private final GateAnswers gateAnswers;
    private final Function<String, TenantSettings> settingsOf;

    Firing(int maxEmitsPerTick, SchedulerEvents events, ProcessorContext<String, Object> context, TaskBook book,
            LeadState leads, SequenceSteps sequences) {
        this.maxEmitsPerTick = maxEmitsPerTick;
        this.events = events;
        this.context = context;
        this.book = book;
        this.leads = leads;
        this.sequences = sequences;
        this.gateAnswers = new GateAnswers(events);
        this.settingsOf = leads::settingsOf;
    }

    /**
     * Takes up to {@code maxEmitsPerTick} tasks due at or before {@code nowMillis}, earliest first, out of the index.
     * A tenant with quotas has them counted by its quota gate: they stay PENDING (out of the index) until the gate's
     * answer arrives ({@link #onGateDecision}). A tenant without quotas needs no count: the send window is checked here
     * and each task is emitted (or re-armed at the window's start) at once. EOS commits all of it with the input
     * offsets. Tasks left over wait for the next tick.
     */
    void emitDue(long nowMillis) {
        List<KeyValue<Bytes, byte[]>> batch = book.due(nowMillis, maxEmitsPerTick);
        if (batch.isEmpty()) {
            return;
        }
        Instant now = Instant.ofEpochMilli(nowMillis);
        Map<String, List<GateRequest.Item>> dueByTenant = new LinkedHashMap<>();
        Map<String, TenantSettings> tenantsOfTick = new HashMap<>();
        for (KeyValue<Bytes, byte[]> entry : batch) {
            book.unindex(entry.key);
            DueIndexKey key = DueIndexKey.parse(entry.key);
            ScheduledTask task = book.get(key.taskId());
            if (task == null || task.status() != TaskStatus.PENDING || DueIndexKey.millis(task.dueAt()) != key.dueMillis()) {
                continue;
            }
            if (sequences.canceledIfWithdrawn(task, now)) {
                continue;
            }
            try {
                TenantSettings tenant = tenantsOfTick.computeIfAbsent(task.tenantId(), settingsOf);
                LeadProfile profile = leads.storedProfile(task.tenantId(), task.leadId());
                GateRequest.Item item = gateItem(task, profile);
                if (QuotaPolicy.limits(tenant)) {
                    dueByTenant.computeIfAbsent(task.tenantId(), t -> new ArrayList<>()).add(item);
                } else {
                    // nothing to count: the send window alone decides, here, without the gate's round trip
                    GateDecision.Item outside = gateAnswers.outsideWindow(task.tenantId(), item, tenant, now);
                    apply(task, outside != null ? outside : GateDecision.Item.go(item), profile, now);
                }
            } catch (RuntimeException e) {
                emitFailed(task, now, e);
            }
        }
        dueByTenant.forEach((tenantId, due) -> requestGate(tenantId, due, now));
        book.scannedTo(batch.get(batch.size() - 1).key);
    }

    /**
     * The gate's answers, each for the arming of a task it names (due time and attempt): go → emit, defer → re-arm
     * at the deferred time (the original due time is kept). An answer for a task that changed meanwhile (canceled,
     * held, moved, already emitted) changes nothing: the task's latest state wins.
     */
    void onGateDecision(GateDecision decision) {
        Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
        for (GateDecision.Item answer : decision.tasks()) {
            ScheduledTask task = book.get(answer.taskId());
            if (task == null || !task.tenantId().equals(decision.tenantId()) || task.status() != TaskStatus.PENDING
                    || task.attempt() != answer.attempt() || !task.dueAt().equals(answer.dueAt())) {
                TaskBook.logIgnored("gate.decision_ignored", answer.taskId(), task);
            } else {
                try {
                    apply(task, answer, leads.storedProfile(task.tenantId(), task.leadId()), now);
                } catch (RuntimeException e) {
                    emitFailed(task, now, e);
                }
            }
        }
    }

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

    /** Go → emit {@code task}; defer → re-arm it at the deferred time (its original due time is kept). */
    private void apply(ScheduledTask task, GateDecision.Item answer, LeadProfile profile, Instant now) {
        if (answer.deferUntil() == null) {
            emit(task, profile, now);
        } else {
            book.save(task, task.rescheduled(task.anchorAt(), task.originalDueAt(), answer.deferUntil(), task.context(),
                    now).withStatus(TaskStatus.PENDING, now, ScheduledTask.DEFERRED + ": " + answer.reason()));
        }
    }

    private void emit(ScheduledTask task, LeadProfile profile, Instant now) {
        DueTask due = DueTaskContent.of(task, profile, now);
        String key = LeadKey.of(task.tenantId(), task.leadId()).toString();
        context.forward(new Record<>(key, (Object) due, now.toEpochMilli()), SchedulerTopology.dueTaskSink(task.channel()));
        book.emitted(task, now);
        if (task.occurrence() != null) {
            sequences.afterOccurrenceEmitted(LeadKey.of(task.tenantId(), task.leadId()), task, now);
        }
        Duration lag = Duration.between(task.dueAt(), now);
        events.taskEmitted(task.channel(), lag);
        log.atDebug().setMessage("task.emitted").addKeyValue("taskId", task.taskId())
                .addKeyValue("channel", task.channel()).addKeyValue("lagMs", lag.toMillis()).log();
    }

    /** Never lose a task silently nor block the partition: it becomes FAILED, visible and retryable. */
    private void emitFailed(ScheduledTask task, Instant now, RuntimeException e) {
        log.atError().setMessage("task.emit_failed").addKeyValue("taskId", task.taskId()).setCause(e).log();
        book.failed(task, now, "emit failed: " + e.getMessage());
    }
}
