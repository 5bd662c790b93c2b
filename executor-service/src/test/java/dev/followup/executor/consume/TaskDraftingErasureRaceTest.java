package dev.followup.executor.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadErased;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.executor.TestTasks;
import dev.followup.executor.content.DraftRenderer;
import dev.followup.executor.content.RenderedDraft;
import dev.followup.executor.provider.DraftProvider;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The race of an erasure with a task being drafted, on a real broker: the lead is erased while the provider is making
 * its draft (the erasure's own deletion may already have run); the check after the provider call deletes the draft.
 */
@WithKafka
class TaskDraftingErasureRaceTest {

    private final List<String> drafts = new CopyOnWriteArrayList<>();
    private LeadSuppressions suppressions;
    private TaskDrafting drafting;
    /** What happens to the lead while the provider drafts. */
    private volatile Object duringDraft;

    @BeforeEach
    void start(TestKafka kafka) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        suppressions = new LeadSuppressions(config, Duration.ofHours(1), Clock.systemUTC(), new SimpleMeterRegistry());
        suppressions.start();
        await().atMost(Duration.ofSeconds(60)).until(suppressions::current);
        DraftProvider outbox = new DraftProvider() {
            @Override
            public String name() {
                return "outbox";
            }

            @Override
            public DraftResult draft(DueTask task, RenderedDraft content, ChannelSettings channel) {
                drafts.add(task.getLeadId() + "/" + task.getTaskId());
                kafka.send(Topics.LEAD_EVENTS, task.getTenantId() + ":" + task.getLeadId(), LeadEvent.newBuilder()
                        .setEventId("ev-" + task.getTaskId()).setTenantId(task.getTenantId()).setLeadId(task.getLeadId())
                        .setOccurredAt(Instant.now()).setPayload(duringDraft).build());
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> suppressions.of(task.getTenantId(), task.getLeadId()).isPresent());
                return new DraftResult("line-1", null);
            }

            @Override
            public int erase(String tenantId, String leadId, Channel channel, ChannelSettings settings) {
                int before = drafts.size();
                drafts.removeIf(d -> d.startsWith(leadId + "/"));
                return before - drafts.size();
            }
        };
        drafting = new TaskDrafting(suppressions, new TenantSettingsView(config, new SimpleMeterRegistry()),
                new DraftRenderer(null, 10), Map.of("outbox", outbox), new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        suppressions.stop();
    }

    @Test
    void aLeadErasedWhileItsDraftIsBeingMadeLosesTheDraftAndTheTaskIsSkipped() {
        duringDraft = LeadErased.newBuilder().build();

        DraftOutcome outcome = drafting.draft(TestTasks.task("race", "race-1", Channel.SMS).setLeadId("race-1-lead").build());

        assertThat(outcome).isEqualTo(new DraftOutcome.Terminal(ReceiptStatus.SKIPPED, "outbox", null, null, "lead erased"));
        assertThat(drafts).isEmpty();
    }

    @Test
    void aLeadOptingOutWhileItsDraftIsBeingMadeKeepsTheDraft() {
        duringDraft = LeadEngaged.newBuilder().setKind(EngagementKind.OPTED_OUT).build();

        DraftOutcome outcome = drafting.draft(TestTasks.task("race", "race-2", Channel.SMS).setLeadId("race-2-lead").build());

        assertThat(outcome).isInstanceOfSatisfying(DraftOutcome.Terminal.class,
                t -> assertThat(t.status()).isEqualTo(ReceiptStatus.DRAFTED));
        assertThat(drafts).containsExactly("race-2-lead/race-2");
        // and the next task of that lead is not drafted at all
        assertThat(drafting.draft(TestTasks.task("race", "race-3", Channel.SMS).setLeadId("race-2-lead").build()))
                .isEqualTo(new DraftOutcome.Terminal(ReceiptStatus.SKIPPED, "outbox", null, null, "lead opted out"));
        assertThat(drafts).containsExactly("race-2-lead/race-2");
    }
}
