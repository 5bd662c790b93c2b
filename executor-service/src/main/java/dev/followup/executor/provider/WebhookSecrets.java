package dev.followup.executor.provider;

import java.util.Map;

/** Signing secrets by reference: tenant settings name them ({@code webhookSecretRef}), configuration holds them. */
public final class WebhookSecrets {

    private final Map<String, String> secrets;

    public WebhookSecrets(Map<String, String> secrets) {
        this.secrets = secrets;
    }

    /** @throws ProviderFailure (permanent) when the reference or its value is missing: nothing goes out unsigned */
    public String require(String ref) {
        if (ref == null || ref.isBlank()) {
            throw ProviderFailure.permanent("channels.webhookSecretRef is missing: webhook drafts are never sent unsigned");
        }
        String secret = secrets.get(ref);
        if (secret == null || secret.isEmpty()) {
            throw ProviderFailure.permanent("webhookSecretRef '" + ref + "' is not configured (followup.executor.secrets."
                    + ref + ")");
        }
        return secret;
    }

    public String find(String ref) {
        return ref == null ? null : secrets.get(ref);
    }
}
