package dev.followup.local;

import dev.followup.events.TopicProvisioning;
import dev.followup.events.Topics;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** {@code create-topics}: the contract topics that are missing, on the local broker. */
final class TopicProvisioner {

    private TopicProvisioner() {
    }

    static int run(Options options) throws Exception {
        provision(options.get("bootstrap", "127.0.0.1:9092"),
                Integer.parseInt(options.get("partitions", String.valueOf(Topics.DEFAULT_PARTITIONS))),
                Short.parseShort(options.get("replication-factor", "1")));
        return 0;
    }

    /** The contract topics with their default partitions and one replica: the local stack's. */
    static void provision(String bootstrap) throws Exception {
        provision(bootstrap, Topics.DEFAULT_PARTITIONS, (short) 1);
    }

    private static void provision(String bootstrap, int partitions, short replication) throws Exception {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            TopicProvisioning.Result result = TopicProvisioning.provision(admin, partitions, replication);
            System.out.printf("topics: %d created, %d already there%n", result.created().size(), result.existing().size());
        }
    }
}
