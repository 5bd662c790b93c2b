package dev.followup.bench;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.CancelTask;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.ScheduleTask;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntToLongFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Schedules and cancels timers the way any upstream service does: {@code ScheduleTask} and {@code CancelTask} commands
 * on {@code followup.commands.v1}, keyed {@code tenantId:leadId}. Timer {@code i} of a tenant is the manual task of
 * command {@code c<i>} for lead {@code l<i>}: one lead per timer, so a due task or a receipt names its timer by its
 * lead id.
 */
final class TimerFeed implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerializer<Command> serializer = new AvroSerializer<>(Command.class);
    private final Channel channel;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    TimerFeed(String bootstrap, Channel channel) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "followup-bench-feed");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.channel = channel;
    }

    static String leadId(int i) {
        return "l" + i;
    }

    /** The timer index of lead {@code l<i>}, or -1 for a lead id of another form. */
    static int indexOf(String leadId) {
        if (leadId.length() < 2 || leadId.charAt(0) != 'l') {
            return -1;
        }
        int n = 0;
        for (int k = 1; k < leadId.length(); k++) {
            char c = leadId.charAt(k);
            if (c < '0' || c > '9' || n > (Integer.MAX_VALUE - 9) / 10) {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** The partition Kafka's default partitioner gives the key of timer {@code i} (same as the scheduler's tasks). */
    static int partitionOf(String tenant, int i, int partitions) {
        byte[] key = LeadKey.of(tenant, leadId(i)).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /** Sends timers {@code from..to-1} as fast as the producer takes them; returns once all are acknowledged. */
    void schedule(String tenant, int from, int to, IntToLongFunction dueMillis) {
        schedule(tenant, from, to, dueMillis, channel);
    }

    /** As {@link #schedule(String, int, int, IntToLongFunction)}, on channel {@code on}. */
    void schedule(String tenant, int from, int to, IntToLongFunction dueMillis, Channel on) {
        for (int i = from; i < to; i++) {
            send(tenant, i, dueMillis.applyAsLong(i), on);
        }
        flush();
    }

    /**
     * Offers {@code count} timers at {@code perSecond}, each due {@code ahead} after it is sent (the send loop keeps
     * to the schedule of the first send; a late loop catches up rather than lowering the rate). Returns the actual
     * offered rate.
     */
    double schedulePaced(String tenant, int count, int perSecond, Duration ahead) {
        long start = System.nanoTime();
        long aheadMillis = ahead.toMillis();
        int sent = 0;
        while (sent < count) {
            long elapsed = System.nanoTime() - start;
            int due = (int) Math.min(count, elapsed * perSecond / 1_000_000_000L + 1);
            long now = System.currentTimeMillis();
            while (sent < due) {
                send(tenant, sent, now + aheadMillis, channel);
                sent++;
            }
            LockSupport.parkNanos(1_000_000);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        flush();
        return count / Math.max(seconds, 1e-9);
    }

    /** Sends {@code CancelTask(taskId)} for each lead index → task id; returns once all are acknowledged. */
    void cancel(String tenant, Map<Integer, String> taskIds) {
        Instant now = Instant.now();
        taskIds.forEach((i, taskId) -> {
            Command command = Command.newBuilder().setCommandId("x" + i).setTenantId(tenant).setLeadId(leadId(i))
                    .setIssuedAt(now).setPayload(CancelTask.newBuilder().setTaskId(taskId).build()).build();
            producer.send(record(tenant, i, command), this::onAck);
        });
        flush();
    }

    private void send(String tenant, int i, long dueMillis, Channel on) {
        Command command = Command.newBuilder().setCommandId("c" + i).setTenantId(tenant).setLeadId(leadId(i))
                .setIssuedAt(Instant.now())
                .setPayload(ScheduleTask.newBuilder().setChannel(on).setDueAt(Instant.ofEpochMilli(dueMillis)).build())
                .build();
        producer.send(record(tenant, i, command), this::onAck);
    }

    private ProducerRecord<String, byte[]> record(String tenant, int i, Command command) {
        return new ProducerRecord<>(Topics.COMMANDS, LeadKey.of(tenant, leadId(i)).toString(),
                serializer.serialize(Topics.COMMANDS, command));
    }

    private void onAck(org.apache.kafka.clients.producer.RecordMetadata metadata, Exception e) {
        if (e != null) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, e);
        }
    }

    private void flush() {
        producer.flush();
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " commands were not acknowledged by the broker",
                    firstFailure.get());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
