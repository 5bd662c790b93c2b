package dev.followup.scheduler.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer <api key>} on every route of the API port but liveness, readiness and info (so a new
 * route or actuator endpoint cannot slip in open): the key's SHA-256 is compared (in constant time) with the
 * configured hashes, and the request carries the key's tenant from then on. Anything else is a 401 problem. A call
 * forwarded by another scheduler instance carries {@value InternalCredential#HEADER} instead: its tenant
 * ({@value InternalCredential#TENANT_HEADER}) is taken only when that credential verifies for this very call; a
 * request with the header that does not verify is a 401 whatever else it carries. On a
 * separate management port ({@code management.server.port}) this filter is not installed, so Prometheus scrapes
 * there without a key, as for ingest.
 */
public class ApiKeyFilter extends OncePerRequestFilter {

    /** Request attribute holding the caller's tenant id. */
    public static final String TENANT_ATTRIBUTE = "followup.tenant";
    /** Request attribute, {@code true} on a call forwarded by another instance (its credential verified). */
    public static final String INTERNAL_ATTRIBUTE = "followup.internal";

    private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);

    private record KeyHash(String tenant, byte[] sha256) {
    }

    private final List<KeyHash> keys;
    private final InternalCredential internal;
    private final Clock clock;

    /**
     * The hashes are well-formed here: {@link AuthProperties} refuses any other at start.
     *
     * @param internal null without an internal secret: then no forwarded call is accepted
     */
    public ApiKeyFilter(AuthProperties properties, InternalCredential internal, Clock clock) {
        this.keys = properties.apiKeys().stream()
                .map(k -> new KeyHash(k.tenant(), HexFormat.of().parseHex(k.sha256().toLowerCase(Locale.ROOT))))
                .toList();
        this.internal = internal;
        this.clock = clock;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return isOpen(request.getRequestURI()) || isConsoleAsset(request);
    }

    /** Health (with its liveness and readiness groups) and info answer without a key: probes have none. */
    static boolean isOpen(String path) {
        return path.equals("/actuator/health") || path.startsWith("/actuator/health/") || path.equals("/actuator/info");
    }

    /**
     * The ops console's static files (HTML, CSS, JS: no data; the page asks for the key and sends it with every API
     * call) are served without a key, for GET and HEAD only. The check uses the decoded, normalised servlet path, and
     * the raw URI must agree, so {@code /console/../v1/queue} or an encoded variant cannot pass as a console file.
     */
    static boolean isConsoleAsset(HttpServletRequest request) {
        String method = request.getMethod();
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        String uri = request.getRequestURI();
        return ("GET".equals(method) || "HEAD".equals(method)) && isConsolePath(path) && isConsolePath(uri)
                && !uri.contains("..") && !uri.contains("%") && !uri.contains(";");
    }

    private static boolean isConsolePath(String path) {
        return path.equals("/console") || path.equals("/console/") || path.matches("/console/[a-z0-9-]+\\.(html|css|js)");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String forwarded = request.getHeader(InternalCredential.HEADER);
        if (forwarded != null) {
            String tenant = request.getHeader(InternalCredential.TENANT_HEADER);
            String call = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
            if (internal == null || !internal.verifies(forwarded, tenant, request.getMethod(), call, clock.instant())) {
                log.atWarn().setMessage("query.internal_rejected").addKeyValue("remote", request.getRemoteAddr())
                        .addKeyValue("reason", internal == null ? "no internal secret configured" : "does not verify")
                        .log();
                reject(response, "invalid internal credential");
                return;
            }
            request.setAttribute(TENANT_ATTRIBUTE, tenant);
            request.setAttribute(INTERNAL_ATTRIBUTE, Boolean.TRUE);
            chain.doFilter(request, response);
            return;
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            reject(response, "missing Authorization: Bearer <api key>");
            return;
        }
        byte[] hash = sha256(header.substring(7).strip());
        String tenant = null;
        for (KeyHash key : keys) {
            if (MessageDigest.isEqual(hash, key.sha256())) {
                tenant = key.tenant();
            }
        }
        if (tenant == null) {
            reject(response, "unknown API key");
            return;
        }
        request.setAttribute(TENANT_ATTRIBUTE, tenant);
        chain.doFilter(request, response);
    }

    private static void reject(HttpServletResponse response, String detail) throws IOException {
        response.setStatus(401);
        response.setHeader("WWW-Authenticate", "Bearer");
        response.setContentType("application/problem+json");
        response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\""
                + detail + "\"}");
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
