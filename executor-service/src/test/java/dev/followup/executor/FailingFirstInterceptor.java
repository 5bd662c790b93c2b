package dev.followup.executor;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer setting that fails while {@link #failing} is set, for the one client id named in {@link #clientId}: the
 * real {@code KafkaConsumer} then cannot be built (as with a broker that refuses it), and succeeds once it is cleared.
 */
public final class FailingFirstInterceptor implements ConsumerInterceptor<Object, Object> {

    public static final AtomicBoolean failing = new AtomicBoolean();
    public static final AtomicInteger failures = new AtomicInteger();
    public static volatile String clientId = "";

    @Override
    public void configure(Map<String, ?> configs) {
        if (failing.get() && clientId.equals(configs.get("client.id"))) {
            failures.incrementAndGet();
            throw new IllegalStateException("consumer " + clientId + " refused (test)");
        }
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public void close() {
    }
}
