package dev.followup.executor.content;

import dev.followup.events.UnsubscribeTokens;
import dev.followup.events.v1.DueTask;

/**
 * The unsubscribe link of an email draft (RFC 8058): {@code <base-url>/v1/unsubscribe/<token>}, the token signed
 * for the task's tenant, lead and address ({@link UnsubscribeTokens}). The providers put it in the
 * {@code List-Unsubscribe} header; the body ends with a short line showing it unless the tenant turned that off
 * ({@code TenantSettings.unsubscribeLine}).
 */
public final class UnsubscribeLinks {

    /** The line's text before the URL. */
    public static final String LINE = "To stop receiving these emails: ";

    private final UnsubscribeTokens tokens;
    private final String baseUrl;

    /** @param tokens null, like {@code baseUrl}, when links are off (not configured) */
    public UnsubscribeLinks(UnsubscribeTokens tokens, String baseUrl) {
        this.tokens = tokens;
        this.baseUrl = baseUrl;
    }

    public static UnsubscribeLinks disabled() {
        return new UnsubscribeLinks(null, null);
    }

    public boolean enabled() {
        return tokens != null && baseUrl != null;
    }

    /**
     * The draft with its unsubscribe URL and, when {@code line}, the line at the end of the body; unchanged when links
     * are off or the task has no address (the provider refuses such a task anyway).
     */
    public RenderedDraft addTo(DueTask task, RenderedDraft draft, boolean line) {
        String address = task.getContact().getEmail();
        if (!enabled() || address == null || address.isBlank()) {
            return draft;
        }
        String url = UnsubscribeTokens.url(baseUrl, tokens.sign(task.getTenantId(), task.getLeadId(), address));
        String body = draft.body() == null ? "" : draft.body();
        return new RenderedDraft(draft.subject(), line ? body.stripTrailing() + "\n\n" + LINE + url + "\n" : body, url);
    }
}
