package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Alert;
import dev.followup.events.v1.AlertKind;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.config.SchedulerMetrics;
import dev.followup.scheduler.policy.FailureAlertPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Consecutive failed receipts of a tenant (across its leads, re-keyed by tenant) raise one alert per streak. */
class FailureAlertRulesTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SchedulerDriver d = new SchedulerDriver(SchedulerSettings.defaults(), new SchedulerMetrics(registry));
    private List<DueTask> tasks;

    /** Ten SMS tasks of ten leads (receipts of different leads land on different partitions in production). */
    @BeforeEach
    void emitTasks() {
        for (int i = 0; i < 10; i++) {
            d.scheduleTask("cmd-" + i, "lead-" + i, Channel.SMS, START.plus(Duration.ofMinutes(1)));
        }
        d.advance(Duration.ofMinutes(1));
        tasks = d.emitted(Channel.SMS);
        assertThat(tasks).hasSize(10);
    }

    @AfterEach
    void close() {
        d.close();
    }

    private List<TestRecord<String, Alert>> receipts(ReceiptStatus... statuses) {
        for (int i = 0; i < statuses.length; i++) {
            d.receipt(tasks.get(i), statuses[i]);
        }
        return d.alerts();
    }

    @Test
    void twoConsecutiveFailuresRaiseAFailureThresholdAlert() {
        List<TestRecord<String, Alert>> alerts = receipts(ReceiptStatus.FAILED, ReceiptStatus.DEAD);

        assertThat(alerts).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("acme");
            assertThat(r.value().getKind()).isEqualTo(AlertKind.FAILURE_THRESHOLD);
            assertThat(r.value().getAlertId()).isEqualTo(FailureAlertPolicy.alertId("acme",
                    tasks.get(1).getTaskId() + "-1"));
            assertThat(r.value().getDetails()).containsEntry("consecutiveFailures", "2").containsEntry("threshold", "2")
                    .containsEntry("taskId", tasks.get(1).getTaskId());
        });
        assertThat(registry.get("followup.scheduler.alerts").tag("kind", "FAILURE_THRESHOLD").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void failSuccessFailRaisesNothing() {
        assertThat(receipts(ReceiptStatus.FAILED, ReceiptStatus.DRAFTED, ReceiptStatus.FAILED)).isEmpty();
    }

    @Test
    void oneAlertPerStreak() {
        assertThat(receipts(ReceiptStatus.FAILED, ReceiptStatus.FAILED, ReceiptStatus.DEAD, ReceiptStatus.FAILED,
                ReceiptStatus.SKIPPED, ReceiptStatus.FAILED)).hasSize(1);
        // a success ends the streak; the next two failures are a new streak, with its own alert
        d.receipt(tasks.get(6), ReceiptStatus.DRAFTED);
        d.receipt(tasks.get(7), ReceiptStatus.FAILED);
        assertThat(d.alerts()).isEmpty();
        d.receipt(tasks.get(8), ReceiptStatus.FAILED);
        assertThat(d.alerts()).singleElement().satisfies(r -> assertThat(r.value().getAlertId())
                .isEqualTo(FailureAlertPolicy.alertId("acme", tasks.get(8).getTaskId() + "-1")));
    }

    @Test
    void theThresholdIsTheTenants() {
        d.tenantSettings(TenantSettings.newBuilder().setTenantId("acme").setFailureAlertThreshold(3).build());
        assertThat(receipts(ReceiptStatus.FAILED, ReceiptStatus.FAILED)).isEmpty();
        d.receipt(tasks.get(2), ReceiptStatus.FAILED);
        assertThat(d.alerts()).hasSize(1);
    }
}
