package dev.followup.ingest.publish;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness of the publisher: whether the cluster answers a {@code describeCluster} within a short timeout. The
 * answer is cached briefly so probes do not hammer the broker.
 */
public class BrokerHealthIndicator implements HealthIndicator, DisposableBean {

    private final Admin admin;
    private final Duration timeout;
    private final Duration cacheFor;
    private volatile Health last;
    private volatile long lastAt;

    public BrokerHealthIndicator(Map<String, Object> adminProperties, Duration timeout) {
        Map<String, Object> config = new java.util.HashMap<>(adminProperties);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "followup-ingest-health");
        this.admin = Admin.create(config);
        this.timeout = timeout;
        this.cacheFor = Duration.ofSeconds(2);
    }

    @Override
    public Health health() {
        long now = System.nanoTime();
        Health cached = last;
        if (cached != null && now - lastAt < cacheFor.toNanos()) {
            return cached;
        }
        Health fresh;
        try {
            var cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
            int nodes = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            fresh = Health.up().withDetail("clusterId", cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS))
                    .withDetail("brokers", nodes).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fresh = Health.down().withDetail("error", "interrupted").build();
        } catch (Exception e) {
            fresh = Health.down().withDetail("error", e.getClass().getSimpleName()).build();
        }
        last = fresh;
        lastAt = System.nanoTime();
        return fresh;
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
