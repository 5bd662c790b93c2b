package dev.followup.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.followup.events.v1.TenantSettings;
import dev.followup.events.view.CompactedTopicView;
import dev.followup.events.view.CompactedTopicView.Rejection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** The shared compacted-topic view against a real broker: what counts, what is skipped, and when it is current. */
@WithKafka
class CompactedTopicViewTest {

    @Test
    void holdsTheLatestValuePerKeySkippingWhatDoesNotDecodeOrCount(TestKafka kafka) throws Exception {
        String topic = newTopic(kafka, "view-test.rules");
        kafka.send(topic, "acme", SampleRecords.tenantSettings("acme"));
        kafka.send(topic, "gone", SampleRecords.tenantSettings("gone"));
        kafka.send(topic, "gone", null);
        kafka.send(topic, "globex", SampleRecords.tenantSettings("acme"));
        kafka.send(topic, "bad key", SampleRecords.tenantSettings("bad key"));
        kafka.sendBytes(topic, "junk", "not avro".getBytes(StandardCharsets.UTF_8));

        List<Rejection<TenantSettings>> rejections = new CopyOnWriteArrayList<>();
        CompactedTopicView<TenantSettings> view = new CompactedTopicView<>(topic, TenantSettings.class,
                consumerConfig(kafka), "view-test", new CompactedTopicView.RecordFilter<>() {
                    @Override
                    public String keyProblem(String key) {
                        return key != null && key.contains(" ") ? "key has a space" : null;
                    }

                    @Override
                    public String valueProblem(String key, TenantSettings value) {
                        return key.equals(value.getTenantId()) ? null : "another tenant";
                    }
                }, new CompactedTopicView.Listener<>() {
                    @Override
                    public void rejected(Rejection<TenantSettings> rejection) {
                        rejections.add(rejection);
                    }
                });
        view.start();
        try {
            assertThat(view.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            assertThat(view.get("acme")).contains(SampleRecords.tenantSettings("acme"));
            assertThat(view.contains("gone")).as("tombstone").isFalse();
            assertThat(view.contains("globex")).as("value of another tenant").isFalse();
            assertThat(view.contains("junk")).isFalse();
            assertThat(view.size()).isEqualTo(1);
            assertThat(view.skipped()).as("undecodable").isEqualTo(1);
            assertThat(view.rejected()).isEqualTo(2);
            assertThat(rejections).extracting(Rejection::key, Rejection::reason).containsExactlyInAnyOrder(
                    tuple("globex", "another tenant"),
                    tuple("bad key", "key has a space"));

            // followed after catching up; a writer waits for its own write
            RecordMetadata written = kafka.send(topic, "initech", SampleRecords.tenantSettings("initech"));
            view.written(topic, written.partition(), written.offset());
            assertThat(view.awaitWritten(Duration.ofSeconds(30))).isTrue();
            assertThat(view.contains("initech")).isTrue();
            assertThat(view.withKeyPrefix("init")).containsExactly(SampleRecords.tenantSettings("initech"));
        } finally {
            view.stop();
        }
        assertThat(view.isRunning()).isFalse();
    }

    @Test
    void anEmptyTopicIsCaughtUpAtOnce(TestKafka kafka) throws Exception {
        String topic = newTopic(kafka, "view-test.empty");
        CompactedTopicView<TenantSettings> view = new CompactedTopicView<>(topic, TenantSettings.class,
                consumerConfig(kafka), "view-test-empty");
        view.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(view::caughtUp);
            assertThat(view.size()).isZero();
        } finally {
            view.stop();
        }
    }

    private static Map<String, Object> consumerConfig(TestKafka kafka) {
        return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "ignored-by-the-view");
    }

    private static String newTopic(TestKafka kafka, String name) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 2, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        return name;
    }
}
