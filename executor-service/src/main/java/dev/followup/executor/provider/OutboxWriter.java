package dev.followup.executor.provider;

import dev.followup.events.Identifiers;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.executor.content.RenderedDraft;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local SMS/call provider when a tenant has no webhook: one JSON line per draft in
 * {@code <data-dir>/outbox/<tenantId>/<channel>.jsonl} with {@code taskId}, {@code timestamp}, {@code signature}
 * and the raw signed {@code body}, as a webhook would have received them. Deduplicated by task id. Signed with
 * the tenant's secret, else the configured outbox secret; a line without any secret has a null signature.
 */
public final class OutboxWriter implements DraftProvider {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path outboxRoot;
    private final WebhookSecrets secrets;
    private final String defaultSecretRef;
    private final Clock clock;
    private final Map<Path, Object> fileLocks = new ConcurrentHashMap<>();

    public OutboxWriter(Path outboxRoot, WebhookSecrets secrets, String defaultSecretRef, Clock clock) {
        this.outboxRoot = outboxRoot;
        this.secrets = secrets;
        this.defaultSecretRef = defaultSecretRef;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "outbox";
    }

    @Override
    public DraftResult draft(DueTask task, RenderedDraft content, ChannelSettings channel) {
        Identifiers.require("tenantId", task.getTenantId());
        String body = WebhookDraftJson.of(task, content);
        String ref = channel != null && channel.getWebhookSecretRef() != null ? channel.getWebhookSecretRef() : defaultSecretRef;
        String secret = secrets.find(ref);
        if (channel != null && channel.getWebhookSecretRef() != null && secret == null) {
            secrets.require(ref); // throws the "not configured" failure
        }
        long t = clock.instant().getEpochSecond();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("taskId", task.getTaskId());
        line.put("timestamp", t);
        line.put("signature", secret == null ? null : WebhookSigner.signature(secret, t, body));
        line.put("body", body);
        String json = JSON.writeValueAsString(line);
        String prefix = "{\"taskId\":" + JSON.writeValueAsString(task.getTaskId()) + ",";
        Path file = outboxRoot.resolve(task.getTenantId()).resolve(task.getChannel().name().toLowerCase(Locale.ROOT) + ".jsonl");
        synchronized (fileLocks.computeIfAbsent(file, f -> new Object())) {
            try {
                Files.createDirectories(file.getParent());
                if (Files.exists(file)) {
                    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).startsWith(prefix)) {
                            return new DraftResult(file.getFileName() + ":" + (i + 1), file.toUri().toString());
                        }
                    }
                    Files.writeString(file, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    return new DraftResult(file.getFileName() + ":" + (lines.size() + 1), file.toUri().toString());
                }
                Files.writeString(file, json + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                return new DraftResult(file.getFileName() + ":1", file.toUri().toString());
            } catch (IOException e) {
                throw ProviderFailure.retriable("cannot append to the outbox: " + e.getMessage(), e);
            }
        }
    }
}
