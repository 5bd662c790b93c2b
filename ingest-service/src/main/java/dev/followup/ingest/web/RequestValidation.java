package dev.followup.ingest.web;

import dev.followup.events.BlackoutDates;
import dev.followup.events.Identifiers;
import dev.followup.events.TenantGrants;
import dev.followup.events.WebhookTargets;
import dev.followup.ingest.problem.FieldProblem;
import dev.followup.ingest.problem.InvalidRequestException;
import dev.followup.ingest.problem.TenantMismatchException;
import dev.followup.ingest.security.Tenant;
import dev.followup.ingest.validation.Constraints;
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
 * across fields (the body's tenant is the caller's, event times are not in the future) or with the caller's tenant
 * (settings name webhook targets the operator allows and references granted to that tenant). Every problem is
 * reported at once.
 */
public class RequestValidation {

    /** How far in the future an {@code occurredAt} may be (clock skew between systems). */
    static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    private final Validator validator;
    private final Clock clock;
    private final WebhookTargets webhookTargets;
    private final TenantGrants grants;
    private final Duration recurrenceMinInterval;

    /** @param recurrenceMinInterval a recurring step more frequent than this is refused; null: 1m */
    public RequestValidation(Validator validator, Clock clock, WebhookTargets webhookTargets, TenantGrants grants,
            Duration recurrenceMinInterval) {
        this.recurrenceMinInterval = recurrenceMinInterval == null ? Duration.ofMinutes(1) : recurrenceMinInterval;
        this.validator = validator;
        this.clock = clock;
        this.webhookTargets = webhookTargets;
        this.grants = grants;
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
        List<FieldProblem> problems = problems(tenant, pathIds, body);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        if (body instanceof Bodies.Scoped scoped && scoped.tenantId() != null && !scoped.tenantId().equals(tenant.id())) {
            throw new TenantMismatchException();
        }
    }

    List<FieldProblem> problems(Tenant tenant, Map<String, String> pathIds, Object body) {
        List<FieldProblem> problems = new ArrayList<>();
        pathIds.forEach((name, value) -> {
            if (!Identifiers.isValid(value)) {
                problems.add(FieldProblem.of(name, value, value == null ? "is required"
                        : Identifiers.PROBLEM));
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
        if (body instanceof Bodies.PauseBody pause && pause.until() != null) {
            Instant until = Constraints.parseInstant(pause.until());
            Instant at = body instanceof Bodies.Timed timed && Constraints.parseInstant(timed.occurredAt()) != null
                    ? Constraints.parseInstant(timed.occurredAt()) : clock.instant();
            if (until != null && !until.isAfter(at)) {
                problems.add(FieldProblem.of("until", pause.until(),
                        "must be after the pause (occurredAt, or now when absent)"));
            }
        }
        if (body instanceof Bodies.SequenceBody sequence && sequence.steps() != null) {
            for (int i = 0; i < sequence.steps().size(); i++) {
                Bodies.StepBody step = sequence.steps().get(i);
                String prefix = "steps[" + i + "].repeat.";
                if (step != null && step.repeat() != null
                        && problems.stream().noneMatch(p -> p.field().startsWith(prefix))) {
                    Constraints.tooFrequent(step.repeat(), recurrenceMinInterval).ifPresent(problem -> problems.add(
                            FieldProblem.of(prefix + problem.field(), problem.value(), problem.message())));
                }
            }
        }
        if (body instanceof Bodies.SettingsBody settings && settings.blackoutDates() != null
                && problems.stream().noneMatch(p -> p.field().startsWith("blackoutDates"))) {
            try {
                BlackoutDates.parse(settings.blackoutDates()); // the entries are fine one by one: their total
            } catch (IllegalArgumentException e) {
                problems.add(FieldProblem.of("blackoutDates", null, e.getMessage().replaceFirst("^blackoutDates ", "")));
            }
        }
        if (body instanceof Bodies.SettingsBody settings && settings.channels() != null) {
            settings.channels().forEach((channel, c) -> {
                if (c != null) {
                    problems.addAll(channelProblems(tenant, "channels[" + channel + "].", c));
                }
            });
        }
        return problems;
    }

    /**
     * The tenant boundary of a channel: its webhook may only reach targets the operator allows (no SSRF into the
     * cluster), and it may only name secret and mailbox references granted to the caller's tenant. A reference that
     * is not granted reads exactly like one that does not exist.
     */
    private List<FieldProblem> channelProblems(Tenant tenant, String prefix, Bodies.ChannelBody c) {
        List<FieldProblem> problems = new ArrayList<>();
        String url = c.webhookUrl();
        if (url != null) {
            webhookTargets.problemWith(url).ifPresent(problem -> problems.add(url.contains("@")
                    // user information may hold a password: a URL that may carry one is never echoed
                    ? FieldProblem.redacted(prefix + "webhookUrl", problem)
                    : FieldProblem.of(prefix + "webhookUrl", url, problem)));
        }
        // an invalid identifier is already reported by Bean Validation
        String secretRef = c.webhookSecretRef();
        if (Identifiers.isValid(secretRef) && !grants.mayUseWebhookSecret(tenant.id(), secretRef)) {
            problems.add(FieldProblem.of(prefix + "webhookSecretRef", secretRef,
                    TenantGrants.unusable("webhookSecretRef", secretRef)));
        }
        String mailboxRef = c.mailboxRef();
        if (Identifiers.isValid(mailboxRef) && !grants.mayUseMailbox(tenant.id(), mailboxRef)) {
            problems.add(FieldProblem.of(prefix + "mailboxRef", mailboxRef,
                    TenantGrants.unusable("mailboxRef", mailboxRef)));
        }
        return problems;
    }

    /** {@code attributes[k].<map value>} → {@code attributes[k]}; {@code sendWindow.<optional element>.start} → {@code sendWindow.start}. */
    private static String path(ConstraintViolation<?> v) {
        return v.getPropertyPath().toString().replaceAll("\\.?<[^>]+>", "");
    }
}
