package dev.followup.ingest.web;

import dev.followup.events.Topics;
import dev.followup.events.view.CompactedTopicView;
import dev.followup.ingest.problem.FieldProblem;
import dev.followup.ingest.problem.InvalidRequestException;
import dev.followup.ingest.publish.EventIds;
import dev.followup.ingest.publish.EventPublisher;
import dev.followup.ingest.publish.IdempotencyCache;
import dev.followup.ingest.publish.Outbound;
import dev.followup.ingest.publish.Published;
import dev.followup.ingest.security.Tenant;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;

/**
 * The path of every write: check the request, derive the id, build the record, publish it once per
 * Idempotency-Key and answer 202 with where the broker stored it.
 */
public class Intake {

    private static final Logger log = LoggerFactory.getLogger(Intake.class);
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private final RequestValidation validation;
    private final EventPublisher publisher;
    private final IdempotencyCache idempotency;
    private final JsonMapper json;
    private final List<CompactedTopicView<?>> views;
    private final EmailLikeLeadIds emailLikeLeadIds;

    public Intake(RequestValidation validation, EventPublisher publisher, IdempotencyCache idempotency,
            JsonMapper json, List<CompactedTopicView<?>> views, EmailLikeLeadIds emailLikeLeadIds) {
        this.validation = validation;
        this.publisher = publisher;
        this.idempotency = idempotency;
        this.json = json;
        this.views = views;
        this.emailLikeLeadIds = emailLikeLeadIds;
    }

    /** Checks, builds with a derived or random id, publishes once per key, answers 202. */
    public ResponseEntity<Published> accept(HttpServletRequest request, Tenant tenant, String idempotencyKey,
            Map<String, String> pathIds, Object body, Function<String, Outbound> build) {
        checkKey(idempotencyKey);
        validation.check(tenant, pathIds, body);
        String route = route(request);
        Outbound outbound = build.apply(EventIds.of(tenant.id(), idempotencyKey, route, 0));
        IdempotencyCache.Outcome<Published> outcome = idempotency.once(tenant.id(), idempotencyKey,
                fingerprint(route, body), () -> publish(tenant, List.of(outbound)).get(0));
        return warnAbout(ResponseEntity.accepted(), List.of(outbound))
                .header(REPLAYED_HEADER, String.valueOf(outcome.replayed())).body(outcome.response());
    }

    /** Adds the {@link EmailLikeLeadIds} warning to an answer if one of {@code records} is keyed by such a lead id. */
    ResponseEntity.BodyBuilder warnAbout(ResponseEntity.BodyBuilder answer, List<Outbound> records) {
        String warning = emailLikeLeadIds.check(records);
        return warning == null ? answer : answer.header(EmailLikeLeadIds.HEADER, warning);
    }

    /** Publishes already checked records (a batch), in order. */
    public List<Published> publish(Tenant tenant, List<Outbound> records) {
        List<Published> published = publisher.publishAll(records);
        for (Published p : published) {
            if (Topics.TENANT_SETTINGS.equals(p.topic()) || Topics.SEQUENCES.equals(p.topic())) {
                views.forEach(v -> v.written(p.topic(), p.partition(), p.offset()));
            }
            log.atInfo().setMessage("ingest.published").addKeyValue("tenant", tenant.id())
                    .addKeyValue("topic", p.topic()).addKeyValue("partition", p.partition())
                    .addKeyValue("offset", p.offset()).addKeyValue("eventId", p.eventId()).log();
        }
        return published;
    }

    public IdempotencyCache idempotency() {
        return idempotency;
    }

    static void checkKey(String key) {
        if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new InvalidRequestException(FieldProblem.of("Idempotency-Key", key,
                    "must be 1-255 printable ASCII characters without spaces"));
        }
    }

    static String route(HttpServletRequest request) {
        String query = request.getQueryString();
        return request.getMethod() + " " + request.getRequestURI() + (query == null ? "" : "?" + query);
    }

    String fingerprint(String route, Object body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(route.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            sha.update(json.writeValueAsBytes(body));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
