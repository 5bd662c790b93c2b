package dev.followup.executor.config;

import dev.followup.events.TenantGrants;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code followup.grants}: which tenants may name which secret and mailbox references. The same keys configure ingest,
 * which refuses other references at {@code PUT /v1/settings}.
 *
 * @param webhookSecrets tenants by {@code webhookSecretRef}: {@code followup.grants.webhook-secrets.crm=acme,globex}
 * @param mailboxes      tenants by {@code mailboxRef}: {@code followup.grants.mailboxes.sales=acme}
 */
@ConfigurationProperties("followup.grants")
public record GrantProperties(Map<String, List<String>> webhookSecrets, Map<String, List<String>> mailboxes) {

    public TenantGrants grants() {
        return new TenantGrants(webhookSecrets, mailboxes);
    }
}
