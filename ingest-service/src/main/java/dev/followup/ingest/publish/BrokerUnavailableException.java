package dev.followup.ingest.publish;

/** The broker did not acknowledge within the configured bound: the API answers 503 with Retry-After. */
public class BrokerUnavailableException extends RuntimeException {

    public BrokerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
