package dev.followup.testkit;

/** A running Kafka broker for tests. */
interface TestBroker extends AutoCloseable {

    /** Starts the broker; returns its bootstrap servers. */
    String start();

    @Override
    void close();
}
