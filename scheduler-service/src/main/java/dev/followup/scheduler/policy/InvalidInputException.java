package dev.followup.scheduler.policy;

/** An input record that decodes but cannot be applied (the message names the field and the value); it is dead-lettered. */
public class InvalidInputException extends RuntimeException {

    public InvalidInputException(String message) {
        super(message);
    }
}
