package dev.followup.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker run from the Kafka jars as a process, with its configuration and data in one directory:
 * {@code server.properties} and {@code data/}. Storage is formatted once; a later {@link #start} runs on the same
 * data, so pending timers survive and chaos can restart it.
 */
public final class BrokerProcess {

    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final String classpath;
    private final List<String> jvm;
    private final Path log;
    private ChildProcess process;

    /**
     * @param classpath the Kafka server jars and a logging backend ({@code dir/*} entries are fine)
     * @param jvm       JVM options of the broker and of the format tool (heap, GC, {@code -Dlog4j2...})
     */
    public BrokerProcess(Path dir, int port, int controllerPort, String classpath, List<String> jvm, Path log) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        this.classpath = classpath;
        this.jvm = List.copyOf(jvm);
        this.log = log;
    }

    public String bootstrap() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public boolean isFormatted() {
        return Files.exists(dir.resolve("data/meta.properties"));
    }

    /** Writes {@code server.properties} and formats the storage if that was never done; its output goes to the log. */
    public void format() throws IOException, InterruptedException {
        Path properties = dir.resolve("server.properties");
        Files.createDirectories(dir);
        Files.writeString(properties, "# Written by stack-runner (./followup, bench, chaos): a single-node KRaft broker.\n"
                + lines(BrokerSettings.kraftProcess(HOST, port, controllerPort, dir.resolve("data"))));
        if (isFormatted()) {
            return;
        }
        ChildProcess format = ChildProcess.start("kafka-storage-format", java("kafka.tools.StorageTool", "format",
                "--standalone", "-t", Uuid.randomUuid().toString(), "-c", properties.toString()), dir, log, false);
        if (!format.awaitExit(Duration.ofMinutes(2)) || !format.exitDescription().equals("exited with 0")) {
            format.kill();
            throw new IllegalStateException("formatting Kafka storage in " + dir + " failed; see " + log);
        }
    }

    /**
     * Formats if needed, starts the broker and waits until its port accepts connections (see {@link #launch} and
     * {@link #awaitListening}).
     */
    public ChildProcess start(boolean ownSession, Duration timeout) throws IOException, InterruptedException {
        format();
        launch(ownSession);
        awaitListening(timeout);
        return process;
    }

    /** Starts the broker on formatted storage and returns at once. */
    public ChildProcess launch(boolean ownSession) throws IOException {
        process = ChildProcess.start("kafka", java("kafka.Kafka", dir.resolve("server.properties").toString()), dir,
                log, ownSession);
        return process;
    }

    /** Waits until the port accepts connections; if the broker exits first or not in time, it is stopped and this fails. */
    public void awaitListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka exited during start; see " + log);
            }
            if (LocalPorts.listening(port)) {
                return;
            }
            Thread.sleep(200);
        }
        process.stop(Duration.ofSeconds(10));
        throw new IllegalStateException("Kafka did not open port " + port + " within " + timeout.toSeconds()
                + " s; see " + log);
    }

    /** SIGTERM (a controlled shutdown), SIGKILL after {@code grace}; true if it stopped by itself. */
    public boolean stop(Duration grace) throws InterruptedException {
        return process == null || process.stop(grace);
    }

    private List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvm);
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static String lines(Map<String, String> settings) {
        return settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
