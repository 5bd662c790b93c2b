package dev.followup.local;

import dev.followup.events.Topics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** Creates the contract topics (and their DLQs) that are missing; existing topics are left as they are. */
final class TopicProvisioner {

    private TopicProvisioner() {
    }

    static int run(Options options) throws Exception {
        String bootstrap = options.get("bootstrap", "127.0.0.1:9092");
        int partitions = Integer.parseInt(options.get("partitions", String.valueOf(Topics.DEFAULT_PARTITIONS)));
        short replication = Short.parseShort(options.get("replication-factor", "1"));
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = Topics.allNames().stream()
                    .filter(name -> !existing.contains(name))
                    .map(name -> {
                        NewTopic topic = new NewTopic(name, partitions, replication);
                        if (Topics.isCompacted(name)) {
                            topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                        }
                        return topic;
                    })
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            }
            System.out.printf("topics: %d created, %d already there%n", missing.size(),
                    Topics.allNames().size() - missing.size());
        }
        return 0;
    }
}
