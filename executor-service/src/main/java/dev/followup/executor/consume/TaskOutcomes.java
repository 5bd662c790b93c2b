package dev.followup.executor.consume;

import static dev.followup.events.DeadLetterHeaders.ATTEMPTS;
import static dev.followup.events.DeadLetterHeaders.ERROR;
import static dev.followup.events.DeadLetterHeaders.ERROR_CLASS;
import static dev.followup.events.DeadLetterHeaders.SOURCE_OFFSET;
import static dev.followup.events.DeadLetterHeaders.SOURCE_PARTITION;
import static dev.followup.events.DeadLetterHeaders.SOURCE_TOPIC;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.executor.inbox.DraftIndex;
import dev.followup.executor.policy.RetryPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * What a try of a channel's task comes to, as the records to publish: a receipt for a terminal outcome, the task on
 * the channel's retry topic (with a not-before time) for a retriable failure, or a DEAD receipt plus the original
 * record on the DLQ when the tries are used up. Counted and logged here, for due tasks and retries alike.
 */
public final class TaskOutcomes {

    /** The executor's retry headers: the next try's number, the first try's, and when it may run (epoch millis). */
    static final String ATTEMPT = "followup.attempt";
    static final String FIRST_ATTEMPT = "followup.first-attempt";
    static final String NOT_BEFORE = "followup.not-before";

    private static final Logger log = LoggerFactory.getLogger(TaskOutcomes.class);

    private final Channel channel;
    private final String dueTopic;
    private final String retryTopic;
    private final TenantSettingsView settings;
    private final RetryPolicy channelDefaults;
    private final Clock clock;
    private final MeterRegistry meters;
    private final AvroSerializer<Receipt> receipts = new AvroSerializer<>(Receipt.class);

    public TaskOutcomes(Channel channel, TenantSettingsView settings, RetryPolicy channelDefaults, Clock clock,
            MeterRegistry meters) {
        this.channel = channel;
        this.dueTopic = Topics.dueTasks(channel);
        this.retryTopic = RetryTaskHandler.retryTopicOf(channel);
        this.settings = settings;
        this.channelDefaults = channelDefaults;
        this.clock = clock;
        this.meters = meters;
    }

    /** A record that holds no task of this channel: straight to the DLQ. */
    ProducerRecord<String, byte[]> undecodable(ConsumerRecord<String, byte[]> record, SerializationException e) {
        meters.counter("followup.executor.dlq", "channel", channel.name(), "reason", "undecodable").increment();
        log.atWarn().setMessage("task.dead-lettered").addKeyValue("channel", channel)
                .addKeyValue("topic", record.topic()).addKeyValue("partition", record.partition())
                .addKeyValue("offset", record.offset()).addKeyValue("error", e.getMessage()).log();
        return deadLetter(record, e.getMessage(), e.getClass().getName(), 0);
    }

    /** The records for what try {@code attempt} of {@code task} came to. */
    List<ProducerRecord<String, byte[]>> of(ConsumerRecord<String, byte[]> record, DueTask task, int attempt,
            int firstAttempt, DraftOutcome outcome) {
        if (outcome instanceof DraftOutcome.Terminal t) {
            // a line per drafted task was most of a worker's time at a few thousand tasks a second (the receipt and
            // the metrics are the record of success): successes at DEBUG, like the scheduler's task.emitted
            boolean routine = t.status() == ReceiptStatus.DRAFTED || t.status() == ReceiptStatus.SENT
                    || t.status() == ReceiptStatus.SKIPPED;
            LoggingEventBuilder line = log.atLevel(routine ? Level.DEBUG : Level.INFO).setMessage(eventOf(t.status()))
                    .addKeyValue("taskId", task.getTaskId()).addKeyValue("tenant", task.getTenantId())
                    .addKeyValue("channel", channel).addKeyValue("attempt", attempt)
                    .addKeyValue("provider", t.provider());
            if (t.error() != null) {
                line = line.addKeyValue("error", t.error());
            }
            line.log();
            ProducerRecord<String, byte[]> receipt = receipt(task, attempt, t.status(), t.provider(), t.providerRef(),
                    t.link(), t.error());
            if (channel == Channel.EMAIL && t.status() == ReceiptStatus.DRAFTED
                    && ("imap".equals(t.provider()) || "maildir".equals(t.provider()))) {
                // the inbox watcher recognises replies, bounces and sent drafts by these (same transaction)
                List<ProducerRecord<String, byte[]>> records = new java.util.ArrayList<>(DraftIndex.entriesOf(task, attempt));
                records.add(receipt);
                return records;
            }
            return List.of(receipt);
        }
        return retryOrDead(record, task, attempt, firstAttempt, (DraftOutcome.Retriable) outcome);
    }

    /**
     * An unexpected failure of a try: a retry, or, when not even that can be built, the task parked on the DLQ
     * rather than holding its partition.
     */
    List<ProducerRecord<String, byte[]>> failed(ConsumerRecord<String, byte[]> record, DueTask task, int attempt,
            int firstAttempt, RuntimeException e) {
        try {
            return retryOrDead(record, task, attempt, firstAttempt,
                    new DraftOutcome.Retriable("none", e.toString(), e.getClass().getName()));
        } catch (RuntimeException again) {
            meters.counter("followup.executor.dlq", "channel", channel.name(), "reason", "unhandled").increment();
            log.atError().setMessage("task.dead-lettered").addKeyValue("taskId", task.getTaskId())
                    .addKeyValue("tenant", task.getTenantId()).addKeyValue("channel", channel)
                    .addKeyValue("attempt", attempt).addKeyValue("error", again.toString()).log();
            return List.of(deadLetter(record, again.toString(), again.getClass().getName(), attempt - firstAttempt + 1));
        }
    }

    private List<ProducerRecord<String, byte[]>> retryOrDead(ConsumerRecord<String, byte[]> record, DueTask task,
            int attempt, int firstAttempt, DraftOutcome.Retriable failure) {
        RetryPolicy policy = policyOf(task);
        if (policy.allowsRetryAfter(attempt, firstAttempt)) {
            Instant notBefore = policy.nextTryAt(clock.instant(), attempt, firstAttempt);
            meters.counter("followup.executor.retries", "channel", channel.name()).increment();
            log.atInfo().setMessage("task.retry-scheduled").addKeyValue("taskId", task.getTaskId())
                    .addKeyValue("tenant", task.getTenantId()).addKeyValue("channel", channel)
                    .addKeyValue("attempt", attempt).addKeyValue("nextAttempt", attempt + 1)
                    .addKeyValue("notBefore", notBefore).addKeyValue("error", failure.error()).log();
            Headers headers = sourceHeaders(record);
            headers.add(ATTEMPT, bytes(attempt + 1));
            headers.add(FIRST_ATTEMPT, bytes(firstAttempt));
            headers.add(NOT_BEFORE, bytes(notBefore.toEpochMilli()));
            headers.add(ERROR, bytes(failure.error()));
            return List.of(new ProducerRecord<>(retryTopic, null, record.key(), record.value(), headers));
        }
        String error = "gave up after " + (attempt - firstAttempt + 1) + " attempt(s): " + failure.error();
        meters.counter("followup.executor.dlq", "channel", channel.name(), "reason", "retries-exhausted").increment();
        log.atWarn().setMessage("task.dead").addKeyValue("taskId", task.getTaskId())
                .addKeyValue("tenant", task.getTenantId()).addKeyValue("channel", channel)
                .addKeyValue("attempt", attempt).addKeyValue("provider", failure.provider())
                .addKeyValue("error", error).log();
        return List.of(receipt(task, attempt, ReceiptStatus.DEAD, failure.provider(), null, null, error),
                deadLetter(record, failure.error(), failure.errorClass(), attempt - firstAttempt + 1));
    }

    private RetryPolicy policyOf(DueTask task) {
        ChannelSettings tenant = settings.settingsOf(task.getTenantId()).getChannels().get(channel.name());
        try {
            return RetryPolicy.of(tenant, channelDefaults.maxAttempts(), channelDefaults.initialBackoff());
        } catch (IllegalArgumentException e) {
            log.atWarn().setMessage("tenant-settings.invalid").addKeyValue("tenant", task.getTenantId())
                    .addKeyValue("channel", channel).addKeyValue("error", e.getMessage())
                    .addKeyValue("using", "channel-defaults").log();
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
            case DRAFTED -> "task.drafted";
            case SENT -> "task.sent";
            case SKIPPED -> "task.skipped";
            case FAILED -> "task.failed";
            case DEAD -> "task.dead";
        };
    }

    static int intHeader(ConsumerRecord<String, byte[]> record, String name, int fallback) {
        return (int) longHeader(record, name, fallback);
    }

    static long longHeader(ConsumerRecord<String, byte[]> record, String name, long fallback) {
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
