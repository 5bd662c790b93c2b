package dev.followup.ingest.problem;

import java.net.URI;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** The problem types of the API (RFC 9457), in one place. */
public final class Problems {

    public static final String PREFIX = "urn:followup:problem:";

    private Problems() {
    }

    public static ProblemDetail of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create(PREFIX + type));
        p.setTitle(title);
        return p;
    }

    public static ProblemDetail invalid(List<FieldProblem> errors) {
        String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid: "
                        + String.join(", ", errors.stream().map(FieldProblem::field).distinct().toList());
        ProblemDetail p = of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", detail);
        p.setProperty("errors", errors);
        return p;
    }

    public static ProblemDetail unauthorized() {
        return of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
                "Send 'Authorization: Bearer <api key or token>' with a valid credential");
    }

    public static ProblemDetail forbidden(String detail) {
        return of(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail);
    }

    public static ProblemDetail tooLarge(long limit) {
        ProblemDetail p = of(HttpStatus.CONTENT_TOO_LARGE, "too-large", "Request body too large",
                "The body exceeds the limit of " + limit + " bytes for this endpoint");
        p.setProperty("limitBytes", limit);
        return p;
    }

    public static ProblemDetail rateLimited(long retryAfterSeconds) {
        return rateLimited(retryAfterSeconds, "The tenant's ingest rate");
    }

    /** @param limited what is over its rate, e.g. "The tenant's ingest rate" */
    public static ProblemDetail rateLimited(long retryAfterSeconds, String limited) {
        return of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
                limited + " is exceeded; retry after " + retryAfterSeconds + " s");
    }

    public static ProblemDetail unavailable(long retryAfterSeconds) {
        return of(HttpStatus.SERVICE_UNAVAILABLE, "broker-unavailable", "Kafka unavailable",
                "The event could not be stored: Kafka did not acknowledge in time. Nothing was accepted; retry after "
                        + retryAfterSeconds + " s (with the same Idempotency-Key)");
    }
}
