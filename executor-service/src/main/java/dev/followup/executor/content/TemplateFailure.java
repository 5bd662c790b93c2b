package dev.followup.executor.content;

/** A template that is missing, does not compile or needs a value the task lacks: a permanent failure. */
public class TemplateFailure extends RuntimeException {

    public TemplateFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public TemplateFailure(String message) {
        super(message);
    }
}
