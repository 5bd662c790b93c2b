package dev.followup.executor.consume;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * One Kafka consumer of a task topic (a channel's due-task or retry topic) on a thread of its own, pipelined: it
 * keeps polling while earlier tasks are still being drafted on the worker pool, so an instance drafts as many tasks
 * of a channel at once as its pool has threads, whatever the partition count, and no task waits for another to
 * start. Every {@link #COMMIT_INTERVAL} it commits, in one Kafka transaction, the records of the tasks finished in
 * offset order (receipts, retries, dead letters) together with their offsets ({@link InFlightTasks}), so a receipt
 * becomes visible exactly when its task's offset is committed.
 *
 * <ul>
 * <li>Back-pressure: with {@code maxInFlight} tasks running, or {@code maxUncommitted} held since the last commit
 *     (running or finished), it pauses its partitions and goes on polling (the group never waits for it) until
 *     tasks finish or commit.
 * <li>A failed transaction (broker trouble, fencing after a lost partition) or any unexpected error: the producer is
 *     replaced, the unfinished tasks are forgotten and every partition is rewound to its last committed offset,
 *     after a backoff (0.5 s doubling to 30 s, never giving up). Providers are idempotent by task id, so a task
 *     drafted again makes no second draft.
 * <li>Inputs not current (the tenant-settings or lead-suppression view behind after startup or an error): it
 *     takes no new tasks, seeks back to the records polled meanwhile and pauses its partitions until they are.
 * <li>Revoked partitions and shutdown: their tasks get up to {@code drainTimeout} to finish and are committed; the
 *     rest is cancelled (not started: never calls the provider) and redelivered to the next owner.
 * </ul>
 */
final class TaskTopicConsumer implements Runnable {

    static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
    /** Transactions are per batch of finished tasks, not per task: a few per second whatever the throughput. */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);
    static final int UNCOMMITTED_PER_SLOT = 16;
    static final int MIN_UNCOMMITTED = 1_000;

    private static final Logger log = LoggerFactory.getLogger(TaskTopicConsumer.class);

    private final String group;
    private final String topic;
    private final TaskHandler handler;
    private final BooleanSupplier inputsCurrent;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Object> producerConfig;
    private final int maxInFlight;
    /**
     * Most tasks held between two commits, running or finished: finished tasks wait for the next commit (and behind a
     * slow task of their partition), so bounding only the running ones would let them pile up, and bounding both by
     * {@code maxInFlight} capped throughput at {@code maxInFlight} per commit cycle (~4,700 tasks/s at 256).
     */
    private final int maxUncommitted;
    private final Duration drainTimeout;
    private final ExponentialBackOff backOff = new ExponentialBackOff(500, 2);
    private final InFlightTasks inFlight = new InFlightTasks();
    /** Per partition consumed since assignment: where to seek back to on a rewind (the last committed offset). */
    private final Map<TopicPartition, Long> rewindTo = new HashMap<>();
    private final Set<TopicPartition> owned = new HashSet<>();

    private KafkaProducer<String, byte[]> producer;
    private BackOffExecution failures;
    private boolean recovering;
    private long resumeAt;
    private long lastCommit = System.nanoTime();
    private boolean holding;
    private volatile boolean running = true;
    private volatile boolean joined;
    private volatile int partitions;
    private volatile int inFlightNow;

    /**
     * @param consumerConfig  Kafka consumer settings (group, client id and offsets handling are set here)
     * @param producerConfig  Kafka producer settings, with a {@code transactional.id} unique to this consumer
     */
    TaskTopicConsumer(String group, String topic, TaskHandler handler, BooleanSupplier inputsCurrent,
            Map<String, Object> consumerConfig, Map<String, Object> producerConfig, int maxInFlight,
            Duration drainTimeout, MeterRegistry meters) {
        this.group = group;
        this.topic = topic;
        this.handler = handler;
        this.inputsCurrent = inputsCurrent;
        this.maxInFlight = maxInFlight;
        this.maxUncommitted = Math.max(UNCOMMITTED_PER_SLOT * maxInFlight, MIN_UNCOMMITTED);
        this.drainTimeout = drainTimeout;
        this.producerConfig = Map.copyOf(producerConfig);
        if (!this.producerConfig.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) {
            throw new IllegalArgumentException("the producer of consumer group " + group + " needs a transactional.id");
        }
        backOff.setMaxInterval(30_000);
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // a poll adds at most this many tasks beyond maxInFlight
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(500, maxInFlight / 2)));
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        meters.gauge("followup.executor.in-flight", Tags.of("channel", handler.channel().name(),
                "mode", handler.mode().name().toLowerCase(Locale.ROOT)), this, c -> c.inFlightNow);
    }

    String group() {
        return group;
    }

    /** Whether it has had an assignment since it started (an instance beyond the partition count holds none). */
    boolean joined() {
        return joined;
    }

    int partitions() {
        return partitions;
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running) {
                step();
            }
            drain(Set.copyOf(owned));
        } catch (RuntimeException e) {
            log.atError().setMessage("consumer.stopped-on-error").addKeyValue("group", group)
                    .addKeyValue("error", e.toString()).setCause(e).log();
        } finally {
            try {
                consumer.close(Duration.ofSeconds(10)); // leaves the group; revocation finds nothing left in flight
            } catch (RuntimeException e) {
                log.atWarn().setMessage("consumer.close-failed").addKeyValue("group", group)
                        .addKeyValue("error", e.toString()).log();
            }
            closeProducer();
            log.atInfo().setMessage("consumer.stopped").addKeyValue("group", group).log();
        }
    }

    /** Asks the loop to finish: it stops polling, drains what is in flight (bounded) and commits. */
    void stop() {
        running = false;
        consumer.wakeup();
    }

    private void step() {
        try {
            ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout());
            for (ConsumerRecord<String, byte[]> record : records) {
                rewindTo.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.offset());
            }
            if (recovering) {
                if (System.nanoTime() - resumeAt < 0) {
                    consumer.pause(consumer.assignment());
                    return;
                }
                rewind(); // what this poll returned is polled again from there
            } else {
                hold(!inputsCurrent.getAsBoolean());
                if (holding) {
                    for (TopicPartition partition : records.partitions()) {
                        consumer.seek(partition, records.records(partition).get(0).offset()); // polled again later
                    }
                } else {
                    for (ConsumerRecord<String, byte[]> record : records) {
                        inFlight.add(new TopicPartition(record.topic(), record.partition()), record.offset(),
                                handler.handle(record));
                    }
                }
                if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL.toNanos()) {
                    commitDone();
                }
            }
            holdOrResume();
        } catch (WakeupException e) {
            // stop(): the loop ends
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false; // the thread is being stopped: drain and close as stop() does
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /**
     * How long the next poll may block. Paused for back-pressure, a poll returns nothing, so a full poll timeout would
     * idle the consumer while workers are free: paused at {@code maxInFlight} running tasks, it waits for a worker
     * instead (the poll then does not block); paused at {@code maxUncommitted} held, until the next commit.
     * (A poll timeout of 50 ms per pause capped an instance at about {@code maxInFlight} tasks per 50 ms.)
     */
    private Duration pollTimeout() throws InterruptedException {
        if (recovering || consumer.paused().isEmpty()) {
            return POLL_TIMEOUT;
        }
        if (inFlight.running() >= maxInFlight) {
            inFlight.awaitRunningBelow(maxInFlight, POLL_TIMEOUT);
            return Duration.ZERO;
        }
        long untilCommit = COMMIT_INTERVAL.toNanos() - (System.nanoTime() - lastCommit);
        return Duration.ofNanos(Math.max(0, Math.min(untilCommit, POLL_TIMEOUT.toNanos())));
    }

    private void holdOrResume() {
        inFlightNow = inFlight.size();
        if (holding || inFlight.running() >= maxInFlight || inFlight.size() >= maxUncommitted) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private void hold(boolean hold) {
        if (hold != holding) {
            holding = hold;
            log.atInfo().setMessage(hold ? "listener.holding" : "listener.resumed").addKeyValue("group", group)
                    .addKeyValue("reason", "tenant settings or lead suppressions not caught up").log();
        }
    }

    /** Publishes the finished tasks' records and commits their offsets, in one transaction. */
    private void commitDone() {
        lastCommit = System.nanoTime();
        InFlightTasks.Done done = inFlight.takeDone();
        inFlightNow = inFlight.size();
        if (done.tasks() == 0) {
            return;
        }
        KafkaProducer<String, byte[]> p = producer();
        try {
            p.beginTransaction();
            for (ProducerRecord<String, byte[]> out : done.outputs()) {
                p.send(out);
            }
            p.sendOffsetsToTransaction(done.offsets(), consumer.groupMetadata());
            p.commitTransaction();
        } catch (RuntimeException e) {
            closeProducer(); // its successor (same transactional id) aborts whatever this one left open
            throw e;
        }
        done.offsets().forEach((partition, offset) -> rewindTo.put(partition, offset.offset()));
        failures = null;
        log.atDebug().setMessage("tasks.committed").addKeyValue("group", group).addKeyValue("tasks", done.tasks())
                .addKeyValue("records", done.outputs().size()).addKeyValue("inFlight", inFlight.size()).log();
    }

    private void fail(RuntimeException e) {
        if (failures == null) {
            failures = backOff.start();
        }
        long waitMs = failures.nextBackOff();
        log.atError().setMessage("consumer.rewinding").addKeyValue("group", group).addKeyValue("error", e.toString())
                .addKeyValue("retryInMs", waitMs).setCause(e).log();
        inFlight.forgetAll();
        inFlightNow = 0;
        closeProducer();
        recovering = true;
        resumeAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        consumer.pause(consumer.assignment());
    }

    /** Seeks every partition consumed since the last commit back to it; the others have not moved. */
    private void rewind() {
        for (TopicPartition partition : consumer.assignment()) {
            Long offset = rewindTo.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
            }
        }
        recovering = false;
        log.atInfo().setMessage("consumer.rewound").addKeyValue("group", group)
                .addKeyValue("partitions", rewindTo.keySet()).log();
    }

    /** Gives the partitions' tasks up to the drain timeout to finish, commits what finished, drops the rest. */
    private void drain(Collection<TopicPartition> partitions) {
        if (!recovering) {
            try {
                inFlight.awaitDone(partitions, drainTimeout);
                commitDone();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                fail(e);
            }
        }
        inFlight.forget(partitions);
        inFlightNow = inFlight.size();
        partitions.forEach(rewindTo::remove);
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            KafkaProducer<String, byte[]> p = new KafkaProducer<>(producerConfig, new StringSerializer(),
                    new ByteArraySerializer());
            try {
                p.initTransactions();
            } catch (RuntimeException e) {
                p.close(Duration.ZERO);
                throw e;
            }
            producer = p;
        }
        return producer;
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.atWarn().setMessage("producer.close-failed").addKeyValue("group", group)
                        .addKeyValue("error", e.toString()).log();
            }
            producer = null;
        }
    }

    /** Runs on the consumer thread, inside poll. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            owned.addAll(assigned);
            assigned.forEach(rewindTo::remove);
            partitions = owned.size();
            joined = true;
            log.atInfo().setMessage("listener.assigned").addKeyValue("group", group)
                    .addKeyValue("partitions", assigned.size()).log();
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            drain(revoked);
            owned.removeAll(revoked);
            partitions = owned.size();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            // another member owns them already: nothing of theirs may be committed from here
            inFlight.forget(lost);
            inFlightNow = inFlight.size();
            lost.forEach(rewindTo::remove);
            owned.removeAll(lost);
            partitions = owned.size();
        }
    }
}
