package dev.followup.ingest.config;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The ingest API as other code reads it ({@code /v3/api-docs}, checked in as docs/openapi/ingest.yaml): what each
 * route accepts and answers — 202 with where the event landed, RFC 9457 problems for every error, the bearer
 * credential, the {@code Idempotency-Key} and {@code Retry-After} headers, an example of every body. springdoc reads
 * the routes from the controllers; this adds what annotations on each of them would repeat.
 */
@Configuration(proxyBeanMethods = false)
public class ApiDocumentation {

    static final String PROBLEM_JSON = "application/problem+json";
    static final String BEARER = "bearer";
    static final String IDEMPOTENCY = "Makes a retried write safe: the same key (per tenant, for 24 h) returns the "
            + "first answer and publishes nothing new.";

    /** Tag of each route, by its first path segment after /v1. */
    private static final Map<String, Tag> TAGS = new LinkedHashMap<>();

    static {
        tag("leads", "Leads", "Capture, score and erase leads; report engagement; enroll, pause and resume.");
        tag("bookings", "Bookings", "Meetings booked, moved and canceled.");
        tag("tasks", "Tasks", "Manual tasks: schedule one at a time, cancel one.");
        tag("settings", "Settings", "The tenant's follow-up policy (TenantSettings).");
        tag("sequences", "Sequences", "Multi-step cadences (SequenceDefinition).");
        tag("events:batch", "Batch", "Many events in one NDJSON request.");
        tag("unsubscribe", "Unsubscribe", "The List-Unsubscribe links of email drafts (RFC 8058): open without a "
                + "credential, the signed token is the authority.");
    }

    private static void tag(String segment, String name, String description) {
        TAGS.put(segment, new Tag().name(name).description(description));
    }

    @Bean
    OpenApiCustomizer ingestApiDocument() {
        return api -> {
            api.info(new Info().title("Follow-up pipeline: ingest API").version("0.1.0")
                    .description("""
                            Turns HTTP requests into the pipeline's Avro events on Kafka. A write answers 202 once \
                            Kafka has acknowledged the record, with where it landed; nothing is half-written: a \
                            refused request (4xx) or an unavailable broker (503) publishes nothing. Every error is an \
                            RFC 9457 problem (application/problem+json). Authenticate with \
                            'Authorization: Bearer <API key>' (or an OIDC JWT where configured); the tenant is the \
                            credential's, never the body's.""")
                    .license(new License().name("Apache-2.0").identifier("Apache-2.0")))
                    .servers(List.of(new Server().url("http://127.0.0.1:8080").description("the local stack")))
                    .tags(List.copyOf(TAGS.values()))
                    .security(List.of(new SecurityRequirement().addList(BEARER)));
            Components components = api.getComponents() == null ? new Components() : api.getComponents();
            api.components(components);
            components.addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                    .scheme("bearer").description("An API key of the tenant (followup.auth.api-keys), or an OIDC "
                            + "JWT whose tenant claim names the tenant (followup.auth.jwt.*)."));
            components.addSchemas("Problem", problemSchema());
            components.addSchemas("FieldProblem", fieldProblemSchema());
            components.addHeaders("Retry-After", new Header().description("Seconds to wait before retrying.")
                    .schema(new IntegerSchema()));
            api.getPaths().forEach((path, item) -> document(path, item));
            // deterministic output: paths and schemas in name order
            api.setPaths(sortedPaths(api));
            components.setSchemas(new TreeMap<>(components.getSchemas()));
        };
    }

    private static void document(String path, PathItem item) {
        if (path.startsWith("/v1/unsubscribe/")) {
            item.readOperationsMap().forEach((method, operation) -> documentUnsubscribe(method, operation));
            return;
        }
        item.readOperationsMap().forEach((method, operation) -> {
            operation.setTags(List.of(tagOf(path).getName()));
            boolean write = method != PathItem.HttpMethod.GET;
            ApiResponses responses = operation.getResponses();
            if (write) {
                ApiResponse ok = responses.remove("200");
                responses.addApiResponse("202", (ok == null ? new ApiResponse() : ok).description(
                        "Accepted: Kafka acknowledged the event; the body says where it landed."));
                if (operation.getParameters() != null) {
                    operation.getParameters().stream().filter(p -> "Idempotency-Key".equals(p.getName()))
                            .forEach(p -> p.description(IDEMPOTENCY).getSchema().maxLength(128));
                }
                if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                    Examples.requestBody(method, path).ifPresent(example -> operation.getRequestBody().getContent()
                            .values().forEach(media -> media.setExample(example)));
                }
                responses.addApiResponse("400", problem("The request is invalid: every bad field is named with "
                        + "its value in errors[].", Examples.INVALID));
                responses.addApiResponse("413", problem("The body is larger than the route's limit.", Examples.TOO_LARGE));
                responses.addApiResponse("415", problem("The body is not JSON (NDJSON for the batch route).", null));
                responses.addApiResponse("503", problem("Kafka did not acknowledge in time; nothing was accepted. "
                        + "Retry after Retry-After seconds with the same Idempotency-Key.", Examples.UNAVAILABLE)
                        .addHeaderObject("Retry-After", new Header().$ref("#/components/headers/Retry-After")));
            } else {
                responses.addApiResponse("400", problem("A path or query parameter is invalid.", Examples.INVALID));
            }
            responses.addApiResponse("401", problem("No valid credential.", Examples.UNAUTHORIZED));
            responses.addApiResponse("403", problem("The body names another tenant than the credential's.",
                    Examples.FORBIDDEN));
            responses.addApiResponse("429", problem("The tenant's request rate is exceeded.", Examples.RATE_LIMITED)
                    .addHeaderObject("Retry-After", new Header().$ref("#/components/headers/Retry-After")));
            operation.setResponses(sorted(responses));
        });
    }

    /** The unsubscribe link: no credential, an HTML page, a bare 404 for any token that does not verify. */
    private static void documentUnsubscribe(PathItem.HttpMethod method, Operation operation) {
        operation.setTags(List.of(TAGS.get("unsubscribe").getName()));
        operation.setSecurity(List.of()); // open: the token is signed
        ApiResponses responses = new ApiResponses();
        Content html = new Content().addMediaType("text/html", new MediaType().schema(new StringSchema()));
        responses.addApiResponse("200", new ApiResponse().content(html).description(method == PathItem.HttpMethod.GET
                ? "A confirmation page with a button that POSTs; fetching it unsubscribes nobody (mail scanners "
                        + "prefetch links)."
                : "Unsubscribed: LeadEngaged{OPTED_OUT} is published once; a replay changes nothing."));
        responses.addApiResponse("404", new ApiResponse().description("The token does not verify (forged, "
                + "truncated, another deployment's, a tenant this service does not serve). No body, no detail."));
        if (method == PathItem.HttpMethod.POST) {
            responses.addApiResponse("400", problem("The form body is not List-Unsubscribe=One-Click.", null));
            responses.addApiResponse("503", problem("Kafka did not acknowledge in time; nothing was accepted.",
                    Examples.UNAVAILABLE));
        }
        responses.addApiResponse("429", problem("Too many requests from this client address.", null)
                .addHeaderObject("Retry-After", new Header().$ref("#/components/headers/Retry-After")));
        operation.setResponses(sorted(responses));
    }

    private static Tag tagOf(String path) {
        String rest = path.startsWith("/v1/") ? path.substring(4) : path;
        String segment = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        Tag tag = TAGS.get(segment);
        if (tag == null) {
            throw new IllegalStateException("no API documentation tag for " + path + ": add it to ApiDocumentation");
        }
        return tag;
    }

    private static ApiResponse problem(String description, Map<String, Object> example) {
        MediaType media = new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem"));
        if (example != null) {
            media.setExample(example);
        }
        return new ApiResponse().description(description).content(new Content().addMediaType(PROBLEM_JSON, media));
    }

    private static Schema<?> problemSchema() {
        return new ObjectSchema().description("An RFC 9457 problem. type is a urn:followup:problem:* name.")
                .addProperty("type", new StringSchema().example("urn:followup:problem:invalid-request"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema())
                .addProperty("errors", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/FieldProblem"))
                        .description("The invalid fields (400 only)."))
                .addProperty("limitBytes", new IntegerSchema().description("The body limit (413 only)."))
                .required(List.of("type", "title", "status"));
    }

    private static Schema<?> fieldProblemSchema() {
        return new ObjectSchema().description("One invalid field: its JSON path, the value (shortened, never a "
                        + "secret) and why.")
                .addProperty("field", new StringSchema().example("timezone"))
                .addProperty("value", new StringSchema().example("EST"))
                .addProperty("message", new StringSchema())
                .required(List.of("field", "message"));
    }

    private static io.swagger.v3.oas.models.Paths sortedPaths(OpenAPI api) {
        io.swagger.v3.oas.models.Paths sorted = new io.swagger.v3.oas.models.Paths();
        new TreeMap<>(api.getPaths()).forEach(sorted::addPathItem);
        return sorted;
    }

    private static ApiResponses sorted(ApiResponses responses) {
        ApiResponses out = new ApiResponses();
        new TreeMap<>(responses).forEach(out::addApiResponse);
        return out;
    }

    /** Example bodies, one per write route and per problem kind. */
    static final class Examples {

        static final Map<String, Object> INVALID = ordered("type", "urn:followup:problem:invalid-request",
                "title", "Invalid request", "status", 400, "detail", "timezone: is not an IANA time zone id but an "
                        + "abbreviation",
                "errors", List.of(ordered("field", "timezone", "value", "EST", "message", "is not an IANA time zone id "
                        + "but an abbreviation")));
        static final Map<String, Object> UNAUTHORIZED = ordered("type", "urn:followup:problem:unauthorized",
                "title", "Unauthorized", "status", 401,
                "detail", "Send 'Authorization: Bearer <api key or token>' with a valid credential");
        static final Map<String, Object> FORBIDDEN = ordered("type", "urn:followup:problem:forbidden",
                "title", "Forbidden", "status", 403, "detail", "The body's tenantId is not the credential's tenant");
        static final Map<String, Object> TOO_LARGE = ordered("type", "urn:followup:problem:too-large",
                "title", "Request body too large", "status", 413, "limitBytes", 262144,
                "detail", "The body exceeds the limit of 262144 bytes for this endpoint");
        static final Map<String, Object> RATE_LIMITED = ordered("type", "urn:followup:problem:rate-limited",
                "title", "Too many requests", "status", 429,
                "detail", "The tenant's ingest rate is exceeded; retry after 1 s");
        static final Map<String, Object> UNAVAILABLE = ordered("type", "urn:followup:problem:broker-unavailable",
                "title", "Kafka unavailable", "status", 503, "detail", "The event could not be stored: Kafka did not "
                        + "acknowledge in time. Nothing was accepted; retry after 5 s (with the same Idempotency-Key)");

        private static final Map<String, Object> BODIES = new LinkedHashMap<>();

        static {
            BODIES.put("POST /v1/leads", ordered("leadId", "lead-42", "name", "Ada Lovelace",
                    "email", "ada@example.com", "phone", "+4915112345678", "timezone", "Europe/Berlin",
                    "predProb", 0.82, "attributes", ordered("source", "webinar")));
            BODIES.put("POST /v1/leads/{leadId}/score", ordered("predProb", 0.91));
            BODIES.put("POST /v1/leads/{leadId}/engagements", ordered("kind", "REPLIED"));
            BODIES.put("POST /v1/bookings", ordered("bookingId", "bk-7", "leadId", "lead-42",
                    "localStart", "2026-12-08T14:30:00", "timezone", "Europe/Berlin", "assignedUserId", "rep-3"));
            BODIES.put("PUT /v1/bookings/{bookingId}", ordered("leadId", "lead-42",
                    "localStart", "2026-12-09T10:00:00", "timezone", "Europe/Berlin"));
            BODIES.put("POST /v1/leads/{leadId}/sequences/{sequenceId}", ordered("startAt", "2026-12-07T08:00:00Z"));
            BODIES.put("POST /v1/leads/{leadId}/pause", ordered("until", "2026-12-28T08:00:00Z", "reason", "vacation"));
            BODIES.put("POST /v1/tasks", ordered("leadId", "lead-42", "channel", "CALL",
                    "dueAt", "2026-12-07T09:30:00Z", "note", "Ask about the pilot"));
            BODIES.put("PUT /v1/settings", ordered("leadScoreThreshold", 0.75, "timezone", "Europe/Berlin",
                    "leadFollowUps", List.of(ordered("delay", "30m", "channel", "EMAIL")),
                    "sendWindow", ordered("start", "09:00", "end", "18:00"), "maxTasksPerDay", 400));
            BODIES.put("PUT /v1/sequences/{sequenceId}", ordered("name", "Welcome", "enabled", true, "steps",
                    List.of(ordered("type", "EMAIL", "delay", "0m", "templateId", "welcome"),
                            ordered("type", "CALL", "delay", "2d"))));
            BODIES.put("POST /v1/events:batch", "{\"type\":\"lead\",\"leadId\":\"lead-1\",\"name\":\"Ada\"}\n"
                    + "{\"type\":\"score\",\"leadId\":\"lead-1\",\"predProb\":0.9}\n");
        }

        static java.util.Optional<Object> requestBody(PathItem.HttpMethod method, String path) {
            return java.util.Optional.ofNullable(BODIES.get(method + " " + path));
        }

        /** A map that keeps the order it is written in, so the document is the same on every run. */
        private static Map<String, Object> ordered(Object... keysAndValues) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                map.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
            return map;
        }

        private Examples() {
        }
    }
}
