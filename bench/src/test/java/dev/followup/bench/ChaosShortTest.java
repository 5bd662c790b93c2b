package dev.followup.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The short chaos run of the test suite: the real broker (a process), 2 schedulers and 2 executors from their packaged
 * jars, 2,000 leads due over 40 s, one scheduler and one executor killed with SIGKILL and restarted, the broker
 * restarted once; nothing may be lost, duplicated, early or drafted twice. {@code ./followup chaos} is the long run.
 * It is part of {@code ./mvnw -B verify} (about two minutes on two cores); {@code -Dfollowup.chaos=false} skips it,
 * {@code ./mvnw -B -pl bench verify} after a build of the services runs it alone.
 */
@DisabledIfSystemProperty(named = "followup.chaos", matches = "false")
class ChaosShortTest {

    @Test
    void twoThousandLeadsSurviveAKillOfEachKindAndABrokerRestartExactlyOnce() throws Exception {
        String kafkaClasspath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("slf4j-simple")) // the broker logs through its own backend
                .collect(Collectors.joining(File.pathSeparator));
        ChaosOptions options = ChaosOptions.parse(new String[] {
                "--scheduler-jar", serviceJar("scheduler-service").toString(),
                "--executor-jar", serviceJar("executor-service").toString(),
                "--kafka-classpath", kafkaClasspath, "--out-dir", "target/chaos",
                "--leads", "2000", "--spread", "40s", "--lead", "30s", "--kill-every", "12s", "--kills", "2",
                "--broker-restart", "25s", "--settle", "15m", "--stall", "120s", "--seed", "42"});

        ChaosResult result = Chaos.run(options);

        assertThat(result.expected()).isEqualTo(2250); // 2000 leads, 200 canceled, 450 sequence leads with 2 steps
        assertThat(result.emitted()).isEqualTo(result.expected());
        assertThat(result.counts()).allSatisfy((defect, count) -> assertThat(count).as(defect).isZero());
    }

    /** The service's executable jar, built by its module before this one. */
    private static Path serviceJar(String module) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("..", module, "target"))) {
            return files.filter(f -> f.getFileName().toString().matches(module + "-[^-]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(module + " is not packaged: run the "
                            + "build from the project root (./mvnw -B verify)"));
        }
    }
}
