package dev.followup.scheduler.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer <api key>} on every route of the API port but liveness, readiness and info (so a new
 * route or actuator endpoint cannot slip in open): the key's SHA-256 is compared (in constant time) with the
 * configured hashes, and the request carries the key's tenant from then on. Anything else is a 401 problem. On a
 * separate management port ({@code management.server.port}) this filter is not installed, so Prometheus scrapes
 * there without a key, as for ingest.
 */
public class ApiKeyFilter extends OncePerRequestFilter {

    /** Request attribute holding the caller's tenant id. */
    public static final String TENANT_ATTRIBUTE = "followup.tenant";

    private record KeyHash(String tenant, byte[] sha256) {
    }

    private final List<KeyHash> keys;

    /** The hashes are well-formed here: {@link AuthProperties} refuses any other at start. */
    public ApiKeyFilter(AuthProperties properties) {
        this.keys = properties.apiKeys().stream()
                .map(k -> new KeyHash(k.tenant(), HexFormat.of().parseHex(k.sha256().toLowerCase(Locale.ROOT))))
                .toList();
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
