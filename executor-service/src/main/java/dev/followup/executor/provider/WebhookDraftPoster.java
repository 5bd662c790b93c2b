package dev.followup.executor.provider;

import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.executor.content.RenderedDraft;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SMS and call drafts for the tenant's system (CRM, dialer, n8n...): the JSON draft POSTed to the channel's
 * {@code webhookUrl}, signed as DESIGN §6 says, with {@code Idempotency-Key: <taskId>} on every attempt. Any 2xx
 * is success; 4xx other than 408/429 is permanent; 408, 429, 5xx, I/O errors and timeouts are retried. Redirects are
 * not followed (the signed draft would go to a host the tenant did not configure): a 3xx is permanent. The answer is
 * bounded in time (the read timeout covers headers and body) and in size (the first {@value #MAX_ANSWER_BYTES} bytes
 * are kept, the rest is not read), so a hanging, trickling or huge answer never holds a worker or its memory.
 */
public final class WebhookDraftPoster implements DraftProvider {

    public static final String SIGNATURE_HEADER = "X-Followup-Signature";
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    /** Bytes of a webhook's answer that are read (for its {@code id} and {@code link}); the rest is discarded. */
    public static final int MAX_ANSWER_BYTES = 64 * 1024;

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
        CompletableFuture<HttpResponse<String>> exchange = http.sendAsync(request, info -> new CappedBody(MAX_ANSWER_BYTES));
        try {
            response = exchange.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw ProviderFailure.retriable("webhook timed out (no complete answer within " + readTimeout + ")", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                throw ProviderFailure.retriable("webhook timed out (" + cause.getMessage() + ")", cause);
            }
            throw ProviderFailure.retriable("webhook request failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()), cause);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw ProviderFailure.retriable("interrupted while calling the webhook", e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return resultOf(response);
        }
        String message = "webhook answered HTTP " + status;
        if (status >= 300 && status < 400) {
            throw ProviderFailure.permanent(message + " (redirects are not followed: configure the final URL)");
        }
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

    /** Keeps the first {@code max} bytes of a body, then cancels the rest of it (the connection is closed). */
    private static final class CappedBody implements HttpResponse.BodySubscriber<String> {

        private final int max;
        private final java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        private final CompletableFuture<String> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                int n = Math.min(b.remaining(), max - kept.size());
                byte[] bytes = new byte[n];
                b.get(bytes);
                kept.write(bytes, 0, n);
            }
            if (kept.size() >= max) {
                subscription.cancel();
                complete();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            body.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            complete();
        }

        private void complete() {
            body.complete(kept.toString(StandardCharsets.UTF_8));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
