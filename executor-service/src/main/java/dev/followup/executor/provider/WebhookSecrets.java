package dev.followup.executor.provider;

import dev.followup.events.TenantGrants;
import java.util.Map;

/**
 * Signing secrets by reference: tenant settings name them ({@code webhookSecretRef}), configuration holds them
 * ({@code followup.executor.secrets.<ref>}), and a reference resolves only for the tenants it is granted to
 * ({@code followup.grants.webhook-secrets.<ref>}), so no tenant can have a body signed with another tenant's secret.
 */
public final class WebhookSecrets {

    private final Map<String, String> secrets;
    private final TenantGrants grants;

    public WebhookSecrets(Map<String, String> secrets, TenantGrants grants) {
        this.secrets = secrets;
        this.grants = grants;
    }

    /**
     * The secret {@code ref} names for {@code tenantId}.
     *
     * @throws ProviderFailure (permanent) when the reference is missing, not granted to the tenant, or has no value:
     *                         nothing goes out unsigned, and the last two read alike
     */
    public String require(String tenantId, String ref) {
        if (ref == null || ref.isBlank()) {
            throw ProviderFailure.permanent("channels.webhookSecretRef is missing: webhook drafts are never sent unsigned");
        }
        String secret = secrets.get(ref);
        if (!grants.mayUseWebhookSecret(tenantId, ref) || secret == null || secret.isEmpty()) {
            throw ProviderFailure.permanent(TenantGrants.unusable("webhookSecretRef", ref));
        }
        return secret;
    }

    /** A secret the operator names (the outbox's default signing secret), granted to every tenant by that choice. */
    public String operatorSecret(String ref) {
        return ref == null ? null : secrets.get(ref);
    }
}
