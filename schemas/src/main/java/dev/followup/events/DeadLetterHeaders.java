package dev.followup.events;

/**
 * The headers a dead-lettered record carries on its {@link Topics#dlq DLQ}, next to its original key and value, so an
 * operator can see why it failed and replay it from where it came. Values are UTF-8 text (numbers in decimal).
 */
public final class DeadLetterHeaders {

    /** Why the record failed (the last error when a task used up its tries). */
    public static final String ERROR = "followup.error";
    /** The class of the exception behind {@link #ERROR}. */
    public static final String ERROR_CLASS = "followup.error.class";
    /** How many tries the executor made (its dead letters only). */
    public static final String ATTEMPTS = "followup.attempts";
    /** Where the record first arrived: kept unchanged across retries. */
    public static final String SOURCE_TOPIC = "followup.source.topic";
    public static final String SOURCE_PARTITION = "followup.source.partition";
    public static final String SOURCE_OFFSET = "followup.source.offset";

    private DeadLetterHeaders() {
    }
}
