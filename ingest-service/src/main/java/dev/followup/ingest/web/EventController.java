package dev.followup.ingest.web;

import static dev.followup.ingest.web.RequestValidation.ids;

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
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Lead, booking and task endpoints (docs/design.md §7): each request becomes one record on a lead-scoped topic. */
@RestController
@RequestMapping(path = "/v1", produces = MediaType.APPLICATION_JSON_VALUE)
public class EventController {

    static final String JSON = MediaType.APPLICATION_JSON_VALUE;
    static final String KEY = "Idempotency-Key";

    private final Intake intake;
    private final ContractRecords records;

    public EventController(Intake intake, ContractRecords records) {
        this.intake = intake;
        this.records = records;
    }

    @PostMapping(path = "/leads", consumes = JSON)
    public ResponseEntity<Published> captureLead(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = KEY, required = false) String key, @RequestBody LeadBody body) {
        return intake.accept(request, tenant, key, Map.of(), body, id -> records.lead(tenant, body, id));
    }

    @PostMapping(path = "/leads/{leadId}/score", consumes = JSON)
    public ResponseEntity<Published> score(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = KEY, required = false) String key, @PathVariable String leadId,
            @RequestBody ScoreBody body) {
        return intake.accept(request, tenant, key, ids("leadId", leadId), body,
                id -> records.score(tenant, leadId, body, id));
    }

    @PostMapping(path = "/leads/{leadId}/engagements", consumes = JSON)
    public ResponseEntity<Published> engagement(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = KEY, required = false) String key, @PathVariable String leadId,
            @RequestBody EngagementBody body) {
        return intake.accept(request, tenant, key, ids("leadId", leadId), body,
                id -> records.engagement(tenant, leadId, body, id));
    }

    @DeleteMapping("/leads/{leadId}")
    public ResponseEntity<Published> erase(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = KEY, required = false) String key, @PathVariable String leadId) {
        return intake.accept(request, tenant, key, ids("leadId", leadId), MarkerBody.EMPTY,
                id -> records.erase(tenant, leadId, MarkerBody.EMPTY, id));
    }

    @PostMapping(path = "/bookings", consumes = JSON)
    public ResponseEntity<Published> book(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = KEY, required = false) String key, @RequestBody BookingBody body) {
        return intake.accept(request, tenant, key, Map.of(), body, id -> records.booking(tenant, body, id));
    }

    @PutMapping(path = "/bookings/{bookingId}", consumes = JSON)
    public ResponseEntity<Published> reschedule(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = KEY, required = false) String key, @PathVariable String bookingId,
            @RequestBody RescheduleBody body) {
        return intake.accept(request, tenant, key, ids("bookingId", bookingId), body,
                id -> records.reschedule(tenant, bookingId, body, id));
    }

    @DeleteMapping("/bookings/{bookingId}")
    public ResponseEntity<Published> cancelBooking(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = KEY, required = false) String key, @PathVariable String bookingId,
            @RequestParam(required = false) String leadId, @RequestParam(required = false) String reason) {
        CancelBookingBody body = new CancelBookingBody(null, reason, null);
        return intake.accept(request, tenant, key, ids("bookingId", bookingId, "leadId", leadId), body,
                id -> records.cancelBooking(tenant, bookingId, leadId, body, id));
    }

    @PostMapping(path = "/leads/{leadId}/sequences/{sequenceId}", consumes = JSON)
    public ResponseEntity<Published> enroll(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = KEY, required = false) String key, @PathVariable String leadId,
            @PathVariable String sequenceId, @RequestBody(required = false) EnrollBody body) {
        EnrollBody b = body == null ? EnrollBody.EMPTY : body;
        return intake.accept(request, tenant, key, ids("leadId", leadId, "sequenceId", sequenceId), b,
                id -> records.enroll(tenant, leadId, sequenceId, b, id));
    }

    @PostMapping(path = "/leads/{leadId}/pause", consumes = JSON)
    public ResponseEntity<Published> pause(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = KEY, required = false) String key, @PathVariable String leadId,
            @RequestBody(required = false) PauseBody body) {
        PauseBody b = body == null ? PauseBody.EMPTY : body;
        return intake.accept(request, tenant, key, ids("leadId", leadId), b, id -> records.pause(tenant, leadId, b, id));
    }

    @PostMapping(path = "/leads/{leadId}/resume", consumes = JSON)
    public ResponseEntity<Published> resume(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = KEY, required = false) String key, @PathVariable String leadId,
            @RequestBody(required = false) MarkerBody body) {
        MarkerBody b = body == null ? MarkerBody.EMPTY : body;
        return intake.accept(request, tenant, key, ids("leadId", leadId), b,
                id -> records.resume(tenant, leadId, b, id));
    }

    @PostMapping(path = "/tasks", consumes = JSON)
    public ResponseEntity<Published> task(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = KEY, required = false) String key, @RequestBody TaskBody body) {
        return intake.accept(request, tenant, key, Map.of(), body, id -> records.task(tenant, body, id));
    }

    @DeleteMapping("/tasks/{taskId}")
    public ResponseEntity<Published> cancelTask(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = KEY, required = false) String key, @PathVariable String taskId,
            @RequestParam(required = false) String leadId) {
        return intake.accept(request, tenant, key, ids("taskId", taskId, "leadId", leadId), MarkerBody.EMPTY,
                id -> records.cancelTask(tenant, taskId, leadId, MarkerBody.EMPTY, id));
    }
}
