package dev.followup.testkit;

import org.testcontainers.kafka.KafkaContainer;

/** Apache Kafka in a container (Testcontainers); needs a Docker engine, so it is opt-in. */
final class ContainerTestBroker implements TestBroker {

    /** Override with -Dfollowup.test.kafka-image=... */
    static final String IMAGE = System.getProperty("followup.test.kafka-image", "apache/kafka:4.2.1");

    private KafkaContainer container;

    @Override
    public String start() {
        container = new KafkaContainer(IMAGE)
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1")
                .withEnv("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1");
        container.start();
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        if (container != null) {
            container.stop();
        }
    }
}
