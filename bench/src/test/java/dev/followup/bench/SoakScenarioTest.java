package dev.followup.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakScenarioTest {

    private static Map<String, Object> row(double minutes, double mb) {
        return Map.of("minutes", minutes, "rocksdbMB", mb);
    }

    @Test
    void flatnessLooksOnlyPastTheHorizonAndGivesTheTrendPerTenMinutes() {
        // grows 5 MB a minute until the horizon (2 min), then 0.1 MB a minute
        List<Map<String, Object>> rows = List.of(row(0, 0), row(1, 5), row(2, 10), row(3, 10.1), row(4, 10.2),
                row(5, 10.3));

        Figure f = SoakScenario.flatness("rocksdb_mb", "RocksDB", "MB", rows, 2,
                r -> SoakScenario.num(r, "rocksdbMB"));

        assertThat(f.values().get("horizon")).isEqualTo(10.0);
        assertThat(f.values().get("end")).isEqualTo(10.3);
        assertThat(f.values().get("max")).isEqualTo(10.3);
        assertThat(f.values().get("per10min")).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aRunShorterThanTheHorizonSaysSo() {
        Figure f = SoakScenario.flatness("rocksdb_mb", "RocksDB", "MB", List.of(row(0, 0), row(1, 5)), 2,
                r -> SoakScenario.num(r, "rocksdbMB"));

        assertThat(f.label()).contains("too short to pass the horizon");
        assertThat(f.values().get("horizon")).isNaN();
    }

    @Test
    void stateBytesAreCountedByStore(@TempDir Path dir) throws Exception {
        Path tasks = Files.createDirectories(dir.resolve("app/0_1/rocksdb/tasks"));
        Path journey = Files.createDirectories(dir.resolve("app/0_2/rocksdb/lead-journey"));
        Files.write(tasks.resolve("000001.sst"), new byte[100]);
        Files.write(dir.resolve("app/0_2/rocksdb/tasks.sst"), new byte[0]);
        Files.write(journey.resolve("000002.sst"), new byte[30]);
        Files.write(dir.resolve("app/0_1/.checkpoint"), new byte[7]);

        assertThat(SoakScenario.storeBytes(dir)).containsEntry("tasks", 100L).containsEntry("lead-journey", 30L)
                .containsEntry("other", 7L);
    }

    @Test
    void prometheusSamplesAreSummedByATag() {
        String page = """
                # HELP followup_scheduler_purged_total Entries deleted
                followup_scheduler_purged_total{application="scheduler-service",store="tasks"} 120.0
                followup_scheduler_purged_total{application="scheduler-service",store="lead-tasks"} 120.0
                kafka_stream_state_estimate_num_keys{rocksdb_state_id="tasks",task_id="0_0"} 10.0
                kafka_stream_state_estimate_num_keys{rocksdb_state_id="tasks",task_id="0_1"} 5.0
                kafka_stream_state_estimate_num_keys_other{rocksdb_state_id="tasks"} 99.0
                """;

        assertThat(SoakScenario.sumBy(page, "followup_scheduler_purged_total", "store"))
                .containsEntry("tasks", 120.0).containsEntry("lead-tasks", 120.0);
        assertThat(SoakScenario.sumBy(page, "kafka_stream_state_estimate_num_keys", "rocksdb_state_id"))
                .containsExactly(Map.entry("tasks", 15.0));
    }
}
