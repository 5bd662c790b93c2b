package dev.followup.ingest.problem;

import dev.followup.ingest.config.IngestProperties;
import dev.followup.ingest.publish.BrokerUnavailableException;
import dev.followup.ingest.publish.IdempotencyConflictException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error as {@code application/problem+json} (RFC 9457): Spring MVC's own (415, 405, 404...) through the base
 * class, and this API's: 400 with every invalid field, 403, 413, 422, 429 and 503 with {@code Retry-After}. Bad input
 * never reaches a 500.
 */
@RestControllerAdvice
public class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    private final IngestProperties properties;

    public ProblemAdvice(IngestProperties properties) {
        this.properties = properties;
    }

    @ExceptionHandler(InvalidRequestException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRequestException e) {
        log.atInfo().setMessage("request.rejected").addKeyValue("status", 400)
                .addKeyValue("fields", e.problems().stream().map(FieldProblem::field).distinct().toList()).log();
        return problem(Problems.invalid(e.problems()));
    }

    @ExceptionHandler(TenantMismatchException.class)
    ResponseEntity<ProblemDetail> tenantMismatch(TenantMismatchException e) {
        log.atInfo().setMessage("request.rejected").addKeyValue("status", 403)
                .addKeyValue("reason", "tenant-mismatch").log();
        return problem(Problems.forbidden(e.getMessage()));
    }

    @ExceptionHandler(IdempotencyConflictException.class)
    ResponseEntity<ProblemDetail> idempotencyConflict(IdempotencyConflictException e) {
        return problem(Problems.of(HttpStatus.UNPROCESSABLE_CONTENT, "idempotency-key-reused",
                "Idempotency-Key reused", e.getMessage()));
    }

    @ExceptionHandler(BodyTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(BodyTooLargeException e) {
        return problem(Problems.tooLarge(e.limit()));
    }

    @ExceptionHandler(RateLimitedException.class)
    ResponseEntity<ProblemDetail> rateLimited(RateLimitedException e) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.rateLimited(e.retryAfterSeconds(), e.limited()));
    }

    @ExceptionHandler(BrokerUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(BrokerUnavailableException e) {
        long seconds = Math.max(1, properties.retryAfter().toSeconds());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.unavailable(seconds));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof BodyTooLargeException tooLarge) {
                return cast(problem(Problems.tooLarge(tooLarge.limit())));
            }
        }
        FieldProblem problem = ex.getCause() instanceof JacksonException j ? JsonProblems.from(j)
                : FieldProblem.of("body", null, "a JSON body is required");
        log.atInfo().setMessage("request.rejected").addKeyValue("status", 400)
                .addKeyValue("fields", List.of(problem.field())).log();
        return cast(problem(Problems.invalid(List.of(problem))));
    }

    /** Spring MVC's own problems (404, 405, 406, 415...) get a type of this API, and a 415 names the header. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        if (body == null && ex instanceof org.springframework.web.ErrorResponse error) {
            body = error.updateAndGetBody(getMessageSource(), java.util.Locale.ROOT);
        }
        if (body instanceof ProblemDetail p && (p.getType() == null || "about:blank".equals(p.getType().toString()))) {
            HttpStatus status = HttpStatus.resolve(statusCode.value());
            String slug = status == null ? "error" : status.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
            p.setType(java.net.URI.create(Problems.PREFIX + slug));
            if (ex instanceof HttpMediaTypeNotSupportedException unsupported) {
                p.setProperty("errors", List.of(FieldProblem.of("Content-Type", unsupported.getContentType(),
                        "must be one of " + unsupported.getSupportedMediaTypes())));
            }
        }
        HttpHeaders out = new HttpHeaders();
        out.putAll(headers);
        out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return super.handleExceptionInternal(ex, body, out, statusCode, request);
    }

    private static ResponseEntity<ProblemDetail> problem(ProblemDetail p) {
        return ResponseEntity.status(p.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> e) {
        return (ResponseEntity) e;
    }
}
