package dev.followup.executor.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.followup.events.Topics;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadErased;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.LeadScored;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The suppression view on a real broker: what it holds is bounded by the horizon, measured by its size. */
@WithKafka
class LeadSuppressionsTest {

    private static final Duration HORIZON = Duration.ofHours(1);

    /** A clock the test moves; the records' timestamps are set against it. */
    private static final class MovableClock extends Clock {
        final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @Test
    void itHoldsOneEntryPerLeadSuppressedWithinTheHorizonAndDropsThemWhenTheyAge(TestKafka kafka) throws Exception {
        String topic = "bound-" + Topics.LEAD_EVENTS; // a topic of its own: the size counts only this test's leads
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        MovableClock clock = new MovableClock();
        long now = clock.millis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 50; i++) { // erased two hours ago: beyond the horizon, never held
                send(producer, topic, now - Duration.ofHours(2).toMillis(), "bound", "old-" + i, LeadErased.newBuilder().build());
            }
            for (int i = 0; i < 20; i++) { // within it, each twice and once opted out too: one entry per lead
                send(producer, topic, now - Duration.ofMinutes(30).toMillis(), "bound", "recent-" + i,
                        LeadEngaged.newBuilder().setKind(EngagementKind.OPTED_OUT).build());
                send(producer, topic, now - Duration.ofMinutes(20).toMillis(), "bound", "recent-" + i, LeadErased.newBuilder().build());
                send(producer, topic, now - Duration.ofMinutes(10).toMillis(), "bound", "recent-" + i, LeadErased.newBuilder().build());
            }
            for (int i = 0; i < 30; i++) { // other lead events are not held at all
                send(producer, topic, now, "bound", "scored-" + i, LeadScored.newBuilder().setPredProb(0.9).build());
            }
            // keyed for one lead, naming another: not held (an erasure deletes drafts)
            producer.send(new ProducerRecord<>(topic, null, now, "bound:victim",
                    bytes("bound", "attacker", LeadErased.newBuilder().build()))).get(30, TimeUnit.SECONDS);
        }
        LeadSuppressions view = new LeadSuppressions(topic, consumerConfig(kafka), HORIZON, clock,
                new SimpleMeterRegistry());
        view.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(view::current);

            assertThat(view.size()).isEqualTo(20);
            assertThat(view.of("bound", "recent-7")).contains(LeadSuppressions.Reason.ERASED);
            assertThat(view.of("bound", "old-7")).isEmpty();
            assertThat(view.of("bound", "scored-7")).isEmpty();
            assertThat(view.of("bound", "victim")).isEmpty();

            clock.millis.addAndGet(Duration.ofMinutes(55).toMillis()); // the erasures at -10 min are now 65 min old
            assertThat(view.of("bound", "recent-7")).as("no longer answered once beyond the horizon").isEmpty();
            await().atMost(Duration.ofSeconds(30)).until(() -> view.size() == 0);
        } finally {
            view.stop();
        }
    }

    @Test
    void anOptOutAfterAnErasureKeepsTheErasure(TestKafka kafka) throws Exception {
        MovableClock clock = new MovableClock();
        LeadSuppressions view = new LeadSuppressions(Topics.LEAD_EVENTS, consumerConfig(kafka), HORIZON, clock,
                new SimpleMeterRegistry());
        view.start();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProperties(),
                new StringSerializer(), new ByteArraySerializer())) {
            await().atMost(Duration.ofSeconds(60)).until(view::current);
            // one partition, so once the marker is read the opt-out before it has been too
            for (Object[] e : new Object[][] {{"lead-1", LeadErased.newBuilder().build()},
                    {"lead-1", LeadEngaged.newBuilder().setKind(EngagementKind.OPTED_OUT).build()},
                    {"marker", LeadEngaged.newBuilder().setKind(EngagementKind.OPTED_OUT).build()}}) {
                producer.send(new ProducerRecord<>(Topics.LEAD_EVENTS, 0, clock.millis(), "order:" + e[0],
                        bytes("order", (String) e[0], e[1]))).get(30, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> view.of("order", "marker").isPresent());

            assertThat(view.of("order", "lead-1")).contains(LeadSuppressions.Reason.ERASED);
        } finally {
            view.stop();
        }
    }

    private static Map<String, Object> consumerConfig(TestKafka kafka) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return config;
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, long timestamp, String tenant, String lead,
            Object payload) throws Exception {
        producer.send(new ProducerRecord<>(topic, null, timestamp, tenant + ":" + lead,
                bytes(tenant, lead, payload))).get(30, TimeUnit.SECONDS);
    }

    private static byte[] bytes(String tenant, String lead, Object payload) {
        LeadEvent event = LeadEvent.newBuilder().setEventId("ev-" + lead + "-" + System.nanoTime()).setTenantId(tenant)
                .setLeadId(lead).setOccurredAt(Instant.now()).setPayload(payload).build();
        return new AvroSerializer<>(LeadEvent.class).serialize(Topics.LEAD_EVENTS, event);
    }
}
