package dev.followup.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs({OS.LINUX, OS.MAC})
class ChildProcessTest {

    @TempDir
    Path dir;

    @Test
    void aProcessThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        ChildProcess stubborn = ChildProcess.start("stubborn",
                List.of("sh", "-c", "trap '' TERM; echo ignoring TERM; exec sleep 60"), dir, dir.resolve("s.log"), false);
        awaitLogLine(dir.resolve("s.log"), "ignoring TERM");

        boolean stoppedByItself = stubborn.stop(Duration.ofMillis(500));

        assertThat(stoppedByItself).isFalse();
        assertThat(stubborn.isAlive()).isFalse();
    }

    @Test
    void aProcessFoundByItsPidStopsOnSigterm() throws Exception {
        ChildProcess started = ChildProcess.start("sleeper", List.of("sleep", "60"), dir, dir.resolve("p.log"), true);
        ChildProcess found = ChildProcess.attach("sleeper", started.pid(), dir.resolve("p.log")).orElseThrow();

        assertThat(found.stop(Duration.ofSeconds(10))).isTrue();
        assertThat(started.isAlive()).isFalse();
        assertThat(ChildProcess.attach("sleeper", started.pid(), dir.resolve("p.log"))).isEmpty();
    }

    private static void awaitLogLine(Path log, String line) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!(Files.exists(log) && Files.readString(log).contains(line)) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
