package dev.followup.ingest.problem;

import java.io.IOException;

/** The body passed the endpoint's size limit while being read: 413. */
public class BodyTooLargeException extends IOException {

    private final long limit;

    public BodyTooLargeException(long limit) {
        super("request body exceeds " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
