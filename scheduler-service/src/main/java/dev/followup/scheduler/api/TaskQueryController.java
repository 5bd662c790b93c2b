package dev.followup.scheduler.api;

import dev.followup.events.Identifiers;
import java.util.List;
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

    private final TaskQueries queries;

    public TaskQueryController(TaskQueries queries) {
        this.queries = queries;
    }

    @GetMapping(path = "/v1/tasks/{taskId}", produces = MediaType.APPLICATION_JSON_VALUE)
    public TaskView task(@RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant, @PathVariable String taskId,
            @RequestHeader("Authorization") String authorization,
            @RequestHeader(value = TaskQueries.LOCAL_ONLY, required = false) boolean localOnly) {
        requireId("taskId", taskId);
        return queries.task(tenant, taskId, localOnly, authorization)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "task '" + taskId + "' not found"));
    }

    @GetMapping(path = "/v1/leads/{leadId}/tasks", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<TaskView> leadTasks(@RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
            @PathVariable String leadId, @RequestHeader("Authorization") String authorization,
            @RequestHeader(value = TaskQueries.LOCAL_ONLY, required = false) boolean localOnly) {
        requireId("leadId", leadId);
        return queries.leadTasks(tenant, leadId, localOnly, authorization);
    }

    @GetMapping(path = "/v1/leads/{leadId}/enrollments", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<EnrollmentView> leadEnrollments(@RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
            @PathVariable String leadId, @RequestHeader("Authorization") String authorization,
            @RequestHeader(value = TaskQueries.LOCAL_ONLY, required = false) boolean localOnly) {
        requireId("leadId", leadId);
        return queries.leadEnrollments(tenant, leadId, localOnly, authorization);
    }

    @GetMapping(path = "/v1/queue", produces = MediaType.APPLICATION_JSON_VALUE)
    public QueueView queue(@RequestAttribute(ApiKeyFilter.TENANT_ATTRIBUTE) String tenant,
            @RequestHeader("Authorization") String authorization,
            @RequestHeader(value = TaskQueries.LOCAL_ONLY, required = false) boolean localOnly) {
        return queries.queue(tenant, localOnly, authorization);
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

    private static void requireId(String field, String value) {
        if (!Identifiers.isValid(value)) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, Identifiers.describe(field, value));
        }
    }
}
