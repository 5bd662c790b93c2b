package dev.followup.testkit;

import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** spring-kafka-test's in-JVM KRaft broker, sized and configured like a single-node production broker. */
final class EmbeddedTestBroker implements TestBroker {

    private EmbeddedKafkaKraftBroker broker;

    @Override
    public String start() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of(
                "offsets.topic.replication.factor", "1",
                // 50 partitions each by default: group joins and transactions wait for them all on a busy machine.
                "offsets.topic.num.partitions", "1",
                "transaction.state.log.num.partitions", "1",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "share.coordinator.state.topic.replication.factor", "1",
                "share.coordinator.state.topic.min.isr", "1",
                "group.initial.rebalance.delay.ms", "0",
                "auto.create.topics.enable", "false",
                "message.max.bytes", "1048588"));
        broker.afterPropertiesSet();
        return broker.getBrokersAsString();
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.destroy();
        }
    }
}
