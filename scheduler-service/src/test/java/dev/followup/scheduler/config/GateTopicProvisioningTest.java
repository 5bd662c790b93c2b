package dev.followup.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.scheduler.topology.GateTopics;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** The scheduler's own topics on a real broker: created like the lead topics, once; a mismatch stops the start. */
@WithKafka
class GateTopicProvisioningTest {

    @Test
    void createsTheGateTopicsCoPartitionedWithTheLeadTopicsAndNamesAPartitionMismatch(TestKafka kafka) throws Exception {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        GateTopics topics = GateTopics.of("provisioning-test");
        GateTopicProvisioning.ensure(config, "provisioning-test", -1);
        GateTopicProvisioning.ensure(config, "provisioning-test", -1); // a second instance starting: nothing to do

        try (Admin admin = Admin.create(config)) {
            Map<String, TopicDescription> created = admin.describeTopics(topics.all()).allTopicNames().get();
            assertThat(created.values()).allSatisfy(t -> assertThat(t.partitions()).hasSize(kafka.partitions()));
            ConfigResource decisions = new ConfigResource(ConfigResource.Type.TOPIC, topics.decisions());
            assertThat(admin.describeConfigs(List.of(decisions)).all().get().get(decisions)
                    .get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo(Long.toString(7L * 24 * 3600 * 1000));
            ConfigResource suppressions = new ConfigResource(ConfigResource.Type.TOPIC, topics.suppressions());
            assertThat(admin.describeConfigs(List.of(suppressions)).all().get().get(suppressions)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).as("kept for good").isEqualTo("compact");

            admin.createTopics(List.of(new NewTopic(GateTopics.of("mismatch").decisions(), kafka.partitions() + 1,
                    (short) 1))).all().get();
        }
        assertThatThrownBy(() -> GateTopicProvisioning.ensure(config, "mismatch", -1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mismatch-quota-decisions-repartition has " + (kafka.partitions() + 1) + " partitions");
    }
}
