package dev.followup.executor.consume;

import static dev.followup.events.DeadLetterHeaders.ATTEMPTS;
import static dev.followup.events.DeadLetterHeaders.ERROR;
import static dev.followup.events.DeadLetterHeaders.ERROR_CLASS;
import static dev.followup.events.DeadLetterHeaders.SOURCE_OFFSET;
import static dev.followup.events.DeadLetterHeaders.SOURCE_PARTITION;
import static dev.followup.events.DeadLetterHeaders.SOURCE_TOPIC;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.executor.policy.RetryPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Handles one due task of a channel: drafts it on the channel's worker pool and answers, as a future, the records
 * to publish for it: a receipt for a terminal outcome, the task on the channel's retry topic (with a not-before
 * time) for a retriable failure, or a DEAD receipt plus the original record on the DLQ when the tries are used up.
 * {@link TaskTopicConsumer} publishes them in a Kafka transaction together with the task's offset. A slow or
 * failing task therefore costs one worker thread for at most one provider timeout, never its backoff.
 *
 * <p>The same class reads the retry topic ({@link Mode#RETRY}): it waits for each record's not-before time on a
 * delayed executor (no thread is held), and puts records due beyond the retry horizon back on the retry topic.
 */
public final class DueTaskHandler {

    public enum Mode { DUE, RETRY }

    static final String ATTEMPT = "followup.attempt";
    static final String FIRST_ATTEMPT = "followup.first-attempt";
    static final String NOT_BEFORE = "followup.not-before";

    private static final Logger log = LoggerFactory.getLogger(DueTaskHandler.class);

    private final Channel channel;
    private final Mode mode;
    private final String dueTopic;
    private final String retryTopic;
    private final TaskDrafting drafting;
    private final TenantSettingsView settings;
    private final RetryPolicy channelDefaults;
    private final Duration retryHorizon;
    private final Executor workers;
    private final Clock clock;
    private final MeterRegistry meters;
    private final AvroDeserializer<DueTask> tasks = new AvroDeserializer<>(DueTask.class);
    private final AvroSerializer<Receipt> receipts = new AvroSerializer<>(Receipt.class);

    public DueTaskHandler(Channel channel, Mode mode, TaskDrafting drafting, TenantSettingsView settings,
            RetryPolicy channelDefaults, Duration retryHorizon, Executor workers, Clock clock, MeterRegistry meters) {
        this.channel = channel;
        this.mode = mode;
        this.dueTopic = Topics.dueTasks(channel);
        this.retryTopic = retryTopicOf(channel);
        this.drafting = drafting;
        this.settings = settings;
        this.channelDefaults = channelDefaults;
        this.retryHorizon = retryHorizon;
        this.workers = workers;
        this.clock = clock;
        this.meters = meters;
    }

    /** The channel's retry topic, an operational topic the executor creates: {@code <due-task topic>.retry}. */
    public static String retryTopicOf(Channel channel) {
        return Topics.dueTasks(channel) + ".retry";
    }

    public Mode mode() {
        return mode;
    }

    public Channel channel() {
        return channel;
    }

    /**
     * Starts handling {@code record}; the future answers the records to publish for it. It never completes
     * exceptionally: an unexpected failure becomes a retry, and a failure to build even that a dead letter. Cancelling
     * it before it started means the provider is not called.
     */
    public CompletableFuture<List<ProducerRecord<String, byte[]>>> handle(ConsumerRecord<String, byte[]> record) {
        DueTask task;
        try {
            if (record.value() == null) {
                throw new SerializationException("record from topic '" + record.topic() + "' has no value (a DueTask is required)");
            }
            task = tasks.deserialize(record.topic(), record.value());
            if (task.getChannel() != channel) {
                throw new SerializationException("task " + task.getTaskId() + " is for channel " + task.getChannel()
                        + " but arrived on " + record.topic());
            }
        } catch (SerializationException e) {
            meters.counter("followup.executor.dlq", "channel", channel.name(), "reason", "undecodable").increment();
            log.warn("event=task.dead-lettered channel={} topic={} partition={} offset={} error={}", channel,
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            return CompletableFuture.completedFuture(List.of(deadLetter(record, e.getMessage(), e.getClass().getName(), 0)));
        }
        int attempt = intHeader(record, ATTEMPT, task.getAttempt());
        int firstAttempt = intHeader(record, FIRST_ATTEMPT, task.getAttempt());
        DueTask current = attempt == task.getAttempt() ? task : DueTask.newBuilder(task).setAttempt(attempt).build();
        Supplier<List<ProducerRecord<String, byte[]>>> work = () -> {
            try {
                return decide(record, current, attempt, firstAttempt);
            } catch (RuntimeException e) {
                try {
                    return retryOrDead(record, current, attempt, firstAttempt,
                            new DraftOutcome.Retriable("none", e.toString(), e.getClass().getName()));
                } catch (RuntimeException again) {
                    // not even a retry could be built: park the task on the DLQ rather than hold its partition
                    meters.counter("followup.executor.dlq", "channel", channel.name(), "reason", "unhandled").increment();
                    log.error("event=task.dead-lettered taskId={} tenant={} channel={} attempt={} error=\"{}\"",
                            current.getTaskId(), current.getTenantId(), channel, attempt, again.toString());
                    return List.of(deadLetter(record, again.toString(), again.getClass().getName(), attempt - firstAttempt + 1));
                }
            }
        };
        if (mode == Mode.RETRY) {
            long notBefore = longHeader(record, NOT_BEFORE, 0L);
            long wait = notBefore - clock.millis();
            if (wait > retryHorizon.toMillis()) {
                return CompletableFuture.completedFuture(List.of(requeue(record)));
            }
            if (wait > 0) {
                return CompletableFuture.supplyAsync(work, CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS, workers));
            }
        }
        return CompletableFuture.supplyAsync(work, workers);
    }

    private List<ProducerRecord<String, byte[]>> decide(ConsumerRecord<String, byte[]> record, DueTask task, int attempt,
            int firstAttempt) {
        DraftOutcome outcome = drafting.draft(task);
        if (outcome instanceof DraftOutcome.Terminal t) {
            // a line per drafted task was most of a worker's time at a few thousand tasks a second (the receipt and
            // the metrics are the record of success): successes at DEBUG, like the scheduler's task.emitted
            boolean routine = t.status() == ReceiptStatus.DRAFTED || t.status() == ReceiptStatus.SENT
                    || t.status() == ReceiptStatus.SKIPPED;
            log.atLevel(routine ? Level.DEBUG : Level.INFO)
                    .log("event=task.{} taskId={} tenant={} channel={} attempt={} provider={}{}", eventOf(t.status()),
                    task.getTaskId(), task.getTenantId(), channel, attempt, t.provider(),
                    t.error() == null ? "" : " error=\"" + t.error() + "\"");
            return List.of(receipt(task, attempt, t.status(), t.provider(), t.providerRef(), t.link(), t.error()));
        }
        return retryOrDead(record, task, attempt, firstAttempt, (DraftOutcome.Retriable) outcome);
    }

    private List<ProducerRecord<String, byte[]>> retryOrDead(ConsumerRecord<String, byte[]> record, DueTask task,
            int attempt, int firstAttempt, DraftOutcome.Retriable failure) {
        RetryPolicy policy = policyOf(task);
        if (policy.allowsRetryAfter(attempt, firstAttempt)) {
            Instant notBefore = policy.nextTryAt(clock.instant(), attempt, firstAttempt);
            meters.counter("followup.executor.retries", "channel", channel.name()).increment();
            log.info("event=task.retry-scheduled taskId={} tenant={} channel={} attempt={} nextAttempt={} notBefore={} error=\"{}\"",
                    task.getTaskId(), task.getTenantId(), channel, attempt, attempt + 1, notBefore, failure.error());
            Headers headers = sourceHeaders(record);
            headers.add(ATTEMPT, bytes(attempt + 1));
            headers.add(FIRST_ATTEMPT, bytes(firstAttempt));
            headers.add(NOT_BEFORE, bytes(notBefore.toEpochMilli()));
            headers.add(ERROR, bytes(failure.error()));
            return List.of(new ProducerRecord<>(retryTopic, null, record.key(), record.value(), headers));
        }
        String error = "gave up after " + (attempt - firstAttempt + 1) + " attempt(s): " + failure.error();
        meters.counter("followup.executor.dlq", "channel", channel.name(), "reason", "retries-exhausted").increment();
        log.warn("event=task.dead taskId={} tenant={} channel={} attempt={} provider={} error=\"{}\"", task.getTaskId(),
                task.getTenantId(), channel, attempt, failure.provider(), error);
        return List.of(receipt(task, attempt, ReceiptStatus.DEAD, failure.provider(), null, null, error),
                deadLetter(record, failure.error(), failure.errorClass(), attempt - firstAttempt + 1));
    }

    private RetryPolicy policyOf(DueTask task) {
        ChannelSettings tenant = settings.settingsOf(task.getTenantId()).getChannels().get(channel.name());
        try {
            return RetryPolicy.of(tenant, channelDefaults.maxAttempts(), channelDefaults.initialBackoff());
        } catch (IllegalArgumentException e) {
            log.warn("event=tenant-settings.invalid tenant={} channel={} error=\"{}\" using=channel-defaults",
                    task.getTenantId(), channel, e.getMessage());
            return channelDefaults;
        }
    }

    private ProducerRecord<String, byte[]> receipt(DueTask task, int attempt, ReceiptStatus status, String provider,
            String providerRef, String link, String error) {
        Instant completedAt = clock.instant();
        Receipt receipt = Receipt.newBuilder()
                .setReceiptId(task.getTaskId() + "-" + attempt)
                .setTaskId(task.getTaskId())
                .setTenantId(task.getTenantId())
                .setLeadId(task.getLeadId())
                .setChannel(task.getChannel())
                .setStatus(status)
                .setProvider(provider)
                .setProviderRef(providerRef)
                .setLink(link)
                .setAttempt(attempt)
                .setDueAt(task.getDueAt())
                .setEmittedAt(task.getEmittedAt())
                .setCompletedAt(completedAt)
                .setLatencyMs(completedAt.toEpochMilli() - task.getDueAt().toEpochMilli())
                .setError(error)
                .build();
        meters.counter("followup.executor.receipts", "channel", channel.name(), "status", status.name()).increment();
        String key = LeadKey.of(task.getTenantId(), task.getLeadId()).toString();
        return new ProducerRecord<>(Topics.RECEIPTS, key, receipts.serialize(Topics.RECEIPTS, receipt));
    }

    private ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, String error, String errorClass,
            int attempts) {
        Headers headers = sourceHeaders(record);
        headers.add(ERROR, bytes(error == null ? "" : error));
        headers.add(ERROR_CLASS, bytes(errorClass));
        headers.add(ATTEMPTS, bytes(attempts));
        return new ProducerRecord<>(Topics.dlq(dueTopic), null, record.key(), record.value(), headers);
    }

    private ProducerRecord<String, byte[]> requeue(ConsumerRecord<String, byte[]> record) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h);
        }
        return new ProducerRecord<>(retryTopic, null, record.key(), record.value(), headers);
    }

    /** Where the task first arrived: kept from the retry record's headers, else this record itself. */
    private Headers sourceHeaders(ConsumerRecord<String, byte[]> record) {
        RecordHeaders headers = new RecordHeaders();
        if (record.headers().lastHeader(SOURCE_TOPIC) != null) {
            for (String name : new String[] {SOURCE_TOPIC, SOURCE_PARTITION, SOURCE_OFFSET}) {
                Header h = record.headers().lastHeader(name);
                if (h != null) {
                    headers.add(name, h.value());
                }
            }
        } else {
            headers.add(SOURCE_TOPIC, bytes(record.topic()));
            headers.add(SOURCE_PARTITION, bytes(record.partition()));
            headers.add(SOURCE_OFFSET, bytes(record.offset()));
        }
        return headers;
    }

    private static String eventOf(ReceiptStatus status) {
        return switch (status) {
            case DRAFTED -> "drafted";
            case SENT -> "sent";
            case SKIPPED -> "skipped";
            case FAILED -> "failed";
            case DEAD -> "dead";
        };
    }

    private static int intHeader(ConsumerRecord<String, byte[]> record, String name, int fallback) {
        return (int) longHeader(record, name, fallback);
    }

    private static long longHeader(ConsumerRecord<String, byte[]> record, String name, long fallback) {
        Header h = record.headers().lastHeader(name);
        if (h == null || h.value() == null) {
            return fallback;
        }
        try {
            return Long.parseLong(new String(h.value(), StandardCharsets.UTF_8).strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static byte[] bytes(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }
}
