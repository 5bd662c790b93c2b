package dev.followup.executor.consume;

import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * The listener containers of the channels this instance runs: per channel one on its due-task topic (group
 * {@code followup-executor-<channel>}) and one on its retry topic (group {@code followup-executor-<channel>-retry}).
 * Built from Spring Boot's container factory, so they share its Kafka transaction manager: receipts, retries,
 * dead letters and the consumed offsets commit together.
 */
public final class ChannelListeners implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChannelListeners.class);

    /** What a channel's listeners need: the listener per mode, the poll size and the consumer count. */
    public record ChannelSetup(Channel channel, Function<DueTaskBatchListener.Mode, DueTaskBatchListener> listener,
            int maxPollRecords, int consumers) {
    }

    private final ConcurrentKafkaListenerContainerFactory<Object, Object> factory;
    private final List<ChannelSetup> setups;
    private final Map<String, ConcurrentMessageListenerContainer<Object, Object>> containers = new LinkedHashMap<>();
    private final Map<String, Boolean> joined = new ConcurrentHashMap<>();
    private final Map<String, Collection<TopicPartition>> assigned = new ConcurrentHashMap<>();
    private volatile boolean running;

    public ChannelListeners(ConcurrentKafkaListenerContainerFactory<Object, Object> factory, List<ChannelSetup> setups) {
        this.factory = factory;
        this.setups = setups;
    }

    @Override
    public synchronized void start() {
        for (ChannelSetup setup : setups) {
            String name = setup.channel().name().toLowerCase(java.util.Locale.ROOT);
            add("followup-executor-" + name, Topics.dueTasks(setup.channel()), setup,
                    setup.listener().apply(DueTaskBatchListener.Mode.DUE));
            add("followup-executor-" + name + "-retry", DueTaskBatchListener.retryTopicOf(setup.channel()), setup,
                    setup.listener().apply(DueTaskBatchListener.Mode.RETRY));
        }
        containers.values().forEach(ConcurrentMessageListenerContainer::start);
        running = true;
        log.info("event=listeners.started groups={}", containers.keySet());
    }

    private void add(String group, String topic, ChannelSetup setup, DueTaskBatchListener listener) {
        ConcurrentMessageListenerContainer<Object, Object> container = factory.createContainer(topic);
        container.setBeanName(group);
        container.setConcurrency(setup.consumers());
        container.getContainerProperties().setGroupId(group);
        container.getContainerProperties().setClientId(group);
        container.getContainerProperties().getKafkaConsumerProperties()
                .setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(setup.maxPollRecords()));
        container.getContainerProperties().setConsumerRebalanceListener(new ConsumerAwareRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                joined.put(group, true);
                assigned.merge(group, new ArrayList<>(partitions), (a, b) -> {
                    List<TopicPartition> all = new ArrayList<>(a);
                    b.stream().filter(p -> !all.contains(p)).forEach(all::add);
                    return all;
                });
                log.info("event=listener.assigned group={} partitions={}", group, partitions.size());
            }

            @Override
            public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                assigned.computeIfPresent(group, (g, a) -> a.stream().filter(p -> !partitions.contains(p)).toList());
            }

            @Override
            public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                onPartitionsRevokedAfterCommit(consumer, partitions);
            }
        });
        // a failed transaction (broker trouble) is rolled back and the batch polled again, waiting longer each
        // time and never giving up: drafts are idempotent, losing tasks is not an option
        ExponentialBackOff backOff = new ExponentialBackOff(500, 2);
        backOff.setMaxInterval(30_000);
        container.setAfterRollbackProcessor(new DefaultAfterRollbackProcessor<>(backOff));
        container.setupMessageListener(listener);
        containers.put(group, container);
    }

    /** Per consumer group: whether it has joined (had an assignment) and how many partitions it holds now. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        containers.forEach((group, c) -> out.put(group, Map.of(
                "running", c.isRunning(),
                "joined", joined.getOrDefault(group, false),
                "partitions", assigned.getOrDefault(group, List.of()).size())));
        return out;
    }

    /** Ready when every container runs and has joined its group (an instance beyond the partition count holds none). */
    public boolean ready() {
        return running && !containers.isEmpty() && containers.entrySet().stream()
                .allMatch(e -> e.getValue().isRunning() && joined.getOrDefault(e.getKey(), false));
    }

    @Override
    public synchronized void stop() {
        containers.values().forEach(ConcurrentMessageListenerContainer::stop);
        containers.clear();
        joined.clear();
        assigned.clear();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
