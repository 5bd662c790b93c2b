package dev.followup.executor.provider;

import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.executor.content.RenderedDraft;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SMS and call drafts for the tenant's system (CRM, dialer, n8n...): the JSON draft POSTed to the channel's
 * {@code webhookUrl}, signed as DESIGN §6 says, with {@code Idempotency-Key: <taskId>} on every attempt. Any 2xx
 * is success; 4xx other than 408/429 is permanent; 408, 429, 5xx, I/O errors and timeouts are retried.
 */
public final class WebhookDraftPoster implements DraftProvider {

    public static final String SIGNATURE_HEADER = "X-Followup-Signature";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final Duration readTimeout;
    private final WebhookSecrets secrets;
    private final Clock clock;

    public WebhookDraftPoster(Duration connectTimeout, Duration readTimeout, WebhookSecrets secrets, Clock clock) {
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.readTimeout = readTimeout;
        this.secrets = secrets;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public DraftResult draft(DueTask task, RenderedDraft content, ChannelSettings channel) {
        URI uri = uriOf(channel.getWebhookUrl());
        String secret = secrets.require(channel.getWebhookSecretRef());
        String body = WebhookDraftJson.of(task, content);
        long t = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(readTimeout)
                .header("Content-Type", "application/json")
                .header(SIGNATURE_HEADER, WebhookSigner.signature(secret, t, body))
                .header(IDEMPOTENCY_HEADER, task.getTaskId())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw ProviderFailure.retriable("webhook timed out (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw ProviderFailure.retriable("webhook request failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProviderFailure.retriable("interrupted while calling the webhook", e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return resultOf(response);
        }
        String message = "webhook answered HTTP " + status;
        if (status >= 400 && status < 500 && status != 408 && status != 429) {
            throw ProviderFailure.permanent(message);
        }
        throw ProviderFailure.retriable(message, null);
    }

    private static URI uriOf(String url) {
        try {
            URI uri = new URI(url);
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
                throw ProviderFailure.permanent("channels.webhookUrl must be http(s), was scheme '" + uri.getScheme() + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ProviderFailure.permanent("channels.webhookUrl is not a URL: " + e.getMessage());
        }
    }

    /** The response's {@code id} (and {@code link} or {@code url}) from a JSON body, else the X-Request-Id header. */
    private static DraftResult resultOf(HttpResponse<String> response) {
        String ref = null;
        String link = null;
        String body = response.body();
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
            ref = response.headers().firstValue("X-Request-Id").orElse(null);
        }
        if (link == null) {
            link = response.headers().firstValue("Location").orElse(null);
        }
        return new DraftResult(ref, link);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
