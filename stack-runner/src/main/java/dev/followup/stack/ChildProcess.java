package dev.followup.stack;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process whose output goes to a log file: started here, or found again by its pid (a stack started by another
 * {@code ./followup}). Stopping is SIGTERM, a bounded wait, then SIGKILL.
 */
public final class ChildProcess {

    private static final Duration AFTER_KILL = Duration.ofSeconds(10);

    private final String name;
    private final ProcessHandle handle;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, ProcessHandle handle, Process process, Path log) {
        this.name = name;
        this.handle = handle;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code command} in {@code workDir} with stdin from /dev/null and stdout and stderr appended to
     * {@code log}. With {@code ownSession} it runs in a session of its own (through {@code setsid}, where there is
     * one): the terminal's Ctrl-C and hang-up do not reach it, so whoever started it decides the order of stopping,
     * and it outlives its starter.
     */
    public static ChildProcess start(String name, List<String> command, Path workDir, Path log, boolean ownSession)
            throws IOException {
        List<String> full = new ArrayList<>();
        Optional<Path> setsid = ownSession ? onPath("setsid") : Optional.empty();
        // setsid execs the command in place (the process is not a group leader), so the pid stays the command's
        setsid.ifPresent(path -> full.add(path.toString()));
        full.addAll(command);
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        if (workDir != null) {
            builder.directory(workDir.toFile());
        }
        Process process = builder.start();
        return new ChildProcess(name, process.toHandle(), process, log);
    }

    /** The process {@code pid} if it is alive (started by another run; its exit status is not known here). */
    public static Optional<ChildProcess> attach(String name, long pid, Path log) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> new ChildProcess(name, h, null, log));
    }

    public String name() {
        return name;
    }

    public long pid() {
        return handle.pid();
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    /** How it ended, for messages: "exited with 1", or "exited" for a process started elsewhere. */
    public String exitDescription() {
        return process != null && !process.isAlive() ? "exited with " + process.exitValue() : "exited";
    }

    /** SIGTERM and return: the process stops in its own time. */
    public void terminate() {
        handle.destroy();
    }

    /** SIGTERM, then SIGKILL if it still runs after {@code grace}; true if it stopped by itself. */
    public boolean stop(Duration grace) throws InterruptedException {
        if (!handle.isAlive()) {
            return true;
        }
        terminate();
        if (awaitExit(grace)) {
            return true;
        }
        kill();
        return false;
    }

    /** SIGKILL, as a crash or an OOM kill would end it, and wait until it is gone. */
    public void kill() throws InterruptedException {
        handle.destroyForcibly();
        awaitExit(AFTER_KILL);
    }

    /** Waits up to {@code timeout} for the process to end; true if it did. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        if (process != null) {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !handle.isAlive();
        }
    }

    /** Resident set size in bytes (Linux {@code /proc}, else {@code ps}); 0 if it is gone. */
    public long rssBytes() throws IOException, InterruptedException {
        Path status = Path.of("/proc", Long.toString(pid()), "status");
        if (Files.isReadable(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
            return 0;
        }
        Process ps = new ProcessBuilder("ps", "-o", "rss=", "-p", Long.toString(pid())).redirectErrorStream(true).start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        ps.waitFor(10, TimeUnit.SECONDS);
        return out.matches("\\d+") ? Long.parseLong(out) * 1024 : 0;
    }

    /** Its command-line arguments (as far as the OS tells). */
    public List<String> arguments() {
        return handle.info().arguments().map(List::of).orElse(List.of());
    }

    /** The last {@code lines} lines of its log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
