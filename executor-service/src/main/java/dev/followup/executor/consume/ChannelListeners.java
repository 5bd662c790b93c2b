package dev.followup.executor.consume;

import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The consumers of the channels this instance runs: per channel one on its due-task topic (group
 * {@code followup-executor-<channel>}) and one on its retry topic (group {@code followup-executor-<channel>-retry}),
 * each a {@link TaskTopicConsumer} on a thread of its own with a transactional producer of its own: receipts,
 * retries, dead letters and the consumed offsets commit together.
 */
public final class ChannelListeners implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChannelListeners.class);

    /** What a channel's consumers need: the handler per mode and how many tasks may be in flight per consumer. */
    public record ChannelSetup(Channel channel, Function<TaskHandler.Mode, TaskHandler> handler, int maxInFlight) {
    }

    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private final String transactionIdPrefix;
    private final List<ChannelSetup> setups;
    private final BooleanSupplier inputsCurrent;
    private final Duration drainTimeout;
    private final MeterRegistry meters;
    private final List<TaskTopicConsumer> consumers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /**
     * @param consumerConfig      Kafka consumer settings shared by all channels (bootstrap, security...)
     * @param producerConfig      Kafka producer settings shared by all channels
     * @param transactionIdPrefix unique to this instance; each consumer's producer appends its group
     * @param inputsCurrent       whether the views tasks are drafted with are caught up; the consumers hold until
     * @param drainTimeout        how long revoked partitions and shutdown wait for tasks in flight
     */
    public ChannelListeners(Map<String, Object> consumerConfig, Map<String, Object> producerConfig,
            String transactionIdPrefix, List<ChannelSetup> setups, BooleanSupplier inputsCurrent,
            Duration drainTimeout, MeterRegistry meters) {
        this.inputsCurrent = inputsCurrent;
        this.consumerConfig = Map.copyOf(consumerConfig);
        this.producerConfig = Map.copyOf(producerConfig);
        this.transactionIdPrefix = transactionIdPrefix;
        this.setups = List.copyOf(setups);
        this.drainTimeout = drainTimeout;
        this.meters = meters;
    }

    @Override
    public synchronized void start() {
        for (ChannelSetup setup : setups) {
            String group = "followup-executor-" + setup.channel().name().toLowerCase(Locale.ROOT);
            add(group, Topics.dueTasks(setup.channel()), setup, TaskHandler.Mode.DUE);
            add(group + "-retry", RetryTaskHandler.retryTopicOf(setup.channel()), setup, TaskHandler.Mode.RETRY);
        }
        threads.forEach(Thread::start);
        running = true;
        log.atInfo().setMessage("listeners.started")
                .addKeyValue("groups", consumers.stream().map(TaskTopicConsumer::group).toList()).log();
    }

    private void add(String group, String topic, ChannelSetup setup, TaskHandler.Mode mode) {
        Map<String, Object> producer = new HashMap<>(producerConfig);
        producer.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionIdPrefix + group);
        TaskTopicConsumer consumer = new TaskTopicConsumer(group, topic, setup.handler().apply(mode), inputsCurrent, consumerConfig,
                producer, setup.maxInFlight(), drainTimeout, meters);
        consumers.add(consumer);
        Thread thread = new Thread(consumer, group);
        thread.setDaemon(true); // stop() drains them; a context that never stops must not keep the JVM alive
        threads.add(thread);
    }

    /** Per consumer group: whether it has joined (had an assignment) and how many partitions it holds now. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < consumers.size(); i++) {
            TaskTopicConsumer c = consumers.get(i);
            out.put(c.group(), Map.of("running", threads.get(i).isAlive(), "joined", c.joined(), "partitions",
                    c.partitions()));
        }
        return out;
    }

    /**
     * Ready when the views are caught up and every consumer runs and has joined its group (an instance beyond the
     * partition count holds none).
     */
    public boolean ready() {
        return inputsCurrent.getAsBoolean() && running && !consumers.isEmpty() && threads.stream().allMatch(Thread::isAlive)
                && consumers.stream().allMatch(TaskTopicConsumer::joined);
    }

    /** Stops polling everywhere at once, then waits for each consumer to drain and commit. */
    @Override
    public synchronized void stop() {
        consumers.forEach(TaskTopicConsumer::stop);
        for (Thread thread : threads) {
            try {
                thread.join(drainTimeout.plusSeconds(20).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.atWarn().setMessage("listener.stop-timed-out").addKeyValue("group", thread.getName()).log();
            }
        }
        consumers.clear();
        threads.clear();
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
