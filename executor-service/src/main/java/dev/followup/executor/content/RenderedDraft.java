package dev.followup.executor.content;

/** A task's content after rendering: the subject (null where the channel has none) and the body. */
public record RenderedDraft(String subject, String body) {
}
