package dev.followup.ingest.web;

import dev.followup.ingest.problem.FieldProblem;
import dev.followup.ingest.problem.InvalidRequestException;
import dev.followup.ingest.problem.JsonProblems;
import dev.followup.ingest.publish.EventIds;
import dev.followup.ingest.publish.IdempotencyCache;
import dev.followup.ingest.publish.Outbound;
import dev.followup.ingest.publish.Published;
import dev.followup.ingest.security.Tenant;
import dev.followup.ingest.web.Bodies.BookingBody;
import dev.followup.ingest.web.Bodies.CancelBookingBody;
import dev.followup.ingest.web.Bodies.EngagementBody;
import dev.followup.ingest.web.Bodies.EnrollBody;
import dev.followup.ingest.web.Bodies.LeadBody;
import dev.followup.ingest.web.Bodies.MarkerBody;
import dev.followup.ingest.web.Bodies.PauseBody;
import dev.followup.ingest.web.Bodies.RescheduleBody;
import dev.followup.ingest.web.Bodies.ScoreBody;
import dev.followup.ingest.web.Bodies.TaskBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/events:batch}: NDJSON for backfills, one operation per line,
 * {@code {"type": "lead"|"score"|..., <the endpoint's path ids>, <the endpoint's body fields>}}.
 * Every line is validated first; if any is invalid nothing is published and the answer is 400 naming each bad
 * line's fields ({@code lines[3].leadId}); otherwise all lines are published in order and the answer is 202 with a
 * result per line.
 */
@RestController
public class BatchController {

    public static final String NDJSON = "application/x-ndjson";
    static final int MAX_LINES = 10_000;

    /** What one line type needs: its path ids, its body type and how it becomes a record. */
    private record Operation(List<String> pathIds, Class<?> bodyType, Builder builder) {
    }

    @FunctionalInterface
    private interface Builder {
        Outbound build(Tenant tenant, Map<String, String> ids, Object body, String eventId);
    }

    /** One line's result in a 202. */
    public record LineResult(int line, String type, String eventId, String topic, int partition, long offset) {
    }

    public record BatchAccepted(int accepted, List<LineResult> results) {
    }

    private final Map<String, Operation> operations;
    private final Intake intake;
    private final RequestValidation validation;
    private final JsonMapper json;

    public BatchController(Intake intake, RequestValidation validation, ContractRecords r, JsonMapper json) {
        this.intake = intake;
        this.validation = validation;
        this.json = json;
        Map<String, Operation> ops = new LinkedHashMap<>();
        ops.put("lead", new Operation(List.of(), LeadBody.class, (t, i, b, id) -> r.lead(t, (LeadBody) b, id)));
        ops.put("score", new Operation(List.of("leadId"), ScoreBody.class,
                (t, i, b, id) -> r.score(t, i.get("leadId"), (ScoreBody) b, id)));
        ops.put("engagement", new Operation(List.of("leadId"), EngagementBody.class,
                (t, i, b, id) -> r.engagement(t, i.get("leadId"), (EngagementBody) b, id)));
        ops.put("erase", new Operation(List.of("leadId"), MarkerBody.class,
                (t, i, b, id) -> r.erase(t, i.get("leadId"), (MarkerBody) b, id)));
        ops.put("booking", new Operation(List.of(), BookingBody.class, (t, i, b, id) -> r.booking(t, (BookingBody) b, id)));
        ops.put("reschedule", new Operation(List.of("bookingId"), RescheduleBody.class,
                (t, i, b, id) -> r.reschedule(t, i.get("bookingId"), (RescheduleBody) b, id)));
        ops.put("cancelBooking", new Operation(List.of("bookingId", "leadId"), CancelBookingBody.class,
                (t, i, b, id) -> r.cancelBooking(t, i.get("bookingId"), i.get("leadId"), (CancelBookingBody) b, id)));
        ops.put("enroll", new Operation(List.of("leadId", "sequenceId"), EnrollBody.class,
                (t, i, b, id) -> r.enroll(t, i.get("leadId"), i.get("sequenceId"), (EnrollBody) b, id)));
        ops.put("pause", new Operation(List.of("leadId"), PauseBody.class,
                (t, i, b, id) -> r.pause(t, i.get("leadId"), (PauseBody) b, id)));
        ops.put("resume", new Operation(List.of("leadId"), MarkerBody.class,
                (t, i, b, id) -> r.resume(t, i.get("leadId"), (MarkerBody) b, id)));
        ops.put("task", new Operation(List.of(), TaskBody.class, (t, i, b, id) -> r.task(t, (TaskBody) b, id)));
        ops.put("cancelTask", new Operation(List.of("taskId", "leadId"), MarkerBody.class,
                (t, i, b, id) -> r.cancelTask(t, i.get("taskId"), i.get("leadId"), (MarkerBody) b, id)));
        this.operations = Map.copyOf(ops);
    }

    @PostMapping(path = "/v1/events:batch", consumes = NDJSON, produces = "application/json")
    public ResponseEntity<BatchAccepted> batch(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = EventController.KEY, required = false) String key) throws IOException {
        Intake.checkKey(key);
        String text = utf8(request.getInputStream());
        String route = Intake.route(request);
        List<String> lines = text.lines().toList();
        List<FieldProblem> problems = new ArrayList<>();
        List<Outbound> outbound = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1);
            if (line.isBlank()) {
                continue;
            }
            if (lineNumbers.size() >= MAX_LINES) {
                problems.add(FieldProblem.of("lines", lines.size(), "a batch holds at most " + MAX_LINES + " lines"));
                break;
            }
            lineNumbers.add(n);
            String prefix = "lines[" + n + "].";
            List<FieldProblem> lineProblems = new ArrayList<>();
            Outbound built = parseLine(tenant, key, route, n, line, lineProblems, types);
            lineProblems.forEach(p -> problems.add(p.prefixed(prefix)));
            if (built != null) {
                outbound.add(built);
            }
        }
        if (lineNumbers.isEmpty() && problems.isEmpty()) {
            problems.add(FieldProblem.of("body", null, "a batch needs at least one NDJSON line"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        IdempotencyCache.Outcome<BatchAccepted> outcome = intake.idempotency().once(tenant.id(), key,
                sha256(route + "\n" + text), () -> {
                    List<Published> published = intake.publish(tenant, outbound);
                    List<LineResult> results = new ArrayList<>();
                    for (int i = 0; i < published.size(); i++) {
                        Published p = published.get(i);
                        results.add(new LineResult(lineNumbers.get(i), types.get(i), p.eventId(), p.topic(),
                                p.partition(), p.offset()));
                    }
                    return new BatchAccepted(results.size(), results);
                });
        return intake.warnAbout(ResponseEntity.accepted(), outbound)
                .header(Intake.REPLAYED_HEADER, String.valueOf(outcome.replayed())).body(outcome.response());
    }

    private Outbound parseLine(Tenant tenant, String key, String route, int n, String line, List<FieldProblem> problems,
            List<String> types) {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JacksonException e) {
            problems.add(JsonProblems.from(e));
            return null;
        }
        if (!(node instanceof ObjectNode object)) {
            problems.add(FieldProblem.of("line", null, "must be a JSON object"));
            return null;
        }
        JsonNode typeNode = object.remove("type");
        Operation op = typeNode != null && typeNode.isString() ? operations.get(typeNode.asString()) : null;
        if (op == null) {
            problems.add(FieldProblem.of("type", typeNode == null ? null : typeNode.toString(),
                    "must be one of lead, score, engagement, erase, booking, reschedule, cancelBooking, enroll, "
                            + "pause, resume, task, cancelTask"));
            return null;
        }
        Map<String, String> ids = new LinkedHashMap<>();
        for (String name : op.pathIds()) {
            JsonNode v = object.remove(name);
            ids.put(name, v != null && v.isString() ? v.asString() : v == null ? null : v.toString());
        }
        Object body;
        try {
            body = json.treeToValue(object, op.bodyType());
        } catch (JacksonException e) {
            problems.add(JsonProblems.from(e));
            return null;
        }
        problems.addAll(validation.problems(tenant, ids, body));
        if (body instanceof Bodies.Scoped s && s.tenantId() != null && !s.tenantId().equals(tenant.id())) {
            problems.add(FieldProblem.of("tenantId", s.tenantId(),
                    "is not the caller's tenant: the tenant always comes from the credential"));
        }
        if (!problems.isEmpty()) {
            return null;
        }
        types.add(typeNode.asString());
        return op.builder().build(tenant, ids, body, EventIds.of(tenant.id(), key, route, n));
    }

    private static String utf8(InputStream in) throws IOException {
        byte[] bytes = in.readAllBytes();
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException(FieldProblem.of("body", null, "is not valid UTF-8"));
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
