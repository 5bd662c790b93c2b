package dev.followup.stack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of a single-node Kafka broker: one home for the local stack's broker process, the benchmark's and
 * chaos run's, and the test kit's in-JVM broker.
 */
public final class BrokerSettings {

    private BrokerSettings() {
    }

    /**
     * What one node needs instead of the cluster defaults: internal topics with one replica (without the share
     * coordinator's, share consumers silently get nothing), no rebalance delay, topics only by provisioning.
     */
    public static Map<String, String> singleNode() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("auto.create.topics.enable", "false");
        return settings;
    }

    /** A KRaft broker process that is its own controller: clients on {@code port}, the quorum on {@code controllerPort}. */
    public static Map<String, String> kraftProcess(String host, int port, int controllerPort, Path dataDir) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", "1");
        settings.put("controller.quorum.bootstrap.servers", host + ":" + controllerPort);
        settings.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        settings.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("log.dirs", dataDir.toAbsolutePath().toString());
        settings.put("num.partitions", "6");
        settings.putAll(singleNode());
        return settings;
    }
}
