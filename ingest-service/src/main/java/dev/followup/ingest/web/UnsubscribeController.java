package dev.followup.ingest.web;

import dev.followup.events.UnsubscribeTokens;
import dev.followup.ingest.config.AuthProperties;
import dev.followup.ingest.config.UnsubscribeProperties;
import dev.followup.ingest.problem.FieldProblem;
import dev.followup.ingest.problem.InvalidRequestException;
import dev.followup.ingest.publish.IdempotencyCache;
import dev.followup.ingest.publish.Outbound;
import dev.followup.ingest.publish.Published;
import dev.followup.ingest.security.Tenant;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The links in email drafts' {@code List-Unsubscribe} header (RFC 8058), open without a credential: the signed token
 * is the credential, and it can only opt out the one lead it names.
 *
 * <ul>
 *   <li>{@code POST /v1/unsubscribe/{token}} with the form body {@code List-Unsubscribe=One-Click} (what mail clients
 *       send, and what the page's button sends) publishes {@code LeadEngaged{OPTED_OUT}} for the token's tenant and
 *       lead, with an event id derived from the token, so a replay changes nothing.</li>
 *   <li>{@code GET} only shows a page with that button: mail scanners and link previews fetch links, and a fetch must
 *       not unsubscribe anyone.</li>
 * </ul>
 *
 * A token that does not verify, or that names a tenant this service does not serve, is a bare 404: nothing tells a
 * prober whether a token was nearly right.
 */
@RestController
public class UnsubscribeController {

    private static final Logger log = LoggerFactory.getLogger(UnsubscribeController.class);
    static final String FIELD = "List-Unsubscribe";
    static final String ONE_CLICK = "One-Click";

    private static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>Unsubscribe</title>
            <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}</style>
            </head><body><main><h1>Unsubscribe</h1>
            %s
            </main></body></html>
            """;
    private static final String CONFIRM = PAGE.formatted("""
            <p>Stop receiving these emails?</p>
            <form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
            <button type="submit">Unsubscribe</button></form>""");
    private static final String DONE = PAGE.formatted("<p>You are unsubscribed: you will get no more of these emails.</p>");

    private final UnsubscribeTokens tokens;
    private final Set<String> tenants;
    private final ContractRecords records;
    private final Intake intake;
    private final MeterRegistry meters;

    public UnsubscribeController(UnsubscribeProperties properties, AuthProperties auth, ContractRecords records,
            Intake intake, MeterRegistry meters) {
        this.tokens = properties.tokens();
        this.tenants = auth.configuredTenants();
        this.records = records;
        this.intake = intake;
        this.meters = meters;
        if (tokens == null) {
            log.atWarn().setMessage("unsubscribe.disabled").addKeyValue("detail", "followup.unsubscribe.secret is "
                    + "not set: every unsubscribe link answers 404; set the secret the executor signs with").log();
        }
    }

    /** A confirmation page; fetching it changes nothing. */
    @GetMapping(path = "/v1/unsubscribe/{token}")
    public ResponseEntity<String> page(@PathVariable String token) {
        if (verified(token).isEmpty()) {
            return notFound();
        }
        count("page");
        return html(CONFIRM);
    }

    /** One click (RFC 8058): the body must be {@code List-Unsubscribe=One-Click}. */
    @PostMapping(path = "/v1/unsubscribe/{token}")
    public ResponseEntity<String> unsubscribe(@PathVariable String token, HttpServletRequest request) {
        Optional<UnsubscribeTokens.Token> verified = verified(token);
        if (verified.isEmpty()) {
            return notFound();
        }
        String value = request.getParameter(FIELD);
        if (!ONE_CLICK.equals(value)) {
            throw new InvalidRequestException(FieldProblem.of(FIELD, value, value == null
                    ? "is required: send the form body List-Unsubscribe=One-Click (RFC 8058)"
                    : "must be One-Click (RFC 8058)"));
        }
        UnsubscribeTokens.Token t = verified.get();
        Tenant tenant = new Tenant(t.tenantId());
        String eventId = t.eventId();
        Outbound optOut = records.engagement(tenant, t.leadId(), new Bodies.EngagementBody(null, "OPTED_OUT", null),
                eventId);
        // a space cannot occur in an Idempotency-Key: no caller's key can collide with this one
        IdempotencyCache.Outcome<Published> outcome = intake.idempotency().once(tenant.id(), "unsubscribe " + eventId,
                "unsubscribe", () -> intake.publish(tenant, List.of(optOut)).get(0));
        count(outcome.replayed() ? "replayed" : "opted-out");
        log.atInfo().setMessage("unsubscribe.opted-out").addKeyValue("tenant", tenant.id())
                .addKeyValue("eventId", eventId).addKeyValue("replayed", outcome.replayed()).log();
        return html(DONE);
    }

    private Optional<UnsubscribeTokens.Token> verified(String token) {
        Optional<UnsubscribeTokens.Token> verified = tokens == null ? Optional.empty()
                : tokens.verify(token).filter(t -> tenants.contains(t.tenantId()));
        if (verified.isEmpty()) {
            // neither the token nor why: a log of probes must not become a list of nearly valid tokens
            count("refused");
        }
        return verified;
    }

    private void count(String result) {
        meters.counter("followup.ingest.unsubscribe", "result", result).increment();
    }

    private static ResponseEntity<String> notFound() {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).cacheControl(CacheControl.noStore()).build();
    }

    /** The token is in the URL: no referrer carries it elsewhere, no cache keeps it, no frame shows the button. */
    private static ResponseEntity<String> html(String page) {
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .cacheControl(CacheControl.noStore())
                .header("Referrer-Policy", "no-referrer")
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
                .body(page);
    }
}
