package dev.followup.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.PauseFollowUps;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import dev.followup.scheduler.config.SchedulerProperties;
import dev.followup.scheduler.config.SchedulerStreams;
import dev.followup.scheduler.topology.GateTopics;
import dev.followup.scheduler.topology.SchedulerEvents;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The mailbox loop's scheduler side on the real broker: a suppression entry written by a lead of one partition stops
 * the email of a lead of another partition (the list is a global store over the scheduler's compacted topic), while
 * the same address of another tenant still gets its email; a pause with an end releases its task once, not before.
 */
@WithKafka
class MailboxLoopOnBrokerTest {

    private static final String ADDRESS = "ada@example.com";

    private final SchedulerProperties props = new SchedulerProperties("scheduler-loop-test",
            Duration.ofMillis(100), 2000, Path.of("target", "it-state", UUID.randomUUID().toString()).toString(), 1, 0,
            "localhost:18084", Duration.ofMillis(100), Duration.ofSeconds(30), null,
            new SchedulerProperties.Recurrence(Duration.ofSeconds(1)), 200);

    @Test
    void anOptOutOnOnePartitionSuppressesTheAddressForTheTenantsLeadsOnOthersAndAPauseReleasesItself(TestKafka kafka) {
        for (String tenant : List.of("acme", "globex")) { // the test runs on the wall clock: any day, any hour
            kafka.send(Topics.TENANT_SETTINGS, tenant, TenantSettings.newBuilder().setTenantId(tenant)
                    .setWorkingDays(List.of(Weekday.values())).setSendWindow(null).build());
        }
        String optedOut = "lead-optout";
        String later = otherPartitionThan(kafka, "acme", optedOut);
        SchedulerStreams app = new SchedulerStreams(props, kafka.bootstrapServers(), props.applicationServer(),
                SchedulerEvents.NONE);
        app.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> app.kafkaStreams().state() == KafkaStreams.State.RUNNING);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            leadEvent(kafka, "acme", optedOut, now, LeadCaptured.newBuilder().setName("Ada").setEmail(ADDRESS).build());
            leadEvent(kafka, "acme", optedOut, now, LeadEngaged.newBuilder().setKind(EngagementKind.OPTED_OUT).build());
            kafka.awaitRawRecords(GateTopics.of(props.applicationId()).suppressions(), r -> true, 1,
                    Duration.ofSeconds(30)).forEach(r -> assertThat(r.key())
                    .startsWith("acme:").doesNotContain("example"));
            await().pollDelay(Duration.ofMillis(500)).until(() -> true); // the global thread reads it after the commit

            // captured 30 minutes ago with a hot score: the first follow-up email is due at once
            Instant capturedAt = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MILLIS);
            for (String tenant : List.of("acme", "globex")) {
                leadEvent(kafka, tenant, later, capturedAt, LeadCaptured.newBuilder().setName("Ada")
                        .setEmail(" ADA@example.com").setPredProb(0.9).build());
            }

            List<Receipt> skipped = kafka.awaitRecords(Topics.RECEIPTS, Receipt.class,
                    r -> later.equals(r.value().getLeadId()), 1, Duration.ofSeconds(60)).stream()
                    .map(r -> r.value()).toList();
            assertThat(skipped).singleElement().satisfies(r -> {
                assertThat(r.getTenantId()).isEqualTo("acme");
                assertThat(r.getStatus()).isEqualTo(ReceiptStatus.SKIPPED);
                assertThat(r.getError()).isEqualTo("address unsubscribed");
            });
            List<DueTask> emails = kafka.awaitRecords(Topics.dueTasks(Channel.EMAIL), DueTask.class,
                    r -> later.equals(r.value().getLeadId()), 1, Duration.ofSeconds(60)).stream().map(r -> r.value())
                    .toList();
            assertThat(emails).extracting(DueTask::getTenantId).as("the other tenant's lead gets its email")
                    .containsExactly("globex");

            // a pause with an end: the overdue task waits for it, then fires once
            String paused = "lead-paused";
            Instant until = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
            command(kafka, paused, "cmd-pause", PauseFollowUps.newBuilder().setUntil(until).setReason("out_of_office")
                    .build());
            command(kafka, paused, "cmd-sms", ScheduleTask.newBuilder().setChannel(Channel.SMS)
                    .setDueAt(Instant.now().minusSeconds(60)).build());
            List<DueTask> sms = kafka.awaitRecords(Topics.dueTasks(Channel.SMS), DueTask.class,
                    r -> paused.equals(r.value().getLeadId()), 1, Duration.ofSeconds(60)).stream()
                    .map(r -> r.value()).toList();
            assertThat(sms.get(0).getEmittedAt()).as("not before the pause's end").isAfterOrEqualTo(until);
            await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
            assertThat(kafka.readAll(Topics.dueTasks(Channel.SMS), DueTask.class,
                    r -> paused.equals(r.value().getLeadId()))).as("released once").hasSize(1);
            assertThat(kafka.readAll(Topics.dueTasks(Channel.EMAIL), DueTask.class,
                    r -> later.equals(r.value().getLeadId()) && r.value().getTenantId().equals("acme"))).isEmpty();
        } finally {
            app.stop();
        }
    }

    /** A lead id of {@code tenantId} whose key lands on another partition than {@code leadId}'s. */
    private static String otherPartitionThan(TestKafka kafka, String tenantId, String leadId) {
        int partition = partition(kafka, LeadKey.of(tenantId, leadId).toString());
        for (int i = 0; ; i++) {
            String candidate = "lead-later-" + i;
            if (partition(kafka, LeadKey.of(tenantId, candidate).toString()) != partition) {
                return candidate;
            }
        }
    }

    private static int partition(TestKafka kafka, String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % kafka.partitions();
    }

    private static void leadEvent(TestKafka kafka, String tenantId, String leadId, Instant at, Object payload) {
        kafka.send(Topics.LEAD_EVENTS, LeadKey.of(tenantId, leadId).toString(), LeadEvent.newBuilder()
                .setEventId("ev-" + UUID.randomUUID()).setTenantId(tenantId).setLeadId(leadId).setOccurredAt(at)
                .setPayload(payload).build());
    }

    private static void command(TestKafka kafka, String leadId, String commandId, Object payload) {
        kafka.send(Topics.COMMANDS, LeadKey.of("acme", leadId).toString(), Command.newBuilder().setCommandId(commandId)
                .setTenantId("acme").setLeadId(leadId).setIssuedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setPayload(payload).build());
    }
}
