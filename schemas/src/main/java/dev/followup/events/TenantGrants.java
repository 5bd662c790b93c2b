package dev.followup.events;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which tenants may name which secret and mailbox references in their settings ({@code webhookSecretRef},
 * {@code mailboxRef}): {@code followup.grants.webhook-secrets.<ref>} and {@code followup.grants.mailboxes.<ref>}, each
 * a list of tenant ids. Configuration holds the secrets themselves (the executor's {@code followup.executor.secrets}
 * and {@code .mailboxes}); a reference resolves only for the tenants it is granted to, so one tenant can never sign
 * with another's secret nor draft into another's mailbox. Ingest reads the same grants to refuse such settings at
 * {@code PUT /v1/settings}; the executor always refuses them.
 *
 * <p>A reference that is not granted to the tenant reads exactly like one that does not exist: {@link #unusable}
 * is the one text for both, so a tenant cannot probe which references exist.
 */
public final class TenantGrants {

    /** The references a tenant picks that are not secrets themselves and need no grant. */
    public static final String LOCAL_MAILBOX = "local";

    private final Map<String, Set<String>> webhookSecrets;
    private final Map<String, Set<String>> mailboxes;

    public TenantGrants(Map<String, List<String>> webhookSecrets, Map<String, List<String>> mailboxes) {
        this.webhookSecrets = copy(webhookSecrets);
        this.mailboxes = copy(mailboxes);
    }

    public static TenantGrants none() {
        return new TenantGrants(Map.of(), Map.of());
    }

    public boolean mayUseWebhookSecret(String tenantId, String ref) {
        return granted(webhookSecrets, tenantId, ref);
    }

    /** The local Maildir ({@value #LOCAL_MAILBOX}) is each tenant's own directory and needs no grant. */
    public boolean mayUseMailbox(String tenantId, String ref) {
        return LOCAL_MAILBOX.equals(ref) || granted(mailboxes, tenantId, ref);
    }

    /** The granted references by kind, for logs at startup (tenant lists, no secrets). */
    public Map<String, Set<String>> webhookSecretGrants() {
        return webhookSecrets;
    }

    public Map<String, Set<String>> mailboxGrants() {
        return mailboxes;
    }

    /**
     * The one error text for a reference the tenant may not use, whether it exists or not.
     *
     * @param field {@code webhookSecretRef} or {@code mailboxRef}
     */
    public static String unusable(String field, String ref) {
        String shown = ref == null ? "" : ref.length() > 40 ? ref.substring(0, 40) + "..." : ref;
        return field + " '" + shown + "' is not a reference this tenant may use (not configured or not granted)";
    }

    private static boolean granted(Map<String, Set<String>> grants, String tenantId, String ref) {
        Set<String> tenants = ref == null ? null : grants.get(ref);
        return tenants != null && tenantId != null && tenants.contains(tenantId);
    }

    private static Map<String, Set<String>> copy(Map<String, List<String>> grants) {
        Map<String, Set<String>> copy = new TreeMap<>();
        if (grants != null) {
            grants.forEach((ref, tenants) -> copy.put(ref, tenants == null ? Set.of()
                    : tenants.stream().map(String::strip).filter(t -> !t.isEmpty()).collect(Collectors.toUnmodifiableSet())));
        }
        return java.util.Collections.unmodifiableMap(copy);
    }
}
