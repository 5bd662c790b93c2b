package dev.followup.scheduler.api;

import java.net.URI;
import java.time.Clock;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * GET requests to another scheduler instance for data it hosts, on behalf of a tenant: signed with the
 * {@link InternalCredential} (never the caller's API key) and marked {@value TaskQueries#LOCAL_ONLY} so the other
 * instance answers from its own stores. Without {@code followup.scheduler.internal-auth.secret} there is no
 * credential: the call is refused with a 503 and logged as an error (nothing is generated or sent unsigned).
 */
public class PeerClient {

    private static final Logger log = LoggerFactory.getLogger(PeerClient.class);

    private final RestClient http;
    private final String scheme;
    private final InternalCredential credential;
    private final Clock clock;

    /** @param credential null when no secret is configured (a single instance) */
    public PeerClient(RestClient http, String scheme, InternalCredential credential, Clock clock) {
        this.http = http.mutate().defaultStatusHandler(status -> status.value() == 401, (request, response) -> {
            throw refused(request.getURI());
        }).build();
        this.scheme = scheme;
        this.credential = credential;
        this.clock = clock;
    }

    /**
     * The other instance refused the credential (its secret differs, or the clocks are more than max-age apart):
     * logged as an error, a 503 for the caller.
     */
    static ResponseStatusException refused(URI uri) {
        log.atError().setMessage("query.forward_rejected").addKeyValue("host", uri.getHost() + ":" + uri.getPort())
                .addKeyValue("reason", "the other instance answered 401 to the internal credential (same "
                        + "followup.scheduler.internal-auth.secret everywhere? clocks in step?)").log();
        return new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
                "the scheduler instance holding this data refused this instance's internal credential");
    }

    public RestClient.RequestHeadersSpec<?> get(HostInfo host, String tenant, String path) {
        return get(host, tenant, path, new LinkedMultiValueMap<>());
    }

    public RestClient.RequestHeadersSpec<?> get(HostInfo host, String tenant, String path,
            MultiValueMap<String, String> query) {
        if (credential == null) {
            log.atError().setMessage("query.forward_refused").addKeyValue("host", host.host() + ":" + host.port())
                    .addKeyValue("reason", "followup.scheduler.internal-auth.secret is not set").log();
            throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "part of this data is held by another "
                    + "scheduler instance, and the instances have no internal credential to ask each other "
                    + "(followup.scheduler.internal-auth.secret)");
        }
        URI uri = UriComponentsBuilder.newInstance().scheme(scheme).host(host.host()).port(host.port()).path(path)
                .queryParams(query).encode().build().toUri();
        // signed as the receiver reads it: the raw path and raw query of the request line
        String signed = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        return http.get().uri(uri)
                .header(InternalCredential.TENANT_HEADER, tenant)
                .header(InternalCredential.HEADER, credential.sign(tenant, "GET", signed, clock.instant()))
                .header(TaskQueries.LOCAL_ONLY, "true");
    }
}
