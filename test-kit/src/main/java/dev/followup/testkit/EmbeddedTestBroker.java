package dev.followup.testkit;

import dev.followup.stack.BrokerSettings;
import java.util.HashMap;
import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * spring-kafka-test's in-JVM KRaft broker with the single-node settings of the local stack's broker process
 * ({@link BrokerSettings}); spring-kafka-test chooses its listeners.
 */
final class EmbeddedTestBroker implements TestBroker {

    private EmbeddedKafkaKraftBroker broker;

    @Override
    public String start() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        Map<String, String> properties = new HashMap<>(BrokerSettings.singleNode());
        // 50 partitions each by default: group joins and transactions wait for them all on a busy machine.
        properties.put("offsets.topic.num.partitions", "1");
        properties.put("transaction.state.log.num.partitions", "1");
        properties.put("message.max.bytes", "1048588");
        broker.brokerProperties(properties);
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
