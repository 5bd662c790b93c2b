package dev.followup.ingest.api;

import dev.followup.events.Identifiers;
import dev.followup.ingest.security.Tenant;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a request as a whole: the ids in its path, its body (Bean Validation) and the rules the contract implies
 * across fields (the body's tenant is the caller's, event times are not in the future). Every problem is reported
 * at once.
 */
public class RequestValidation {

    /** How far in the future an {@code occurredAt} may be (clock skew between systems). */
    static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    private final Validator validator;
    private final Clock clock;

    public RequestValidation(Validator validator, Clock clock) {
        this.validator = validator;
        this.clock = clock;
    }

    /** Ordered id fields of a path, e.g. {@code ids("leadId", leadId)}. */
    public static Map<String, String> ids(String... nameValue) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            out.put(nameValue[i], nameValue[i + 1]);
        }
        return out;
    }

    /**
     * @throws InvalidRequestException   400: every invalid field
     * @throws TenantMismatchException   403: the body names another tenant
     */
    public void check(Tenant tenant, Map<String, String> pathIds, Object body) {
        List<FieldProblem> problems = problems(pathIds, body);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        if (body instanceof Bodies.Scoped scoped && scoped.tenantId() != null && !scoped.tenantId().equals(tenant.id())) {
            throw new TenantMismatchException();
        }
    }

    List<FieldProblem> problems(Map<String, String> pathIds, Object body) {
        List<FieldProblem> problems = new ArrayList<>();
        pathIds.forEach((name, value) -> {
            if (!Identifiers.isValid(value)) {
                problems.add(FieldProblem.of(name, value, value == null ? "is required"
                        : "must be 1-128 characters of letters, digits, '.', '_', '-' and '@'"));
            }
        });
        if (body == null) {
            problems.add(FieldProblem.of("body", null, "a JSON body is required"));
            return problems;
        }
        validator.validate(body).stream()
                .sorted(Comparator.comparing((ConstraintViolation<Object> v) -> v.getPropertyPath().toString())
                        .thenComparing(ConstraintViolation::getMessage))
                .forEach(v -> problems.add(FieldProblem.of(path(v), v.getInvalidValue(), v.getMessage())));
        if (body instanceof Bodies.Timed timed) {
            Instant at = Constraints.parseInstant(timed.occurredAt());
            if (at != null && at.isAfter(clock.instant().plus(MAX_FUTURE_SKEW))) {
                problems.add(FieldProblem.of("occurredAt", timed.occurredAt(),
                        "must not be in the future (more than " + MAX_FUTURE_SKEW.toMinutes() + " minutes ahead)"));
            }
        }
        return problems;
    }

    /** {@code attributes[k].<map value>} → {@code attributes[k]}; {@code sendWindow.<optional element>.start} → {@code sendWindow.start}. */
    private static String path(ConstraintViolation<?> v) {
        return v.getPropertyPath().toString().replaceAll("\\.?<[^>]+>", "");
    }
}
