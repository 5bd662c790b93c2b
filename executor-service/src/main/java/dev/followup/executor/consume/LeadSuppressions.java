package dev.followup.executor.consume;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadErased;
import dev.followup.events.v1.LeadEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The leads whose tasks get no draft any more: erased ({@code LeadErased}) or opted out
 * ({@code LeadEngaged{OPTED_OUT}}), read from {@code followup.lead-events.v1} by a consumer of its own without a group
 * (every instance reads every partition), like {@code CompactedTopicView} reads settings; unlike that view it does not
 * read from the beginning (the lead-events topic is not compacted and grows for ever).
 *
 * <p><b>Bounded by a time horizon.</b> Only records whose Kafka timestamp is within {@code horizon} of now count: the
 * read starts at {@code offsetsForTimes(now - horizon)}, older records are ignored, and entries older than the horizon
 * are dropped (swept every {@link #sweepInterval}, and never answered). It therefore holds at most one entry per lead
 * erased or opted out within the horizon (a lead's repeated events share its entry), about 100 bytes each. The
 * horizon must exceed how long a task can stay in flight: due-task lag plus the longest retry backoff.
 *
 * <p>{@link #current} is false until the read has caught up with the topic's end as of its start, and from a
 * consumer failure until the next read has (it restarts after 1 s, doubling to 30 s): the listeners hold their tasks
 * meanwhile. Entries read before a failure stay: lead events never lift a suppression.
 */
public final class LeadSuppressions implements SmartLifecycle {

    /** Why a lead gets no drafts; the text is the receipt's error. */
    public enum Reason {
        OPTED_OUT("lead opted out"), ERASED("lead erased");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private record Entry(Reason reason, long at) {
    }

    static final Duration RESTART_PAUSE = Duration.ofSeconds(1);
    static final Duration MAX_RESTART_PAUSE = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(LeadSuppressions.class);

    private final String topic;
    private final Duration horizon;
    private final Duration sweepInterval;
    private final Clock clock;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Entry> byLead = new ConcurrentHashMap<>();
    private final Counter rejected;
    private final Counter skipped;
    private volatile BiConsumer<String, String> onErased = (tenant, lead) -> { };
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean current;

    public LeadSuppressions(Map<String, Object> baseConsumerConfig, Duration horizon, Clock clock, MeterRegistry meters) {
        this(Topics.LEAD_EVENTS, baseConsumerConfig, horizon, clock, meters);
    }

    LeadSuppressions(String topic, Map<String, Object> baseConsumerConfig, Duration horizon, Clock clock,
            MeterRegistry meters) {
        this.topic = topic;
        this.horizon = horizon;
        this.sweepInterval = horizon.dividedBy(10).compareTo(Duration.ofMinutes(1)) < 0 ? horizon.dividedBy(10)
                : Duration.ofMinutes(1);
        this.clock = clock;
        Map<String, Object> config = new HashMap<>(baseConsumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "followup-executor-lead-suppressions");
        this.consumerConfig = config;
        this.rejected = meters.counter("followup.executor.lead-events.rejected");
        this.skipped = meters.counter("followup.executor.lead-events.skipped");
        meters.gauge("followup.executor.suppressions", byLead, Map::size);
    }

    /** Told of each erasure the first time this instance reads it (on the view's thread: hand the work off). */
    public void onErased(BiConsumer<String, String> listener) {
        this.onErased = listener;
    }

    /** Why the lead gets no drafts, if it was erased or opted out within the horizon. */
    public Optional<Reason> of(String tenantId, String leadId) {
        Entry e = byLead.get(tenantId + ":" + leadId);
        return e == null || e.at() < cutoff() ? Optional.empty() : Optional.of(e.reason());
    }

    /** Entries held (the bound: leads erased or opted out within the horizon). */
    public int size() {
        return byLead.size();
    }

    /** Whether the view has read everything present when its current read started. */
    public boolean current() {
        return current;
    }

    @Override
    public void start() {
        running = true;
        Thread t = new Thread(this::run, "lead-suppressions");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
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
        return Integer.MAX_VALUE - 200; // before the channel listeners
    }

    private long cutoff() {
        return clock.millis() - horizon.toMillis();
    }

    private void run() {
        AvroDeserializer<LeadEvent> events = new AvroDeserializer<>(LeadEvent.class);
        Duration pause = RESTART_PAUSE;
        while (running) {
            KafkaConsumer<String, byte[]> c = null;
            try {
                c = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
                consumer = c;
                read(c, events);
            } catch (WakeupException e) {
                // stopping
            } catch (RuntimeException e) {
                if (current) {
                    pause = RESTART_PAUSE;
                }
                current = false;
                if (running) {
                    log.atWarn().setMessage("lead-suppressions.restarting").addKeyValue("error", e.toString())
                            .addKeyValue("retryInMs", pause.toMillis()).log();
                    try {
                        Thread.sleep(pause.toMillis());
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        running = false;
                    }
                    pause = pause.multipliedBy(2).compareTo(MAX_RESTART_PAUSE) > 0 ? MAX_RESTART_PAUSE
                            : pause.multipliedBy(2);
                }
            } finally {
                if (c != null) {
                    c.close(Duration.ofSeconds(5));
                }
            }
        }
    }

    private void read(KafkaConsumer<String, byte[]> c, AvroDeserializer<LeadEvent> events) {
        List<TopicPartition> partitions = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions (not created yet?)");
        }
        c.assign(partitions);
        // the end first: a partition without records since the cutoff starts there, and what is written after this
        // call lies beyond it
        Map<TopicPartition, Long> end = c.endOffsets(partitions);
        long from = cutoff();
        Map<TopicPartition, OffsetAndTimestamp> start = c.offsetsForTimes(
                partitions.stream().collect(Collectors.toMap(p -> p, p -> from)));
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = start.get(tp);
            c.seek(tp, at != null ? at.offset() : end.get(tp));
        }
        log.atInfo().setMessage("lead-suppressions.started").addKeyValue("partitions", partitions.size())
                .addKeyValue("horizon", horizon).log();
        long nextSweep = clock.millis() + sweepInterval.toMillis();
        while (running) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                apply(r, events);
            }
            if (!current && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                current = true;
                log.atInfo().setMessage("lead-suppressions.caught-up").addKeyValue("leads", byLead.size()).log();
            }
            long now = clock.millis();
            if (now >= nextSweep) {
                long cut = cutoff();
                byLead.values().removeIf(e -> e.at() < cut);
                nextSweep = now + sweepInterval.toMillis();
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r, AvroDeserializer<LeadEvent> events) {
        if (r.key() == null || r.value() == null || r.timestamp() < cutoff()) {
            return;
        }
        LeadEvent event;
        try {
            event = events.deserialize(r.topic(), r.value());
        } catch (SerializationException e) {
            skipped.increment(); // the scheduler dead-letters it; it holds no erasure the executor could honour
            return;
        }
        Reason reason = event.getPayload() instanceof LeadErased ? Reason.ERASED
                : event.getPayload() instanceof LeadEngaged engaged && engaged.getKind() == EngagementKind.OPTED_OUT
                        ? Reason.OPTED_OUT : null;
        if (reason == null) {
            return;
        }
        String key;
        try {
            key = LeadKey.of(event.getTenantId(), event.getLeadId()).toString();
        } catch (IllegalArgumentException e) {
            key = null;
        }
        if (key == null || !key.equals(r.key())) {
            // an erasure deletes drafts: a record keyed for one lead must not act on another's
            rejected.increment();
            log.atWarn().setMessage("lead-suppressions.rejected").addKeyValue("partition", r.partition())
                    .addKeyValue("offset", r.offset()).addKeyValue("reason", "key does not name the value's lead")
                    .log();
            return;
        }
        Entry fresh = new Entry(reason, r.timestamp());
        Entry before = byLead.get(key);
        // erasure outranks opt-out; the latest time keeps the entry longest
        Entry merged = before == null ? fresh : new Entry(before.reason() == Reason.ERASED ? Reason.ERASED : reason,
                Math.max(before.at(), fresh.at()));
        byLead.put(key, merged);
        if (before == null || before.reason() != merged.reason()) {
            log.atInfo().setMessage("lead.suppressed").addKeyValue("tenant", event.getTenantId())
                    .addKeyValue("lead", event.getLeadId()).addKeyValue("reason", merged.reason()).log();
            if (merged.reason() == Reason.ERASED) {
                onErased.accept(event.getTenantId(), event.getLeadId());
            }
        }
    }
}
