package dev.followup.executor.inbox;

import dev.followup.events.v1.DueTask;
import dev.followup.executor.consume.LeadSuppressions;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The email drafts made within the horizon, by task and by recipient, so the watcher can tell which lead a reply,
 * bounce or auto-reply is about. Written by the executor with each {@code DRAFTED} email receipt, in the same
 * transaction ({@link #entriesOf}), to the compacted {@link InboxTopics#DRAFTS} with a retention of the horizon; read
 * here like {@code LeadSuppressions} reads lead events: every partition, no group, from {@code now - horizon},
 * entries older than the horizon dropped. Keys are {@code <tenant>:t:<taskId>} and
 * {@code <tenant>:a:<hex SHA-256 of the lower-cased address>}: the address itself is never stored. An erased lead's
 * entries are never answered ({@link LeadSuppressions}).
 */
public final class DraftIndex implements SmartLifecycle, MessageClassifier.Drafts {

    private static final Logger log = LoggerFactory.getLogger(DraftIndex.class);

    private record Entry(String value, long at) {
    }

    private final Duration horizon;
    private final Clock clock;
    private final LeadSuppressions suppressions;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile KafkaConsumer<String, String> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean current;
    /** Wall-clock millis at the start of the last poll after which nothing was left to read. */
    private volatile long upToDateAsOf;

    public DraftIndex(Map<String, Object> baseConsumerConfig, Duration horizon, LeadSuppressions suppressions,
            Clock clock, MeterRegistry meters) {
        this.horizon = horizon;
        this.clock = clock;
        this.suppressions = suppressions;
        Map<String, Object> config = new HashMap<>(baseConsumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "followup-executor-draft-index");
        this.consumerConfig = config;
        meters.gauge("followup.inbox.draft-index", entries, Map::size);
    }

    /** The index records of an email task drafted on try {@code attempt}: by task, and by recipient if it has one. */
    public static List<ProducerRecord<String, byte[]>> entriesOf(DueTask task, int attempt) {
        String zone = task.getContact() == null ? null : task.getContact().getTimezone();
        ZoneId zoneId = null;
        try {
            zoneId = zone == null || zone.isBlank() ? null : ZoneId.of(zone);
        } catch (RuntimeException e) {
            // an invalid zone was already handled (or refused) by the scheduler; the tenant's zone is used instead
        }
        byte[] value = new DraftRef(task.getTenantId(), task.getLeadId(), task.getTaskId(), task.getDueAt(),
                task.getEmittedAt(), attempt, zoneId).encode().getBytes(StandardCharsets.UTF_8);
        String email = task.getContact() == null ? null : task.getContact().getEmail();
        ProducerRecord<String, byte[]> byTask = new ProducerRecord<>(InboxTopics.DRAFTS, taskKey(task.getTenantId(),
                task.getTaskId()), value);
        return email == null || email.isBlank() ? List.of(byTask)
                : List.of(byTask, new ProducerRecord<>(InboxTopics.DRAFTS, addressKey(task.getTenantId(), email), value));
    }

    static String taskKey(String tenantId, String taskId) {
        return tenantId + ":t:" + taskId;
    }

    static String addressKey(String tenantId, String address) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(address.strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return tenantId + ":a:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tenant's draft of the task, if made within the horizon and its lead is not erased. */
    @Override
    public Optional<DraftRef> byTask(String tenantId, String taskId) {
        return lookup(tenantId, taskKey(tenantId, taskId));
    }

    /** The tenant's latest draft to the address, if made within the horizon and its lead is not erased. */
    @Override
    public Optional<DraftRef> byAddress(String tenantId, String address) {
        return address == null || address.isBlank() ? Optional.empty() : lookup(tenantId, addressKey(tenantId, address));
    }

    private Optional<DraftRef> lookup(String tenantId, String key) {
        Entry e = entries.get(key);
        if (e == null || e.at() < cutoff()) {
            return Optional.empty();
        }
        DraftRef ref = DraftRef.decode(tenantId, e.value());
        if (ref == null || suppressions.of(tenantId, ref.leadId()).filter(r -> r == LeadSuppressions.Reason.ERASED)
                .isPresent()) {
            return Optional.empty();
        }
        return Optional.of(ref);
    }

    /** Whether the index has read what existed when its read started. */
    public boolean current() {
        return current;
    }

    /**
     * Whether everything committed to the index before {@code instant} has been read: the watcher waits for it before
     * classifying, so a reply to a draft made a moment ago finds it.
     */
    public boolean readPast(Instant instant) {
        return current && upToDateAsOf >= instant.toEpochMilli();
    }

    public int size() {
        return entries.size();
    }

    @Override
    public void start() {
        running = true;
        Thread t = new Thread(this::run, "inbox-draft-index");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 200; // before the watchers
    }

    private long cutoff() {
        return clock.millis() - horizon.toMillis();
    }

    private void run() {
        long pause = 1_000;
        while (running) {
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                    new StringDeserializer())) {
                consumer = c;
                read(c);
            } catch (WakeupException e) {
                // stopping
            } catch (RuntimeException e) {
                current = false;
                if (running) {
                    log.atWarn().setMessage("inbox.draft-index.restarting").addKeyValue("error", e.toString())
                            .addKeyValue("retryInMs", pause).log();
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        running = false;
                    }
                    pause = Math.min(30_000, pause * 2);
                }
            }
        }
    }

    private void read(KafkaConsumer<String, String> c) {
        String topic = InboxTopics.DRAFTS;
        List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions (not created yet?)");
        }
        c.assign(partitions);
        Map<TopicPartition, Long> end = c.endOffsets(partitions);
        long from = cutoff();
        Map<TopicPartition, OffsetAndTimestamp> start = c.offsetsForTimes(
                partitions.stream().collect(Collectors.toMap(p -> p, p -> from)));
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = start.get(tp);
            c.seek(tp, at != null ? at.offset() : end.get(tp));
        }
        long nextSweep = clock.millis() + 60_000;
        while (running) {
            long pollStart = clock.millis();
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                if (r.key() == null || r.timestamp() < cutoff()) {
                    continue;
                }
                if (r.value() == null) {
                    entries.remove(r.key());
                } else {
                    entries.put(r.key(), new Entry(r.value(), r.timestamp()));
                }
            }
            if (!current && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                current = true;
                log.atInfo().setMessage("inbox.draft-index.caught-up").addKeyValue("entries", entries.size()).log();
            }
            if (current && partitions.stream().allMatch(tp -> c.currentLag(tp).orElse(1) == 0)) {
                upToDateAsOf = pollStart;
            }
            long now = clock.millis();
            if (now >= nextSweep) {
                long cut = cutoff();
                entries.values().removeIf(e -> e.at() < cut);
                nextSweep = now + 60_000;
            }
        }
    }
}
