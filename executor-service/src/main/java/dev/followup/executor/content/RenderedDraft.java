package dev.followup.executor.content;

/**
 * A task's content after rendering: the subject (null where the channel has none), the body, and for email the
 * unsubscribe URL of its {@code List-Unsubscribe} header (null when links are off).
 */
public record RenderedDraft(String subject, String body, String unsubscribeUrl) {

    public RenderedDraft(String subject, String body) {
        this(subject, body, null);
    }
}
