package dev.followup.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.events.v1.TenantSettings;
import dev.followup.scheduler.config.GateTopicProvisioning;
import dev.followup.scheduler.config.SchedulerProperties;
import dev.followup.scheduler.config.StreamsConfiguration;
import dev.followup.scheduler.topology.SchedulerEvents;
import dev.followup.scheduler.topology.SchedulerSettings;
import dev.followup.scheduler.topology.SchedulerTopology;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The engine on the real broker: 1,000 tasks due within a few seconds, the app stopped mid-way (closed without
 * cleaning its state) and a new instance started on the same state: every task is emitted exactly once, none early,
 * through the tenant-keyed quota gate and back (requests and answers in flight at the stop included).
 */
@WithKafka
class ExactlyOnceRestartTest {

    private static final int TASKS = 1000;

    private final SchedulerProperties props = new SchedulerProperties("scheduler-restart-test", Duration.ofMillis(100),
            2000, Path.of("target", "it-state", UUID.randomUUID().toString()).toString(), 1, 0, "", Duration.ofMillis(100),
            Duration.ofSeconds(30), null, null, 200);

    private KafkaStreams start(TestKafka kafka) {
        // 1,000 tasks in a few seconds: a quota that lets them all through (the gate still sees every one)
        kafka.send(Topics.TENANT_SETTINGS, "acme", TenantSettings.newBuilder().setTenantId("acme")
                .setMaxTasksPerDay(100_000).build());
        GateTopicProvisioning.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), props.applicationId(), -1);
        KafkaStreams streams = new KafkaStreams(SchedulerTopology.build(
                new SchedulerSettings(props.punctuateInterval(), props.maxEmitsPerTick(), null, props.applicationId()),
                SchedulerEvents.NONE),
                StreamsConfiguration.of(props, kafka.bootstrapServers(), "", SchedulerEvents.NONE));
        streams.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        return streams;
    }

    /**
     * 300 tasks due within the first 3 seconds, 700 within 30-33 s: the app is stopped after some of the first ones,
     * so the rest fire after the restart (most of them overdue by then).
     */
    private static Instant dueAt(Instant base, int i) {
        return i < 300 ? base.plusMillis(i * 10L) : base.plusSeconds(30).plusMillis((i - 300) * 4L);
    }

    /** Closes as the app does on shutdown: commits, leaves the group, keeps the local state (no cleanUp). */
    private static void close(KafkaStreams streams) {
        assertThat(streams.close(CloseOptions.timeout(Duration.ofSeconds(120))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))).as("closed in time").isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.NOT_RUNNING);
    }

    @Test
    void everyTaskIsEmittedExactlyOnceAndNeverEarlyAcrossARestart(TestKafka kafka) {
        KafkaStreams first = start(kafka);
        Instant base = Instant.now().plusSeconds(2);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProperties(),
                new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            AvroSerializer<Command> serializer = new AvroSerializer<>(Command.class);
            for (int i = 0; i < TASKS; i++) {
                String lead = "lead-" + (i % 97);
                Command command = Command.newBuilder().setCommandId("cmd-" + i).setTenantId("acme").setLeadId(lead)
                        .setIssuedAt(Instant.now())
                        .setPayload(ScheduleTask.newBuilder().setChannel(Channel.SMS)
                                .setDueAt(dueAt(base, i)).build())
                        .build();
                producer.send(new ProducerRecord<>(Topics.COMMANDS, LeadKey.of("acme", lead).toString(),
                        serializer.serialize(Topics.COMMANDS, command)));
            }
            producer.flush();
        }

        kafka.awaitRecords(Topics.dueTasks(Channel.SMS), DueTask.class, 1, Duration.ofSeconds(60));
        close(first);
        int beforeRestart = kafka.readAll(Topics.dueTasks(Channel.SMS), DueTask.class, r -> true).size();

        KafkaStreams second = start(kafka);
        try {
            kafka.awaitRecords(Topics.dueTasks(Channel.SMS), DueTask.class, TASKS, Duration.ofSeconds(90));
            List<ConsumerRecord<String, DueTask>> all = kafka.readAll(Topics.dueTasks(Channel.SMS), DueTask.class, r -> true);
            Map<String, Long> perTask = all.stream()
                    .collect(Collectors.groupingBy(r -> r.value().getTaskId(), Collectors.counting()));

            System.out.printf("restart test: %d emitted before the restart, %d after; max firing lag %d ms%n",
                    beforeRestart, all.size() - beforeRestart, all.stream()
                            .mapToLong(r -> r.value().getEmittedAt().toEpochMilli() - r.value().getDueAt().toEpochMilli())
                            .max().orElse(0));
            assertThat(beforeRestart).as("the app was stopped mid-way").isBetween(1, TASKS - 1);
            assertThat(perTask).hasSize(TASKS);
            assertThat(perTask.values()).allMatch(n -> n == 1);
            assertThat(all).allSatisfy(r -> {
                assertThat(r.value().getEmittedAt()).isAfterOrEqualTo(r.value().getDueAt());
                assertThat(Instant.ofEpochMilli(r.timestamp())).isAfterOrEqualTo(r.value().getDueAt());
                assertThat(r.key()).isEqualTo("acme:" + r.value().getLeadId());
            });
        } finally {
            close(second);
        }
    }

    @Test
    void poisonInputIsDeadLetteredOnTheRealBrokerAndTheAppKeepsRunning(TestKafka kafka) {
        KafkaStreams streams = start(kafka);
        try {
            kafka.sendBytes(Topics.BOOKING_EVENTS, "acme:lead-x", "garbage".getBytes(StandardCharsets.UTF_8));
            List<ConsumerRecord<String, byte[]>> dlq = kafka.awaitRawRecords(Topics.dlq(Topics.BOOKING_EVENTS),
                    r -> true, 1, Duration.ofSeconds(60));
            Map<String, String> headers = TestKafka.headers(dlq.get(0));
            assertThat(headers.get("followup.error")).contains("cannot decode record");
            assertThat(headers).containsEntry("followup.source.topic", Topics.BOOKING_EVENTS);
            assertThat(new String(dlq.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("garbage");
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        } finally {
            close(streams);
        }
    }

    /**
     * The global tables (tenant settings, sequences) are read by every instance and restored at every start: poison
     * there must neither stop a start nor a running app. Undecodable records are skipped (counted by the DLQ metric,
     * logged as record.dead_lettered), and the tenant keeps its last good settings.
     */
    @Test
    void poisonOnTheGlobalTablesStopsNeitherTheStartNorTheRunningApp(TestKafka kafka) {
        byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8);
        byte[] wrongType = new AvroSerializer<>(Command.class).serialize(Topics.COMMANDS, Command.newBuilder()
                .setCommandId("c").setTenantId("acme").setLeadId("l").setIssuedAt(Instant.now())
                .setPayload(ScheduleTask.newBuilder().setChannel(Channel.SMS).setDueAt(Instant.now()).build()).build());
        kafka.sendBytes(Topics.TENANT_SETTINGS, "acme", garbage);
        kafka.sendBytes(Topics.SEQUENCES, "acme:welcome", wrongType);
        KafkaStreams streams = start(kafka);
        try {
            kafka.sendBytes(Topics.TENANT_SETTINGS, "acme", wrongType);
            kafka.sendBytes(Topics.SEQUENCES, "acme:welcome", garbage);
            Command command = Command.newBuilder().setCommandId("after-poison").setTenantId("acme").setLeadId("lead-p")
                    .setIssuedAt(Instant.now()).setPayload(ScheduleTask.newBuilder().setChannel(Channel.CALL)
                            .setDueAt(Instant.now()).build()).build();
            kafka.send(Topics.COMMANDS, "acme:lead-p", command);
            kafka.awaitRecords(Topics.dueTasks(Channel.CALL), DueTask.class,
                    r -> r.value().getLeadId().equals("lead-p"), 1, Duration.ofSeconds(60));
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        } finally {
            close(streams);
        }
    }
}
