package dev.followup.executor.config;

import dev.followup.events.WebhookTargets;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code followup.webhooks.allowed-targets}: CIDR blocks and host names webhooks may reach although they are
 * loopback, private, link-local or otherwise internal (none by default; the local profile allows loopback). The same
 * key configures ingest's check at {@code PUT /v1/settings}.
 */
@ConfigurationProperties("followup.webhooks")
public record WebhookTargetProperties(List<String> allowedTargets) {

    public WebhookTargetProperties {
        allowedTargets = allowedTargets == null ? List.of() : List.copyOf(allowedTargets);
        WebhookTargets.allowing(allowedTargets); // a malformed entry stops the start, naming it
    }

    public WebhookTargets targets() {
        return WebhookTargets.allowing(allowedTargets);
    }
}
