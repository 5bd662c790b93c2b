package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static dev.followup.scheduler.topology.SchedulerDriver.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.v1.Channel;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.StepType;
import dev.followup.scheduler.config.SchedulerMetrics;
import dev.followup.scheduler.policy.AddressSuppression;
import dev.followup.scheduler.policy.ScheduledTask;
import dev.followup.scheduler.policy.TaskIds;
import dev.followup.scheduler.policy.TaskStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tenants' suppression lists: an opted-out address gets no more email from any lead of the same tenant. */
class AddressSuppressionRulesTest {

    private static final String ADDRESS = "Ada.Lovelace@Example.com";
    private static final Duration LEADS = Duration.ofDays(180);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SchedulerDriver d = new SchedulerDriver(SchedulerSettings.defaults().withRetention(
            new RetentionSettings(Duration.ofDays(30), Duration.ofDays(30), LEADS, Duration.ofSeconds(1), 500)),
            new SchedulerMetrics(registry));

    @AfterEach
    void close() {
        d.close();
    }

    private void optedOut(String leadId, String address) {
        d.capturedWithEmail("acme", leadId, address, null);
        d.engaged(leadId, d.now(), EngagementKind.OPTED_OUT);
    }

    private List<KeyValue<String, AddressSuppression.Entry>> list() {
        KeyValueStore<String, AddressSuppression.Entry> store =
                d.driver.getKeyValueStore(SchedulerTopology.ADDRESS_SUPPRESSIONS_STORE);
        List<KeyValue<String, AddressSuppression.Entry>> out = new ArrayList<>();
        try (KeyValueIterator<String, AddressSuppression.Entry> it = store.all()) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void aLaterLeadWithAnOptedOutAddressGetsItsEmailSkippedWithTheReasonInJourneyAndReceipts() {
        optedOut("lead-1", ADDRESS);
        assertThat(list()).singleElement().satisfies(e -> {
            assertThat(e.key).isEqualTo(AddressSuppression.key("acme", "ada.lovelace@example.com"));
            assertThat(e.value.since()).isEqualTo(START);
        });

        d.capturedWithEmail("acme", "lead-2", "  ada.lovelace@EXAMPLE.com ", 0.9);
        d.advance(Duration.ofMinutes(30));
        assertThat(d.emitted(Channel.EMAIL)).as("no email reaches the executor").isEmpty();
        ScheduledTask first = d.task(TaskIds.leadScore("acme", "lead-2", 0));
        assertThat(first.status()).isEqualTo(TaskStatus.SKIPPED);
        assertThat(first.statusDetail()).isEqualTo("address unsubscribed");
        assertThat(d.publishedReceipts()).singleElement().satisfies(r -> {
            assertThat(r.getTaskId()).isEqualTo(first.taskId());
            assertThat(r.getStatus()).isEqualTo(ReceiptStatus.SKIPPED);
            assertThat(r.getError()).isEqualTo("address unsubscribed");
            assertThat(r.getProvider()).isEqualTo("scheduler");
        });
        assertThat(d.journey("lead-2")).filteredOn(e -> e.type().equals("receipt")).singleElement()
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo("SKIPPED");
                    assertThat(e.detail()).isEqualTo("address unsubscribed");
                });
        d.advance(Duration.ofHours(2));
        assertThat(d.emitted(Channel.EMAIL)).isEmpty();
        assertThat(d.task(TaskIds.leadScore("acme", "lead-2", 1)).status()).isEqualTo(TaskStatus.SKIPPED);
        assertThat(registry.get("followup.scheduler.tasks.suppressed").tag("channel", "email").counter().count())
                .isEqualTo(2.0);
        assertThat(registry.get("followup.scheduler.addresses.suppressed").counter().count()).isEqualTo(1.0);
    }

    @Test
    void smsAndCallsOfThatLeadGoOnAndASequenceMovesPastTheSkippedEmail() {
        optedOut("lead-1", ADDRESS);
        d.capturedWithEmail("acme", "lead-2", ADDRESS, null);
        d.sequence("welcome", true, step(StepType.EMAIL, "0m"), step(StepType.SMS, "1h"));
        d.enroll("enroll-1", "lead-2", "welcome", null);
        d.scheduleTask("cmd-call", "lead-2", Channel.CALL, START.plus(Duration.ofMinutes(5)));
        d.advance(Duration.ofMinutes(5));

        assertThat(d.task(TaskIds.sequenceStep("acme", "lead-2", "welcome", 1, 0)).status())
                .isEqualTo(TaskStatus.SKIPPED);
        assertThat(d.emitted(Channel.CALL)).hasSize(1);
        d.advance(Duration.ofHours(1));
        assertThat(d.emitted(Channel.SMS)).extracting(DueTask::getTaskId)
                .containsExactly(TaskIds.sequenceStep("acme", "lead-2", "welcome", 1, 1));
    }

    @Test
    void theSameAddressOfAnotherTenantIsUnaffected() {
        optedOut("lead-1", ADDRESS);
        d.capturedWithEmail("globex", "lead-1", ADDRESS, 0.9);
        d.capturedWithEmail("acme", "lead-2", ADDRESS, 0.9);
        d.advance(Duration.ofMinutes(30));

        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getTenantId).containsExactly("globex");
        assertThat(AddressSuppression.key("acme", ADDRESS)).isNotEqualTo(AddressSuppression.key("globex", ADDRESS))
                .startsWith("acme:");
        assertThat(list()).hasSize(1);
    }

    @Test
    void aPendingEmailOfAnotherLeadIsSkippedWhenItComesDueAfterTheOptOut() {
        d.capturedWithEmail("acme", "lead-2", ADDRESS, 0.9); // planned before anyone opted out
        d.advance(Duration.ofMinutes(10));
        optedOut("lead-1", ADDRESS);
        d.advance(Duration.ofMinutes(20));
        assertThat(d.emitted(Channel.EMAIL)).isEmpty();
        assertThat(d.task(TaskIds.leadScore("acme", "lead-2", 0)).status()).isEqualTo(TaskStatus.SKIPPED);
    }

    @Test
    void theEntryOutlivesTheLeadsErasureAndRetentionAndHoldsNoAddress() {
        optedOut("lead-1", ADDRESS);
        d.erased("lead-1", d.now());
        d.advance(LEADS.plus(Duration.ofDays(2)));
        assertThat(d.journey("lead-1")).as("the lead itself is long purged").isEmpty();

        d.capturedWithEmail("acme", "lead-3", ADDRESS, 0.9);
        d.advance(Duration.ofMinutes(30));
        assertThat(d.emitted(Channel.EMAIL)).isEmpty();
        assertThat(d.task(TaskIds.leadScore("acme", "lead-3", 0)).statusDetail()).isEqualTo("address unsubscribed");
        assertThat(list()).singleElement().satisfies(e -> assertThat(e.key + e.value)
                .doesNotContainIgnoringCase("lovelace").doesNotContainIgnoringCase("example.com"));
    }

    @Test
    void anAddressLearntAfterTheOptOutIsSuppressedToo() {
        d.engaged("lead-1", d.now(), EngagementKind.OPTED_OUT); // no address known yet: nothing to suppress
        assertThat(list()).isEmpty();
        d.capturedWithEmail("acme", "lead-1", ADDRESS, null);
        assertThat(list()).hasSize(1);
    }

    @Test
    void aBounceBlocksOnlyTheBouncedLeadsEmailAndSuppressesNoAddress() {
        d.capturedWithEmail("acme", "lead-1", ADDRESS, null);
        d.engaged("lead-1", d.now(), EngagementKind.BOUNCED);
        d.scheduleTask("cmd-1", "lead-1", Channel.EMAIL, START.plus(Duration.ofMinutes(1)));
        d.capturedWithEmail("acme", "lead-2", ADDRESS, 0.9);
        d.advance(Duration.ofMinutes(30));

        assertThat(d.task(TaskIds.manual("acme", "cmd-1"))).as("blocked: not even created").isNull();
        assertThat(list()).isEmpty();
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getLeadId).containsExactly("lead-2");
    }
}
