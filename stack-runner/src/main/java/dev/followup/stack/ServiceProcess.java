package dev.followup.stack;

import java.io.IOException;
import java.io.RandomAccessFile;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service run from its packaged jar as a process, exactly as it runs anywhere else: {@code java <jvm> -jar <jar>
 * --server.port=<port> <args>}, output appended to its log. Configure, {@link #start}, {@link #awaitReady}; it can be
 * stopped and started again with the same settings (a restart, a kill and a restart).
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** Spring Boot's line once the web server listens: how a port the OS picked is found. */
    private static final Pattern STARTED_ON_PORT = Pattern.compile("started on port (\\d+)");

    private final String name;
    private final Path jar;
    private final Path log;
    private List<String> jvm = List.of();
    private List<String> args = List.of();
    private int port;
    private Path workDir;
    private boolean ownSession;
    private boolean argFile;
    private ChildProcess process;
    private long logStart;
    private int boundPort;

    private ServiceProcess(String name, Path jar, Path log) {
        this.name = name;
        this.jar = jar;
        this.log = log;
    }

    /** A service {@code name} from {@code jar}, logging to {@code log}; fails at once if the jar is not built. */
    public static ServiceProcess of(String name, Path jar, Path log) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("missing " + jar + ": package the services first (./mvnw package)");
        }
        return new ServiceProcess(name, jar, log);
    }

    /** JVM options (heap, GC, ...). */
    public ServiceProcess jvm(List<String> options) {
        this.jvm = List.copyOf(options);
        return this;
    }

    /** Application arguments after the port ({@code --spring.x=y}). */
    public ServiceProcess args(List<String> arguments) {
        this.args = List.copyOf(arguments);
        return this;
    }

    /** The HTTP port; 0 (the default) lets the OS pick one when the service binds, read from its log. */
    public ServiceProcess port(int httpPort) {
        this.port = httpPort;
        return this;
    }

    public ServiceProcess workDir(Path dir) {
        this.workDir = dir;
        return this;
    }

    /** A session of its own: see {@link ChildProcess#start}. */
    public ServiceProcess ownSession() {
        this.ownSession = true;
        return this;
    }

    /** The arguments go in a java {@code @argfile} next to the log: the run records exactly how it was started. */
    public ServiceProcess argFile() {
        this.argFile = true;
        return this;
    }

    public ServiceProcess start() throws IOException {
        List<String> javaArgs = new ArrayList<>(jvm);
        javaArgs.addAll(List.of("-jar", jar.toString(), "--server.port=" + port));
        javaArgs.addAll(args);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (argFile) {
            Path file = log.resolveSibling(log.getFileName().toString().replaceFirst("\\.log$", "") + ".args");
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, javaArgs.stream().map(ServiceProcess::quoted).toList());
            command.add("@" + file);
        } else {
            command.addAll(javaArgs);
        }
        logStart = Files.exists(log) ? Files.size(log) : 0;
        boundPort = port;
        process = ChildProcess.start(name, command, workDir, log, ownSession);
        return this;
    }

    /** One argument as a java @argfile line: in double quotes, backslashes and quotes escaped. */
    public static String quoted(String arg) {
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * Waits until {@code /actuator/health/readiness} answers 2xx; fails with the log's tail if the process exits
     * first, or naming the log after {@code timeout}.
     */
    public ServiceProcess awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " " + process.exitDescription() + " during start; last lines of "
                        + log + ":\n" + process.tail(40));
            }
            if (isReady()) {
                return this;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s; see " + log);
    }

    /** One readiness probe (false while the port is not known yet). */
    public boolean isReady() throws IOException {
        if (boundPort == 0) {
            boundPort = loggedPort();
        }
        return boundPort != 0 && isReady("http://127.0.0.1:" + boundPort + "/actuator/health/readiness");
    }

    /** True if {@code url} answers 2xx within two seconds. */
    public static boolean isReady(String url) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private int loggedPort() throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(logStart);
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE, file.length() - logStart)];
            file.readFully(bytes);
            Matcher m = STARTED_ON_PORT.matcher(new String(bytes, StandardCharsets.UTF_8));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        }
    }

    public String name() {
        return name;
    }

    /** The HTTP port: the one given, or the one the OS picked once {@link #awaitReady} returned. */
    public int port() {
        return boundPort;
    }

    public String url() {
        return "http://127.0.0.1:" + boundPort;
    }

    /** The running process (null before {@link #start}). */
    public ChildProcess process() {
        return process;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM (the service closes cleanly: Streams commits and closes its stores), SIGKILL after {@code grace}. */
    public boolean stop(Duration grace) throws InterruptedException {
        return process == null || process.stop(grace);
    }

    /** SIGKILL, as a crash or an OOM kill would end it. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    public String tail(int lines) {
        return process.tail(lines);
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(60));
    }
}
