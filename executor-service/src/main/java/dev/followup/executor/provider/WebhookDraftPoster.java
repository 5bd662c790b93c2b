package dev.followup.executor.provider;

import dev.followup.events.WebhookTargets;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.executor.content.RenderedDraft;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SMS and call drafts for the tenant's system (CRM, dialer, n8n...): the JSON draft POSTed to the channel's
 * {@code webhookUrl}, signed with the tenant's secret ({@code X-Followup-Signature: t=<unix seconds>,v1=<hex
 * HMAC-SHA256(secret, "<t>.<raw body>")>}), with {@code Idempotency-Key: <taskId>} on every attempt. Any 2xx is
 * success; 4xx other than 408/429 is permanent; 408, 429, 5xx, I/O errors and timeouts are retried. Redirects are not
 * followed (the signed draft would go to a host the tenant did not configure): a 3xx is permanent.
 *
 * <p>Where it may connect: the URL must pass {@link WebhookTargets}, and the host is resolved by
 * {@link WebhookAddressGuard}, which refuses internal addresses and gives the client the addresses it checked. A
 * refused target is a permanent FAILED; its receipt, like that of a failed connection, carries a generic reason, never
 * the network's error text (which would map the internal network for the tenant). The answer is bounded in time (one
 * deadline covers connect, headers and body) and in size (the first {@value #MAX_ANSWER_BYTES} bytes are read, then
 * the connection is dropped), so a hanging, trickling or huge answer never holds a worker or its memory.
 */
public final class WebhookDraftPoster implements DraftProvider, AutoCloseable {

    public static final String SIGNATURE_HEADER = "X-Followup-Signature";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    /** Bytes of a webhook's answer that are read (for its {@code id} and {@code link}); the rest is discarded. */
    public static final int MAX_ANSWER_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(WebhookDraftPoster.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** {@code application/json}, no charset parameter: JSON is UTF-8 (RFC 8259), as receivers have always seen it. */
    private static final ContentType JSON_TYPE = ContentType.create("application/json");

    private final CloseableHttpClient http;
    private final ScheduledExecutorService deadlines;
    private final Duration readTimeout;
    private final WebhookSecrets secrets;
    private final WebhookTargets targets;
    private final Clock clock;

    /**
     * @param maxConnections connections kept open at most, in all and to one host (workers beyond it wait for one)
     * @param resolver       names to addresses (the JVM's resolver, or a stub in tests)
     */
    public WebhookDraftPoster(Duration connectTimeout, Duration readTimeout, int maxConnections, WebhookSecrets secrets,
            WebhookTargets targets, WebhookAddressGuard.Resolver resolver, Clock clock) {
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new WebhookAddressGuard(targets, resolver))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(readTimeout))
                                .build())
                        .setMaxConnTotal(maxConnections)
                        .setMaxConnPerRoute(maxConnections)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(readTimeout))
                        .setResponseTimeout(Timeout.of(readTimeout))
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-deadlines");
            t.setDaemon(true);
            return t;
        });
        this.readTimeout = readTimeout;
        this.secrets = secrets;
        this.targets = targets;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public DraftResult draft(DueTask task, RenderedDraft content, ChannelSettings channel) {
        String field = "channels[" + task.getChannel() + "].webhookUrl"; // as the API names it
        String url = channel.getWebhookUrl();
        targets.problemWith(url).ifPresent(problem -> {
            throw ProviderFailure.permanent(field + " " + problem);
        });
        String secret = secrets.require(task.getTenantId(), channel.getWebhookSecretRef());
        String body = WebhookDraftJson.of(task, content);
        long t = clock.instant().getEpochSecond();
        HttpPost post = new HttpPost(url);
        post.setHeader(SIGNATURE_HEADER, WebhookSigner.signature(secret, t, body));
        post.setHeader(IDEMPOTENCY_HEADER, task.getTaskId());
        post.setEntity(new ByteArrayEntity(body.getBytes(StandardCharsets.UTF_8), JSON_TYPE));
        // one deadline for the whole exchange: the socket timeout alone would let a trickling answer run for ever
        ScheduledFuture<?> deadline = deadlines.schedule(post::cancel, readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        ClassicHttpResponse response = null;
        try {
            response = http.executeOpen(null, post, null);
            int status = response.getCode();
            if (status >= 200 && status < 300) {
                Answer answer = read(response.getEntity());
                if (!answer.complete()) {
                    post.cancel(); // drop the connection rather than read the rest of a huge answer
                }
                return resultOf(answer.text(), response);
            }
            post.cancel(); // the body of an error answer is not read
            String message = "webhook answered HTTP " + status;
            if (status >= 300 && status < 400) {
                throw ProviderFailure.permanent(message + " (redirects are not followed: configure the final URL)");
            }
            if (status >= 400 && status < 500 && status != 408 && status != 429) {
                throw ProviderFailure.permanent(message);
            }
            throw ProviderFailure.retriable(message, null);
        } catch (IOException e) {
            if (refused(e)) {
                log.atWarn().setMessage("webhook.refused-target").addKeyValue("tenant", task.getTenantId())
                        .addKeyValue("channel", task.getChannel()).addKeyValue("taskId", task.getTaskId()).log();
                throw ProviderFailure.permanent(field + " " + WebhookTargets.REFUSED, e);
            }
            if (post.isCancelled() || e instanceof SocketTimeoutException) {
                throw ProviderFailure.retriable("webhook timed out (no complete answer within " + readTimeout + ")", e);
            }
            // the tenant sees a generic reason; the operator's log has the detail
            log.atInfo().setMessage("webhook.request-failed").addKeyValue("tenant", task.getTenantId())
                    .addKeyValue("channel", task.getChannel()).addKeyValue("taskId", task.getTaskId())
                    .addKeyValue("error", e.toString()).log();
            throw ProviderFailure.retriable("webhook request failed (no connection or no answer)", e);
        } finally {
            deadline.cancel(false);
            closeQuietly(response);
        }
    }

    /** The outcome is decided; a connection dropped on purpose may complain on close. */
    private static void closeQuietly(ClassicHttpResponse response) {
        if (response != null) {
            try {
                response.close();
            } catch (IOException | RuntimeException e) {
                // nothing left to tell
            }
        }
    }

    @Override
    public void close() throws IOException {
        deadlines.shutdownNow();
        http.close();
    }

    private static boolean refused(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof WebhookAddressGuard.RefusedTarget) {
                return true;
            }
        }
        return false;
    }

    /** The first bytes of an answer, and whether that was all of it. */
    private record Answer(String text, boolean complete) {
    }

    private static Answer read(HttpEntity entity) throws IOException {
        if (entity == null) {
            return new Answer("", true);
        }
        InputStream in = entity.getContent();
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (kept.size() < MAX_ANSWER_BYTES) {
            int n = in.read(buffer, 0, Math.min(buffer.length, MAX_ANSWER_BYTES - kept.size()));
            if (n < 0) {
                return new Answer(kept.toString(StandardCharsets.UTF_8), true);
            }
            kept.write(buffer, 0, n);
        }
        return new Answer(kept.toString(StandardCharsets.UTF_8), false);
    }

    /** The response's {@code id} (and {@code link} or {@code url}) from a JSON body, else the X-Request-Id header. */
    private static DraftResult resultOf(String body, ClassicHttpResponse response) {
        String ref = null;
        String link = null;
        if (body != null && body.strip().startsWith("{")) {
            try {
                JsonNode node = JSON.readTree(body);
                ref = text(node, "id");
                link = text(node, "link") != null ? text(node, "link") : text(node, "url");
            } catch (RuntimeException e) {
                // a receiver may answer with anything; the draft was accepted all the same
            }
        }
        if (ref == null) {
            ref = headerOf(response, "X-Request-Id");
        }
        if (link == null) {
            link = headerOf(response, "Location");
        }
        return new DraftResult(ref, link);
    }

    private static String headerOf(ClassicHttpResponse response, String name) {
        Header header = response.getFirstHeader(name);
        return header == null ? null : header.getValue();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
