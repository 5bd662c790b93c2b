package dev.followup.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ReportTest {

    private static ScenarioResult burst() {
        Latency lag = new Latency();
        for (int ms = 1; ms <= 100; ms++) {
            lag.record(ms);
        }
        return new ScenarioResult("burst", 42.4, new double[] {1.5, 1.25, 1}, new double[] {2, 1.5, 1.1}, List.of(
                Figure.rate("drain_fired_per_s", "scheduler drain", 60_000, 240_000).atLeast(80_000),
                Figure.latency("firing_lag_ms", "firing lag", lag.summary()).atMost(100),
                Figure.count("lost", "lost", 0).atMost(0)), List.of("100,000 timers all due at the same instant"));
    }

    @Test
    void theTableShowsEachFigureItsRatioToTheCeilingAndWhetherItsGoalWasMet() {
        String table = new Report(Map.of(), List.of(burst())).table();

        assertThat(table).containsPattern("burst\\s+scheduler drain\\s+60,000/s\\s+0\\.250\\s+≥ 80,000/s  MISSED");
        assertThat(table).containsPattern("firing lag\\s+p50 50 · p95 95 · p99 99 · max 100 ms\\s+p99 ≤ 100 ms  met");
        assertThat(table).containsPattern("lost\\s+0\\s+≤ 0  met");
        assertThat(table).contains("burst: 42 s, load 1.50/1.25/1.00 → 2.00/1.50/1.10",
                "  - 100,000 timers all due at the same instant");
    }

    @Test
    void theJsonKeepsEveryValueUnderItsStableKey() {
        JsonNode json = JsonMapper.builder().build().readTree(
                new Report(Map.of("run", "20261122-101500"), List.of(burst())).json());

        assertThat(json.get("run").asString()).isEqualTo("20261122-101500");
        JsonNode figures = json.get("scenarios").get(0).get("figures");
        assertThat(figures.get("drain_fired_per_s").get("value").asDouble()).isEqualTo(60_000);
        assertThat(figures.get("drain_fired_per_s").get("ratioToCeiling").asDouble()).isEqualTo(0.25);
        assertThat(figures.get("drain_fired_per_s").get("met").asBoolean()).isFalse();
        assertThat(figures.get("firing_lag_ms").get("p99").asDouble()).isEqualTo(99);
        assertThat(figures.get("firing_lag_ms").has("ratioToCeiling")).isFalse();
        assertThat(json.get("scenarios").get(0).get("loadAverage").get("start").get(0).asDouble()).isEqualTo(1.5);
    }

    @Test
    void aLatencyGoalIsJudgedOnTheP99AndASizeGoalOnItsValue() {
        Latency lag = new Latency();
        for (int i = 0; i < 98; i++) {
            lag.record(10);
        }
        lag.record(150);
        lag.record(150);

        assertThat(Figure.latency("lag", "lag", lag.summary()).atMost(100).met()).isFalse();
        assertThat(Figure.quantity("disk", "disk", 187.4, "B").atMost(200))
                .extracting(Figure::target, Figure::met).containsExactly("≤ 200 B", true);
    }

    @Test
    void earlyFiringsAreCountedApartAndRecordedAsZero() {
        Latency lag = new Latency();
        lag.record(-5);
        lag.record(20);

        assertThat(lag.negative()).isEqualTo(1);
        assertThat(lag.count()).isEqualTo(2);
        assertThat(lag.percentile(50)).isZero();
        assertThat(lag.max()).isEqualTo(20);
    }

    @Test
    void anEmptyDistributionReportsZeroesNotAnError() {
        assertThat(new Latency().summary()).containsEntry("p99", 0.0).containsEntry("max", 0.0);
    }

    @Test
    void numbersAreGroupedAndSmallFractionsKeepOneDecimal() {
        assertThat(Report.withUnit(84_312.4, "/s")).isEqualTo("84,312/s");
        assertThat(Report.withUnit(18.46, "MB")).isEqualTo("18.5 MB");
        assertThat(Report.withUnit(3, "")).isEqualTo("3");
        assertThat(Report.number(Double.NaN)).isEqualTo("n/a");
    }

    @Test
    void heapInUseIsSummedFromTheJstatColumnsOfAnyCollector() {
        String g1 = """
                 S0C    S1C    S0U    S1U      EC       EU        OC         OU       MC     MU    CCSC   CCSU   YGC     YGCT    FGC    FGCT     CGC    CGCT     GCT
                 0.0   1024.0  0.0   1000.0  20480.0   2048.0   240640.0    16384.5  60000.0 58000.0 8000.0 7500.0     12    0.100   2      0.200     4    0.010    0.310
                """;

        HeapUsage heap = HeapUsage.parseJstat(g1);

        assertThat(heap.used()).isEqualTo(Math.round((1000.0 + 2048.0 + 16384.5) * 1024));
        assertThat(heap.committed()).isEqualTo(Math.round((1024.0 + 20480.0 + 240640.0) * 1024));
    }
}
