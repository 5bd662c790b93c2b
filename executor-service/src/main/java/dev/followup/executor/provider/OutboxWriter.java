package dev.followup.executor.provider;

import dev.followup.events.Identifiers;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.executor.content.RenderedDraft;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local SMS/call provider when a tenant has no webhook: one JSON line per draft in
 * {@code <data-dir>/outbox/<tenantId>/<channel>.jsonl} with {@code taskId}, {@code timestamp}, {@code signature}
 * and the raw signed {@code body}, as a webhook would have received them. Deduplicated by task id. Signed with
 * the tenant's secret (granted to it), else the configured outbox secret; a line without any secret has a null signature.
 */
public final class OutboxWriter implements DraftProvider {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path outboxRoot;
    private final WebhookSecrets secrets;
    private final String defaultSecretRef;
    private final Clock clock;
    private final Map<Path, OutboxFile> files = new ConcurrentHashMap<>();

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
        // the tenant's own ref must be granted to it; the operator's default signs for every tenant
        String secret = channel != null && channel.getWebhookSecretRef() != null
                ? secrets.require(task.getTenantId(), channel.getWebhookSecretRef())
                : secrets.operatorSecret(defaultSecretRef);
        long t = clock.instant().getEpochSecond();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("taskId", task.getTaskId());
        line.put("timestamp", t);
        line.put("signature", secret == null ? null : WebhookSigner.signature(secret, t, body));
        line.put("body", body);
        String json = JSON.writeValueAsString(line);
        Path file = outboxRoot.resolve(task.getTenantId()).resolve(task.getChannel().name().toLowerCase(Locale.ROOT) + ".jsonl");
        OutboxFile outbox = files.computeIfAbsent(file, OutboxFile::new);
        try {
            int lineNumber = outbox.appendOnce(task.getTaskId(), json);
            return new DraftResult(file.getFileName() + ":" + lineNumber, file.toUri().toString());
        } catch (IOException | RuntimeException e) {
            throw ProviderFailure.retriable("cannot append to the outbox: " + e.getMessage(), e);
        }
    }

    /**
     * One outbox file and the task ids in it. The ids are read once and then only the lines appended since (by this
     * process or another one sharing the directory), under an exclusive file lock held from the check to the append,
     * so two executors sharing a data directory never write a task twice and a large file is not re-read per draft.
     */
    private static final class OutboxFile {

        private final Path file;
        private final Map<String, Integer> lineOfTask = new HashMap<>();
        private long indexed;
        private int lines;

        OutboxFile(Path file) {
            this.file = file;
        }

        /** The 1-based line of the task's draft: the existing one, else the line just appended. */
        synchronized int appendOnce(String taskId, String json) throws IOException {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                catchUp(channel);
                Integer existing = lineOfTask.get(taskId);
                if (existing != null) {
                    return existing;
                }
                ByteBuffer bytes = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
                long at = channel.size();
                while (bytes.hasRemaining()) {
                    at += channel.write(bytes, at);
                }
                channel.force(false);
                indexed = at;
                lineOfTask.put(taskId, ++lines);
                return lines;
            }
        }

        /** Indexes the complete lines after {@link #indexed}; a line without its newline yet is left for later. */
        private void catchUp(FileChannel channel) throws IOException {
            long size = channel.size();
            if (size < indexed) { // truncated or replaced: start again
                lineOfTask.clear();
                indexed = 0;
                lines = 0;
            }
            if (size == indexed) {
                return;
            }
            ByteBuffer tail = ByteBuffer.allocate(Math.toIntExact(size - indexed));
            long at = indexed;
            while (tail.hasRemaining()) {
                int n = channel.read(tail, at);
                if (n < 0) {
                    break;
                }
                at += n;
            }
            byte[] bytes = tail.array();
            int lineStart = 0;
            for (int i = 0; i < tail.position(); i++) {
                if (bytes[i] == '\n') {
                    String line = new String(bytes, lineStart, i - lineStart, StandardCharsets.UTF_8);
                    lineOfTask.putIfAbsent(taskIdOf(line), ++lines);
                    lineStart = i + 1;
                }
            }
            indexed += lineStart;
        }

        private static String taskIdOf(String line) {
            try {
                return JSON.readTree(line).path("taskId").asString("");
            } catch (RuntimeException e) {
                return ""; // not a draft line: counts as a line, matches no task
            }
        }
    }
}
