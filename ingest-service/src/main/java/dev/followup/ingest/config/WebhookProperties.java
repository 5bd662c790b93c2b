package dev.followup.ingest.config;

import dev.followup.events.WebhookTargets;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where tenants' webhooks may point, prefix {@code followup.webhooks}.
 *
 * @param allowedTargets CIDR blocks ({@code 10.1.0.0/16}, {@code ::1/128}) and host names a webhook URL may name
 *                       although the SSRF rule of {@link WebhookTargets} refuses them (loopback, private,
 *                       link-local...); empty by default, so only public targets are accepted
 */
@ConfigurationProperties("followup.webhooks")
public record WebhookProperties(@DefaultValue List<String> allowedTargets) {

    public WebhookProperties {
        allowedTargets = allowedTargets == null ? List.of() : List.copyOf(allowedTargets);
        // parsed once here so that a malformed entry fails binding at startup, naming the entry
        WebhookTargets.allowing(allowedTargets);
    }

    public WebhookTargets targets() {
        return WebhookTargets.allowing(allowedTargets);
    }
}
