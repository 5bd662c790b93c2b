package dev.followup.ingest.config;

import dev.followup.events.Identifiers;
import dev.followup.events.TenantGrants;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which tenants may name which reference in their settings, prefix {@code followup.grants}; the same properties the
 * executor reads, so both refuse the same settings.
 *
 * <p>Environment variables cannot spell a map key with '-' (FOLLOWUP_GRANTS_WEBHOOKSECRETS_GLOBEX_CRM would bind
 * key {@code globex.crm}), so the Helm chart passes one comma list per reference and keeps reference names lower-case
 * alphanumeric, e.g. {@code FOLLOWUP_GRANTS_WEBHOOKSECRETS_CRM=acme,globex}.
 *
 * @param webhookSecrets tenants by {@code webhookSecretRef}: {@code followup.grants.webhook-secrets.<ref>=acme,globex}
 * @param mailboxes      tenants by {@code mailboxRef}: {@code followup.grants.mailboxes.<ref>=acme}
 *                       ({@value TenantGrants#LOCAL_MAILBOX} needs no grant)
 */
@ConfigurationProperties("followup.grants")
public record GrantProperties(@DefaultValue Map<String, List<String>> webhookSecrets,
        @DefaultValue Map<String, List<String>> mailboxes) {

    public GrantProperties {
        webhookSecrets = checked("followup.grants.webhook-secrets", webhookSecrets);
        mailboxes = checked("followup.grants.mailboxes", mailboxes);
    }

    public TenantGrants grants() {
        return new TenantGrants(webhookSecrets, mailboxes);
    }

    /** A grant naming something that is not a tenant id would silently grant nothing: refuse it at startup. */
    private static Map<String, List<String>> checked(String prefix, Map<String, List<String>> grants) {
        if (grants == null) {
            return Map.of();
        }
        Map<String, List<String>> copy = new TreeMap<>();
        grants.forEach((ref, tenants) -> {
            Identifiers.require(prefix + " key", ref);
            List<String> ids = tenants == null ? List.of() : tenants.stream().filter(t -> t != null && !t.isBlank())
                    .map(String::strip).toList();
            ids.forEach(tenant -> Identifiers.require(prefix + "." + ref + "[]", tenant));
            copy.put(ref, ids);
        });
        return Collections.unmodifiableMap(copy);
    }
}
