package dev.followup.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.stack.LocalPorts;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@code ./followup up | tee up.log}, then Ctrl-C: the terminal sends SIGINT to the whole foreground job, so tee dies
 * and the tool's stdout becomes a pipe nobody reads. The tool must still stop the services, then the broker. Runs the
 * tool as the script execs it, in a process group of its own (as a shell job is), on free loopback ports.
 */
@EnabledOnOs(OS.LINUX)
class CtrlCThroughAPipeIT {

    private static final Duration READY = Duration.ofMinutes(10);
    private static final Duration STOPPED = Duration.ofMinutes(3);

    @Test
    void sigintToTheJobWithStdoutAClosedPipeStopsTheServicesThenTheBroker() throws Exception {
        Path dir = Checkout.ROOT.resolve("local-stack/target/ctrl-c/" + Long.toString(System.currentTimeMillis(), 36));
        Path var = dir.resolve("var");
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < 5) {
            ports.add(LocalPorts.free());
        }
        List<Integer> p = List.copyOf(ports);
        Path target = Checkout.ROOT.resolve("local-stack/target");
        // setsid: a process group of its own, as a shell job has; env: SIGINT handled by default even where this test
        // runs in a background job (which ignores SIGINT, and a JVM keeps an ignored SIGINT ignored)
        ProcessBuilder builder = new ProcessBuilder("setsid", "env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dfollowup.root=" + Checkout.ROOT,
                "-Dfollowup.version=" + Checkout.VERSION, "-cp", target.resolve("local-stack-" + Checkout.VERSION + ".jar")
                        + File.pathSeparator + target.resolve("lib") + "/*",
                "dev.followup.local.LocalTool", "up")
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(Files.createDirectories(dir).resolve("stderr.log").toFile()));
        Map<String, String> env = builder.environment();
        env.put("FOLLOWUP_VAR_DIR", var.toString());
        env.put("FOLLOWUP_KAFKA_PORT", p.get(0).toString());
        env.put("FOLLOWUP_CONTROLLER_PORT", p.get(1).toString());
        env.put("FOLLOWUP_INGEST_PORT", p.get(2).toString());
        env.put("FOLLOWUP_SCHEDULER_PORT", p.get(3).toString());
        env.put("FOLLOWUP_EXECUTOR_PORT", p.get(4).toString());
        env.put("FOLLOWUP_READY_TIMEOUT", Long.toString(READY.toSeconds()));
        Process tool = builder.start();
        Map<String, Long> pids = new LinkedHashMap<>();
        try {
            List<String> output = new ArrayList<>();
            // read until the stack runs, then stop reading: no read may hold the pipe open once it is closed
            CompletableFuture<Boolean> running = CompletableFuture.supplyAsync(() -> {
                try {
                    BufferedReader reader = new BufferedReader(new InputStreamReader(tool.getInputStream(),
                            StandardCharsets.UTF_8));
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        output.add(line);
                        if (line.startsWith("Running.")) {
                            return true;
                        }
                    }
                    return false;
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(running.get(READY.toSeconds() + 60, TimeUnit.SECONDS))
                    .as("the stack runs; the tool wrote:\n%s\nstderr: %s", String.join("\n", output),
                            Files.readString(dir.resolve("stderr.log")))
                    .isTrue();
            for (String name : List.of("kafka", "ingest", "scheduler", "executor")) {
                pids.put(name, Long.parseLong(Files.readString(var.resolve("run/" + name + ".pid")).trim()));
            }
            assertThat(pids.values()).allMatch(CtrlCThroughAPipeIT::alive);

            tool.getInputStream().close(); // tee is gone
            assertThat(new ProcessBuilder("kill", "-INT", "--", "-" + tool.pid()).start().waitFor()).isZero();

            Map<String, Instant> gone = new LinkedHashMap<>();
            long deadline = System.nanoTime() + STOPPED.toNanos();
            while (gone.size() < pids.size() && System.nanoTime() < deadline) {
                pids.forEach((name, pid) -> {
                    if (!alive(pid)) {
                        gone.putIfAbsent(name, Instant.now());
                    }
                });
                Thread.sleep(100);
            }
            assertThat(gone).as("stopped within %s", STOPPED).containsOnlyKeys(pids.keySet());
            assertThat(gone.get("kafka")).as("the broker stops after the services")
                    .isAfterOrEqualTo(gone.get("ingest")).isAfterOrEqualTo(gone.get("scheduler"))
                    .isAfterOrEqualTo(gone.get("executor"));
            assertThat(tool.waitFor(30, TimeUnit.SECONDS)).as("the tool exits").isTrue();
            try (Stream<Path> left = Files.list(var.resolve("run"))) {
                assertThat(left).as("pid files left").isEmpty();
            }
        } finally {
            pids.values().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            tool.destroyForcibly();
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
