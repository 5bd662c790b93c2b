package dev.followup.scheduler.config;

import dev.followup.scheduler.topology.SchedulerEvents;
import dev.followup.scheduler.topology.SchedulerSettings;
import dev.followup.scheduler.topology.SchedulerTopology;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The scheduler's {@link KafkaStreams}, started with the application context (after creating the scheduler's own
 * topics, {@link GateTopicProvisioning}) and closed (committing, without cleaning the state) when it stops.
 */
public class SchedulerStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SchedulerStreams.class);

    private final KafkaStreams streams;
    private final SchedulerProperties props;
    private final HostInfo self;
    private final Map<String, Object> adminConfig;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean everRunning = new AtomicBoolean();

    public SchedulerStreams(SchedulerProperties props, String bootstrapServers, String applicationServer,
            SchedulerEvents events) {
        this(java.util.Map.of(), props, bootstrapServers, applicationServer, events);
    }

    public SchedulerStreams(java.util.Map<String, Object> clientSettings, SchedulerProperties props,
            String bootstrapServers, String applicationServer, SchedulerEvents events) {
        this.props = props;
        this.self = HostInfo.buildFromEndpoint(applicationServer);
        this.adminConfig = new HashMap<>(clientSettings);
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        SchedulerSettings settings = new SchedulerSettings(props.punctuateInterval(), props.maxEmitsPerTick(), null,
                props.applicationId(), props.retention().settings(), props.recurrence().minInterval(),
                props.maxOpenTasksPerLead());
        Properties config = StreamsConfiguration.of(clientSettings, props, bootstrapServers, applicationServer,
                events);
        this.streams = new KafkaStreams(SchedulerTopology.build(settings, events), config);
        // an unexpected error in a stream thread replaces the thread (EOS aborts its open transaction) instead of
        // stopping the app
        streams.setUncaughtExceptionHandler(e -> {
            log.atError().setMessage("streams.thread_failed").setCause(e).log();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((newState, oldState) -> {
            if (newState == KafkaStreams.State.RUNNING) {
                everRunning.set(true);
            }
            log.atInfo().setMessage("streams.state").addKeyValue("from", oldState).addKeyValue("to", newState).log();
        });
    }

    public KafkaStreams kafkaStreams() {
        return streams;
    }

    /** This instance as other instances reach it ({@code application.server}). */
    public HostInfo self() {
        return self;
    }

    /** Whether the app reached RUNNING at least once (a later rebalance does not make it unready). */
    public boolean hasBeenRunning() {
        return everRunning.get();
    }

    @Override
    public void start() {
        if (running.compareAndSet(false, true)) {
            Object replication = adminConfig.get(StreamsConfig.REPLICATION_FACTOR_CONFIG);
            try {
                GateTopicProvisioning.ensure(adminConfig, props.applicationId(),
                        replication == null ? -1 : Integer.parseInt(replication.toString()));
            } catch (RuntimeException e) {
                running.set(false);
                streams.close(CloseOptions.timeout(props.closeTimeout()));
                throw e;
            }
            streams.start();
        }
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false)) {
            streams.close(CloseOptions.timeout(props.closeTimeout())
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            log.atInfo().setMessage("streams.closed").log();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
