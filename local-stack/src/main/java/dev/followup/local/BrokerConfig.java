package dev.followup.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the single-node KRaft broker's server.properties (broker and controller in one process). */
final class BrokerConfig {

    private BrokerConfig() {
    }

    static int write(Options options) throws IOException {
        Path file = Path.of(options.require("file"));
        String host = options.get("host", "127.0.0.1");
        String port = options.get("port", "9092");
        String controllerPort = options.get("controller-port", "9093");
        String dataDir = options.require("data-dir");
        String properties = """
                # Written by ./followup: a single-node KRaft broker for local use. Edit ports with FOLLOWUP_KAFKA_PORT.
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=%1$s:%3$s
                listeners=PLAINTEXT://%1$s:%2$s,CONTROLLER://%1$s:%3$s
                advertised.listeners=PLAINTEXT://%1$s:%2$s
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                inter.broker.listener.name=PLAINTEXT
                log.dirs=%4$s
                num.partitions=6
                auto.create.topics.enable=false
                offsets.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                log.retention.hours=168
                """.formatted(host, port, controllerPort, dataDir);
        Files.createDirectories(file.getParent());
        Files.writeString(file, properties);
        return 0;
    }
}
