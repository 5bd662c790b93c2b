package dev.followup.ingest.web;

import static dev.followup.ingest.web.RequestValidation.ids;

import dev.followup.events.Identifiers;
import dev.followup.events.SequenceKey;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.view.CompactedTopicView;
import dev.followup.ingest.config.IngestProperties;
import dev.followup.ingest.problem.FieldProblem;
import dev.followup.ingest.problem.InvalidRequestException;
import dev.followup.ingest.problem.Problems;
import dev.followup.ingest.publish.Published;
import dev.followup.ingest.security.Tenant;
import dev.followup.ingest.web.Bodies.SequenceBody;
import dev.followup.ingest.web.Bodies.SettingsBody;
import dev.followup.ingest.web.Bodies.StepBody;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tenant settings and sequence definitions: PUT/DELETE publish to the compacted topics; GET answers from the local
 * materialized views of those topics (after this instance's own last writes have reached them).
 */
@RestController
@RequestMapping(path = "/v1", produces = MediaType.APPLICATION_JSON_VALUE)
public class TenantConfigController {

    /** A stored sequence as GET shows it. */
    public record SequenceResponse(String tenantId, String sequenceId, String name, boolean enabled,
            List<StepBody> steps) {
    }

    private final Intake intake;
    private final ContractRecords records;
    private final CompactedTopicView<TenantSettings> settings;
    private final CompactedTopicView<SequenceDefinition> sequences;
    private final IngestProperties properties;

    public TenantConfigController(Intake intake, ContractRecords records, CompactedTopicView<TenantSettings> settings,
            CompactedTopicView<SequenceDefinition> sequences, IngestProperties properties) {
        this.intake = intake;
        this.records = records;
        this.settings = settings;
        this.sequences = sequences;
        this.properties = properties;
    }

    @PutMapping(path = "/settings", consumes = EventController.JSON)
    public ResponseEntity<Published> putSettings(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = EventController.KEY, required = false) String key, @RequestBody SettingsBody body) {
        return intake.accept(request, tenant, key, Map.of(), body, id -> records.settings(tenant, body, id));
    }

    /** The caller's settings; the contract defaults when none were ever stored. */
    @GetMapping("/settings")
    public SettingsBody getSettings(@AuthenticationPrincipal Tenant tenant) {
        settings.awaitWritten(properties.view().readYourWritesTimeout());
        return ContractRecords.settingsBody(settings.get(tenant.id())
                .orElseGet(() -> TenantSettings.newBuilder().setTenantId(tenant.id()).build()));
    }

    @PutMapping(path = "/sequences/{sequenceId}", consumes = EventController.JSON)
    public ResponseEntity<Published> putSequence(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = EventController.KEY, required = false) String key, @PathVariable String sequenceId,
            @RequestBody SequenceBody body) {
        return intake.accept(request, tenant, key, ids("sequenceId", sequenceId), body,
                id -> records.sequence(tenant, sequenceId, body, id));
    }

    /** A sequence of the caller's tenant; 404 when absent (another tenant's sequence is absent for this caller). */
    @GetMapping("/sequences/{sequenceId}")
    public ResponseEntity<?> getSequence(@AuthenticationPrincipal Tenant tenant, @PathVariable String sequenceId) {
        if (!Identifiers.isValid(sequenceId)) {
            throw new InvalidRequestException(FieldProblem.of("sequenceId", sequenceId,
                    Identifiers.PROBLEM));
        }
        sequences.awaitWritten(properties.view().readYourWritesTimeout());
        return sequences.get(SequenceKey.of(tenant.id(), sequenceId).toString())
                .<ResponseEntity<?>>map(d -> ResponseEntity.ok(new SequenceResponse(d.getTenantId(), d.getSequenceId(),
                        d.getName(), d.getEnabled(), ContractRecords.sequenceBody(d).steps())))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND)
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(notFound(sequenceId)));
    }

    @DeleteMapping("/sequences/{sequenceId}")
    public ResponseEntity<Published> deleteSequence(@AuthenticationPrincipal Tenant tenant, HttpServletRequest request,
            @RequestHeader(name = EventController.KEY, required = false) String key, @PathVariable String sequenceId) {
        return intake.accept(request, tenant, key, ids("sequenceId", sequenceId), Bodies.MarkerBody.EMPTY,
                id -> records.deleteSequence(tenant, sequenceId, id));
    }

    private static ProblemDetail notFound(String sequenceId) {
        return Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found",
                "No sequence '" + sequenceId + "' for this tenant");
    }
}
