package dev.followup.scheduler.api;

import dev.followup.events.Identifiers;
import java.util.List;
import java.util.Set;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.client.RestClientException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The task query API (port 8081), scoped to the caller's tenant: another tenant's task is a 404. */
@RestController
public class TaskQueryController {

    private static final Set<String> CHANNELS = Set.of("EMAIL", "SMS", "CALL");
    private static final Set<String> RECEIPT_STATUSES = Set.of("DRAFTED", "SENT", "SKIPPED", "FAILED", "DEAD");
    private static final Set<String> RECEIPT_STATUSES_RETRYABLE = Set.of("FAILED", "DEAD");
    static final int MAX_RECEIPTS = 500;

    private final TaskQueries queries;
    private final RetryCommands retries;

    public TaskQueryController(TaskQueries queries, RetryCommands retries) {
        this.queries = queries;
        this.retries = retries;
    }

    @GetMapping(path = "/v1/tasks/{taskId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public TaskView task(@RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant, @PathVariable String taskId,
            @RequestHeader(value = TaskQueries.LOCAL_ONLY, required = false) boolean localOnly,
            @RequestAttribute(name = ApiKeyFilter.INTERNAL_ATTRIBUTE, required = false) Boolean internal) {
        requireId("taskId", taskId);
        return queries.task(tenant, taskId, localOnly(localOnly, internal))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "task '" + taskId + "' not found"));
    }

    /**
     * A page of the lead's tasks ({@code limit} 1–500, default 100; {@code order} {@code due} or {@code newest}): the
     * body is the bare array, {@value LeadTaskPage#NEXT_CURSOR} the {@code cursor} of the next page when there is one.
     */
    @GetMapping(path = "/v1/leads/{leadId}/tasks", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<List<TaskView>> leadTasks(@RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
            @PathVariable String leadId, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor, @RequestParam(required = false) String order,
            @RequestHeader(value = TaskQueries.LOCAL_ONLY, required = false) boolean localOnly,
            @RequestAttribute(name = ApiKeyFilter.INTERNAL_ATTRIBUTE, required = false) Boolean internal) {
        requireId("leadId", leadId);
        LeadTaskPage page = queries.leadTasks(tenant, leadId, LeadTaskPage.Request.parse(limit, order, cursor),
                localOnly(localOnly, internal));
        ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
        if (page.nextCursor() != null) {
            answer.header(LeadTaskPage.NEXT_CURSOR, page.nextCursor());
        }
        return answer.body(page.tasks());
    }

    @GetMapping(path = "/v1/leads/{leadId}/enrollments", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<EnrollmentView> leadEnrollments(@RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
            @PathVariable String leadId,
            @RequestHeader(value = TaskQueries.LOCAL_ONLY, required = false) boolean localOnly,
            @RequestAttribute(name = ApiKeyFilter.INTERNAL_ATTRIBUTE, required = false) Boolean internal) {
        requireId("leadId", leadId);
        return queries.leadEnrollments(tenant, leadId, localOnly(localOnly, internal));
    }

    /**
     * A page of the lead's journey in time order ({@code limit} 1–500, default 200: the whole journey); the body is the
     * journey object, {@value LeadTaskPage#NEXT_CURSOR} the {@code cursor} of the next page when there is one.
     */
    @GetMapping(path = "/v1/leads/{leadId}/journey", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<JourneyView> journey(@RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
            @PathVariable String leadId, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor,
            @RequestHeader(value = TaskQueries.LOCAL_ONLY, required = false) boolean localOnly,
            @RequestAttribute(name = ApiKeyFilter.INTERNAL_ATTRIBUTE, required = false) Boolean internal) {
        requireId("leadId", leadId);
        JourneyPage page = queries.journey(tenant, leadId, JourneyPage.Request.parse(limit, cursor),
                localOnly(localOnly, internal));
        ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
        if (page.nextCursor() != null) {
            answer.header(LeadTaskPage.NEXT_CURSOR, page.nextCursor());
        }
        return answer.body(page.view());
    }

    @GetMapping(path = "/v1/receipts", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<ReceiptView> receipts(@RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
            @RequestParam(required = false) String channel, @RequestParam(required = false) String status,
            @RequestParam(defaultValue = "100") String limit, @RequestParam(defaultValue = "true") boolean failuresFirst,
            @RequestHeader(value = TaskQueries.LOCAL_ONLY, required = false) boolean localOnly,
            @RequestAttribute(name = ApiKeyFilter.INTERNAL_ATTRIBUTE, required = false) Boolean internal) {
        requireOneOf("channel", channel, CHANNELS);
        requireOneOf("status", status, RECEIPT_STATUSES);
        int max;
        try {
            max = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            max = -1;
        }
        if (max < 1 || max > MAX_RECEIPTS) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "limit: '" + shorten(limit) + "' is not a whole number from 1 to " + MAX_RECEIPTS);
        }
        return queries.receipts(tenant, channel, status, max, failuresFirst, localOnly(localOnly, internal));
    }

    /**
     * Publishes a {@code RetryTask} command for a FAILED or DEAD task of the caller's tenant (the console's retry
     * button); 404 for an unknown task or another tenant's, 409 for a task in another status.
     */
    @PostMapping(path = "/v1/tasks/{taskId}/retry", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<RetryCommands.Accepted> retry(@RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
            @PathVariable String taskId) {
        requireId("taskId", taskId);
        TaskView task = queries.task(tenant, taskId, false)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "task '" + taskId + "' not found"));
        if (!RECEIPT_STATUSES_RETRYABLE.contains(task.status())) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "task '" + taskId + "' is " + task.status()
                    + "; only FAILED or DEAD tasks can be retried");
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(retries.retry(task));
    }

    @GetMapping(path = "/v1/queue", produces = MediaType.APPLICATION_JSON_VALUE)
    public QueueView queue(@RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
            @RequestHeader(value = TaskQueries.LOCAL_ONLY, required = false) boolean localOnly,
            @RequestAttribute(name = ApiKeyFilter.INTERNAL_ATTRIBUTE, required = false) Boolean internal) {
        return queries.queue(tenant, localOnly(localOnly, internal));
    }

    /** A store read racing a rebalance: the caller should retry, it is not a server error. */
    @ExceptionHandler(InvalidStateStoreException.class)
    public ProblemDetail storesMoving(InvalidStateStoreException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "the scheduler's stores are moving between instances (rebalancing); retry shortly");
    }

    /** The instance owning the data did not answer (restarting, rebalancing): retry. */
    @ExceptionHandler(RestClientException.class)
    public ProblemDetail ownerUnavailable(RestClientException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "the scheduler instance holding this data did not answer; retry shortly");
    }

    /**
     * {@value TaskQueries#LOCAL_ONLY} is how one instance asks another for its own stores only; from any other caller
     * it is parsed (a malformed value is a 400, as always) but ignored: the answer is the complete one.
     */
    private static boolean localOnly(boolean header, Boolean internal) {
        return header && Boolean.TRUE.equals(internal);
    }

    private static void requireOneOf(String field, String value, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    field + ": '" + shorten(value) + "' is not one of " + new java.util.TreeSet<>(allowed));
        }
    }

    private static String shorten(String value) {
        String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
    }

    private static void requireId(String field, String value) {
        if (!Identifiers.isValid(value)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, Identifiers.describe(field, value));
        }
    }
}
