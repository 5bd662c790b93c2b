package dev.followup.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service run from its packaged jar as a child process, exactly as it runs anywhere else: the benchmark sets only
 * Spring properties and JVM options a user can set too. Its output goes to a log file of the run.
 */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Spring Boot's line once the web server listens; the port is whatever the OS gave it. */
    private static final Pattern STARTED_ON_PORT = Pattern.compile("started on port (\\d+)");

    private final String name;
    private final Process process;
    private final Path log;
    private final long logStart;
    private int port;

    private ServiceProcess(String name, Process process, Path log, long logStart) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    /**
     * Starts {@code java <jvm> -jar <jar> --server.port=0 --k=v...}. The OS picks the port when the service binds it
     * (a port chosen in advance can be taken by another process during a slow start); {@link #awaitReady} reads it.
     */
    static ServiceProcess start(String name, Path jar, List<String> jvm, Map<String, String> properties, Path log)
            throws IOException {
        return start(name, jar, jvm, properties, log, 0);
    }

    /** As {@link #start(String, Path, List, Map, Path)} on a given HTTP port (0: the OS picks one). */
    static ServiceProcess start(String name, Path jar, List<String> jvm, Map<String, String> properties, Path log,
            int httpPort) throws IOException {
        List<String> args = new ArrayList<>(jvm);
        args.add("-jar");
        args.add(jar.toString());
        args.add("--server.port=" + httpPort);
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        Files.createDirectories(log.getParent());
        // the arguments go in a java @argfile next to the log: the run records exactly how each service was started
        Path argFile = log.resolveSibling(log.getFileName().toString().replaceFirst("\\.log$", "") + ".args");
        Files.write(argFile, args.stream().map(ServiceProcess::quoted).toList());
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + argFile).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new ServiceProcess(name, process, log, logStart);
    }

    /** One argument as a java @argfile line: in double quotes, backslashes and quotes escaped. */
    static String quoted(String arg) {
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    String name() {
        return name;
    }

    /** The HTTP port, known once {@link #awaitReady} returned. */
    int port() {
        return port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits until the service logged its port and {@code /actuator/health/readiness} answers 200 there; fails with the
     * log's tail if the process exits.
     */
    void awaitReady(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " during start; "
                        + "last lines of " + log + ":\n" + tail(40));
            }
            if (request == null) {
                port = loggedPort();
                if (port == 0) {
                    Thread.sleep(200);
                    continue;
                }
                request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                        .timeout(Duration.ofSeconds(2)).build();
            }
            try {
                if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s; see " + log);
    }

    private int loggedPort() throws IOException {
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(log.toFile(), "r")) {
            file.seek(logStart);
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE, file.length() - logStart)];
            file.readFully(bytes);
            Matcher m = STARTED_ON_PORT.matcher(new String(bytes, StandardCharsets.UTF_8));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        }
    }

    /** Resident set size of the process, in bytes (Linux {@code /proc}, else {@code ps}). */
    long rssBytes() throws IOException, InterruptedException {
        Path status = Path.of("/proc", Long.toString(pid()), "status");
        if (Files.isReadable(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        }
        return Long.parseLong(run("ps", "-o", "rss=", "-p", Long.toString(pid())).trim()) * 1024;
    }

    /** Java heap in use and committed after two full collections ({@code jcmd GC.run}, then {@code jstat -gc}). */
    HeapUsage heapAfterGc() throws IOException, InterruptedException {
        String pid = Long.toString(pid());
        run(jdkTool("jcmd"), pid, "GC.run");
        run(jdkTool("jcmd"), pid, "GC.run");
        return HeapUsage.parseJstat(run(jdkTool("jstat"), "-gc", pid));
    }

    /** Heap figures in bytes. */
    record HeapUsage(long used, long committed) {

        private static final Pattern NUMBER = Pattern.compile("[0-9.]+");

        /** Sums survivor, eden and old generation of {@code jstat -gc} (KB columns; works for every collector). */
        static HeapUsage parseJstat(String output) {
            String[] lines = output.strip().split("\\R");
            if (lines.length < 2) {
                throw new IllegalArgumentException("unexpected jstat output: " + output);
            }
            List<String> header = List.of(lines[0].trim().split("\\s+"));
            String[] values = lines[lines.length - 1].trim().split("\\s+");
            double used = 0;
            double committed = 0;
            for (String column : List.of("S0U", "S1U", "EU", "OU")) {
                used += value(header, values, column);
            }
            for (String column : List.of("S0C", "S1C", "EC", "OC")) {
                committed += value(header, values, column);
            }
            return new HeapUsage(Math.round(used * 1024), Math.round(committed * 1024));
        }

        private static double value(List<String> header, String[] values, String column) {
            int i = header.indexOf(column);
            if (i < 0 || i >= values.length) {
                throw new IllegalArgumentException("jstat output has no column " + column + ": " + header);
            }
            Matcher m = NUMBER.matcher(values[i]);
            return m.find() ? Double.parseDouble(m.group()) : 0;
        }
    }

    /** Kills it without warning (SIGKILL, as a crash or an OOM kill would) and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops it as an orchestrator does (SIGTERM: the service closes cleanly), forcibly after {@code timeout}. */
    boolean stop(Duration timeout) throws InterruptedException {
        if (!process.isAlive()) {
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
    public void close() {
        try {
            stop(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static String jdkTool(String tool) {
        Path path = Path.of(System.getProperty("java.home"), "bin", tool);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(tool + " not found next to java (" + path + "): run the benchmark with a JDK");
        }
        return path.toString();
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new UncheckedIOException(new IOException(String.join(" ", command) + " failed: " + out));
        }
        return out;
    }
}
