package dev.followup.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where {@code ./followup}'s stack lives and how it runs: the checkout, {@code var/}, the ports and heaps, from the
 * environment variables {@code ./followup --help} documents.
 */
record StackSettings(Path root, String version, Path var, int kafkaPort, int controllerPort, Map<String, Integer> ports,
        List<String> kafkaHeap, List<String> serviceHeap, List<String> benchHeap, Duration readyTimeout,
        String demoApiKey) {

    static final List<String> SERVICES = List.of("ingest", "scheduler", "executor");
    /** Every service JVM: C1 only and small code and metaspace, since four JVMs share a laptop's cores and memory. */
    static final List<String> SERVICE_JVM = List.of("-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=160m",
            "-XX:ReservedCodeCacheSize=64m", "-Xss512k", "-XX:TieredStopAtLevel=1");

    static StackSettings from(Path root, String version, Map<String, String> env) {
        return new StackSettings(root.toAbsolutePath().normalize(), version,
                Path.of(env.getOrDefault("FOLLOWUP_VAR_DIR", root.resolve("var").toString())).toAbsolutePath().normalize(),
                port(env, "FOLLOWUP_KAFKA_PORT", 9092), port(env, "FOLLOWUP_CONTROLLER_PORT", 9093),
                Map.of("ingest", port(env, "FOLLOWUP_INGEST_PORT", 8080),
                        "scheduler", port(env, "FOLLOWUP_SCHEDULER_PORT", 8081),
                        "executor", port(env, "FOLLOWUP_EXECUTOR_PORT", 8082)),
                words(env.getOrDefault("FOLLOWUP_KAFKA_HEAP", "-Xms128m -Xmx384m")),
                words(env.getOrDefault("FOLLOWUP_SERVICE_HEAP", "-Xms64m -Xmx256m")),
                words(env.getOrDefault("FOLLOWUP_BENCH_HEAP", "-Xmx768m")),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("FOLLOWUP_READY_TIMEOUT", "180"))),
                env.getOrDefault("FOLLOWUP_DEMO_API_KEY", "dev-acme-key"));
    }

    String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    Path run() {
        return var.resolve("run");
    }

    Path logs() {
        return var.resolve("logs");
    }

    Path log(String name) {
        return logs().resolve(name + ".log");
    }

    Path serviceJar(String service) {
        return root.resolve(service + "-service/target/" + service + "-service-" + version + ".jar");
    }

    /** The broker's classpath: the Kafka jars local-stack's build copies to its target/lib. */
    String kafkaClasspath() {
        return root.resolve("local-stack/target/lib") + "/*";
    }

    List<String> kafkaJvm() {
        return concat(kafkaHeap, List.of("-XX:+UseSerialGC", "-Xss512k", "-Dlog4j2.configurationFile="
                + root.resolve("local-stack/target/classes/kafka-log4j2.properties")));
    }

    List<String> serviceJvm() {
        return concat(serviceHeap, SERVICE_JVM);
    }

    String benchClasspath() {
        return root.resolve("bench/target/bench-" + version + ".jar") + java.io.File.pathSeparator
                + root.resolve("bench/target/lib") + "/*";
    }

    /** A path as the user reads it: relative to the checkout when inside it. */
    String shown(Path path) {
        return path.startsWith(root) ? root.relativize(path).toString() : path.toString();
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        try {
            return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new LocalStack.Failure(name + " must be a port number, was '" + value + "'");
        }
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
