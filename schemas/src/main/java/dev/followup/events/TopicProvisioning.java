package dev.followup.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the contract topics (and their DLQs) that are missing, with the given partitions and replication,
 * compacted where the contract says so; existing topics are left as they are. Used by {@code ./followup} and the
 * Helm chart's topic Job ({@code java -cp <service jars> dev.followup.events.TopicProvisioning}).
 *
 * <p>Configuration by environment: {@code KAFKA_BOOTSTRAP_SERVERS} (or {@code SPRING_KAFKA_BOOTSTRAP_SERVERS}),
 * {@code FOLLOWUP_TOPICS_PARTITIONS} (6), {@code FOLLOWUP_TOPICS_REPLICATION_FACTOR} (1), and any Kafka client
 * setting as {@code KAFKA_CLIENT_<NAME>} with dots as underscores (e.g. {@code KAFKA_CLIENT_SECURITY_PROTOCOL},
 * {@code KAFKA_CLIENT_SASL_JAAS_CONFIG}).
 */
public final class TopicProvisioning {

    private TopicProvisioning() {
    }

    /** What {@link #provision} did. */
    public record Result(List<String> created, List<String> existing) {
    }

    public static Result provision(Admin admin, int partitions, short replicationFactor) throws Exception {
        Set<String> present = admin.listTopics().names().get(60, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        for (String name : Topics.allNames()) {
            if (present.contains(name)) {
                existing.add(name);
                continue;
            }
            NewTopic topic = new NewTopic(name, partitions, replicationFactor);
            if (Topics.isCompacted(name)) {
                topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            missing.add(topic);
        }
        if (!missing.isEmpty()) {
            admin.createTopics(missing).all().get(120, TimeUnit.SECONDS);
        }
        return new Result(missing.stream().map(NewTopic::name).toList(), existing);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        Properties props = new Properties();
        env.forEach((k, v) -> {
            if (k.startsWith("KAFKA_CLIENT_")) {
                props.put(k.substring("KAFKA_CLIENT_".length()).toLowerCase().replace('_', '.'), v);
            }
        });
        String bootstrap = env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS",
                env.getOrDefault("SPRING_KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"));
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        int partitions = Integer.parseInt(env.getOrDefault("FOLLOWUP_TOPICS_PARTITIONS", "" + Topics.DEFAULT_PARTITIONS));
        short replication = Short.parseShort(env.getOrDefault("FOLLOWUP_TOPICS_REPLICATION_FACTOR", "1"));
        try (Admin admin = Admin.create(props)) {
            Result result = provision(admin, partitions, replication);
            System.out.printf("topics: %d created %s, %d already there%n", result.created().size(), result.created(),
                    result.existing().size());
        }
    }
}
