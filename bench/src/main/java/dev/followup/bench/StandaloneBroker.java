package dev.followup.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft broker (broker and controller in one process) run from the Kafka jars as a child process,
 * the way {@code ./followup up} runs the local one, with its data in a directory of the run. Unlike an embedded broker
 * it can be stopped with SIGTERM and started again on the same data, which the chaos run needs.
 */
final class StandaloneBroker implements AutoCloseable {

    private final Path dir;
    private final String classpath;
    private final int port;
    private final int controllerPort;
    private Process process;

    private StandaloneBroker(Path dir, String classpath, int port, int controllerPort) {
        this.dir = dir;
        this.classpath = classpath;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /** Writes the configuration, formats the storage and starts the broker; returns once it accepts connections. */
    static StandaloneBroker start(Path dir, String classpath) throws IOException, InterruptedException {
        StandaloneBroker broker = new StandaloneBroker(dir, classpath, freePort(), freePort());
        broker.format();
        broker.start();
        return broker;
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    private Path properties() {
        return dir.resolve("server.properties");
    }

    private Path log() {
        return dir.resolve("kafka.log");
    }

    private void format() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Files.writeString(properties(), """
                process.roles=broker,controller
                node.id=1
                controller.quorum.bootstrap.servers=127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
                inter.broker.listener.name=PLAINTEXT
                log.dirs=%3$s
                num.partitions=6
                auto.create.topics.enable=false
                offsets.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                """.formatted(port, controllerPort, dir.resolve("data").toAbsolutePath()));
        Process format = new ProcessBuilder(java(), "-cp", classpath, "kafka.tools.StorageTool", "format", "--standalone",
                "-t", Uuid.randomUuid().toString(), "-c", properties().toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        if (!format.waitFor(2, TimeUnit.MINUTES) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IllegalStateException("formatting the broker's storage failed; see " + log());
        }
    }

    /** Starts the broker on its data (formatted before) and waits until its port accepts connections. */
    void start() throws IOException, InterruptedException {
        process = new ProcessBuilder(List.of(java(), "-Xms256m", "-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath,
                "kafka.Kafka", properties().toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited during start; see " + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the broker did not listen on " + bootstrap() + " within 3 minutes; see " + log());
    }

    /** SIGTERM (a controlled shutdown), SIGKILL after {@code timeout}; true if it stopped by itself. */
    boolean stop(Duration timeout) throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return true;
        }
        process.destroy();
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return true;
        }
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(60));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
