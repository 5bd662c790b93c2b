package dev.followup.executor.consume;

import dev.followup.events.Identifiers;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroDeserializer;
import dev.followup.events.v1.TenantSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A local view of the compacted {@code followup.tenant-settings.v1}: one consumer thread, all partitions assigned
 * (no group), read from the beginning and followed. A tenant without a record gets the contract defaults.
 *
 * <p>A record counts only for the tenant its key names: one whose key is not a valid tenant id, or whose value
 * names another tenant, is skipped, counted ({@code followup.executor.tenant-settings.rejected}) and logged, so a
 * producer writing for tenant A cannot replace tenant B's settings.
 */
public final class TenantSettingsView implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TenantSettingsView.class);

    private final Map<String, Object> consumerConfig;
    private final Map<String, TenantSettings> byTenant = new ConcurrentHashMap<>();
    private final AvroDeserializer<TenantSettings> deserializer = new AvroDeserializer<>(TenantSettings.class);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final MeterRegistry meters;

    public TenantSettingsView(Map<String, Object> baseConsumerConfig, MeterRegistry meters) {
        this.meters = meters;
        Map<String, Object> config = new HashMap<>(baseConsumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "followup-executor-tenant-settings");
        this.consumerConfig = config;
    }

    /** The tenant's settings, or the contract defaults. */
    public TenantSettings settingsOf(String tenantId) {
        TenantSettings settings = byTenant.get(tenantId);
        return settings != null ? settings : TenantSettings.newBuilder().setTenantId(tenantId).build();
    }

    /** Whether a record of the tenant has been read (tests and diagnostics). */
    public boolean knows(String tenantId) {
        return byTenant.containsKey(tenantId);
    }

    @Override
    public void start() {
        consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = new Thread(this::follow, "tenant-settings-view");
        thread.setDaemon(true);
        thread.start();
        // tasks drafted with stale settings could go to the wrong provider: read what exists first (bounded)
        try {
            if (!caughtUp.await(60, TimeUnit.SECONDS)) {
                log.warn("event=tenant-settings.not-caught-up waitedSeconds=60");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether everything present at startup has been read. */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.TENANT_SETTINGS, Duration.ofMinutes(1)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record);
                }
                if (caughtUp.getCount() > 0
                        && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    log.info("event=tenant-settings.caught-up tenants={}", byTenant.size());
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("event=tenant-settings.view-failed error={}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    void apply(ConsumerRecord<String, byte[]> record) {
        if (!Identifiers.isValid(record.key())) {
            reject(record, null, "key is not a valid tenant id");
            return;
        }
        if (record.value() == null) {
            byTenant.remove(record.key());
            return;
        }
        try {
            TenantSettings settings = deserializer.deserialize(record.topic(), record.value());
            if (!record.key().equals(settings.getTenantId())) {
                reject(record, settings.getTenantId(), "value names another tenant than the key");
                return;
            }
            byTenant.put(settings.getTenantId(), settings);
            log.info("event=tenant-settings.loaded tenant={}", settings.getTenantId());
        } catch (SerializationException e) {
            log.warn("event=tenant-settings.undecodable partition={} offset={} error={}", record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    private void reject(ConsumerRecord<String, byte[]> record, String valueTenant, String reason) {
        meters.counter("followup.executor.tenant-settings.rejected").increment();
        log.warn("event=tenant-settings.rejected key={} valueTenant={} partition={} offset={} reason=\"{}\"",
                shown(record.key()), shown(valueTenant), record.partition(), record.offset(), reason);
    }

    private static String shown(String id) {
        if (id == null) {
            return null;
        }
        String printable = id.replaceAll("[^\\x21-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
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
        // before the channel listeners, so settings are being read when tasks arrive
        return Integer.MAX_VALUE - 200;
    }
}
