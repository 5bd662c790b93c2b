package dev.followup.local;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One service started from its packaged jar as a separate JVM, as {@code ./followup} does. */
final class ServiceProcess implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("followup.project.root", "..")).toAbsolutePath().normalize();
    static final String VERSION = System.getProperty("followup.version", "0.1.0-SNAPSHOT");

    private final String name;
    private final int port;
    private final List<String> command;
    private final Path log;
    private Process process;

    ServiceProcess(String name, int port, Path logDir, List<String> args) {
        this.name = name;
        this.port = port;
        this.log = logDir.resolve(name + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = ROOT.resolve(name + "-service/target/" + name + "-service-" + VERSION + ".jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("missing " + jar + ": package the services first (./mvnw package)");
        }
        command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString(), "--spring.profiles.active=local", "--server.port=" + port));
        command.addAll(args);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    ServiceProcess start() throws IOException {
        Files.createDirectories(log.getParent());
        process = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return this;
    }

    /** Waits until actuator readiness answers 2xx; fails with the log's tail if the process dies first. */
    ServiceProcess awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newHttpClient();
        await().alias(name + " ready").atMost(timeout).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            return ReadinessWait.isReady(http, url() + "/actuator/health/readiness");
        });
        return this;
    }

    /** SIGTERM and wait: the service closes cleanly (Kafka Streams commits and closes its stores). */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
