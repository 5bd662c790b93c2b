package dev.followup.executor.provider;

import dev.followup.events.Identifiers;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.DueTask;
import dev.followup.executor.content.RenderedDraft;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local SMS/call provider when a tenant has no webhook: one JSON line per draft in
 * {@code <data-dir>/outbox/<tenantId>/<channel>.jsonl} with {@code taskId}, {@code timestamp}, {@code signature}
 * and the raw signed {@code body}, as a webhook would have received them. Signed with the tenant's secret (granted
 * to it), else the configured outbox secret; a line without any secret has a null signature.
 *
 * <ul>
 * <li>Rotation: before a line would take the file past {@code maxFileBytes}, or when the UTC day of its last line is
 *     over, the file is renamed {@code <channel>-<that day>-<n>.jsonl} and a new one started.
 * <li>De-duplicated by task id against the current file and the most recently rotated one (a redelivery follows its
 *     first try within seconds), so the index holds at most two files' task ids. Files are read in 64 KiB chunks,
 *     never whole, and only the lines appended since the last look.
 * <li>Erasure rewrites every file of the channel without the lead's lines (under the same lock), so the line numbers
 *     in earlier receipts' {@code providerRef} may shift.
 * </ul>
 * Two executors sharing the directory coordinate through an exclusive lock on {@code <channel>.lock}.
 */
public final class OutboxWriter implements DraftProvider {

    static final int CHUNK = 64 * 1024;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path outboxRoot;
    private final WebhookSecrets secrets;
    private final String defaultSecretRef;
    private final Clock clock;
    private final long maxFileBytes;
    private final Map<Path, OutboxFile> files = new ConcurrentHashMap<>();

    public OutboxWriter(Path outboxRoot, WebhookSecrets secrets, String defaultSecretRef, Clock clock) {
        this(outboxRoot, secrets, defaultSecretRef, clock, 64L * 1024 * 1024);
    }

    public OutboxWriter(Path outboxRoot, WebhookSecrets secrets, String defaultSecretRef, Clock clock,
            long maxFileBytes) {
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("the outbox's max file size must be positive, was " + maxFileBytes);
        }
        this.outboxRoot = outboxRoot;
        this.secrets = secrets;
        this.defaultSecretRef = defaultSecretRef;
        this.clock = clock;
        this.maxFileBytes = maxFileBytes;
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
        OutboxFile outbox = outbox(task.getTenantId(), task.getChannel());
        try {
            return outbox.appendOnce(task.getTaskId(), json, LocalDate.ofEpochDay(Math.floorDiv(t, 86_400)));
        } catch (IOException | RuntimeException e) {
            throw ProviderFailure.retriable("cannot append to the outbox: " + e.getMessage(), e);
        }
    }

    /** Rewrites every outbox file of the tenant's channel without the lead's lines. */
    @Override
    public int erase(String tenantId, String leadId, Channel channel, ChannelSettings settings) {
        Identifiers.require("tenantId", tenantId);
        try {
            return outbox(tenantId, channel).eraseLead(tenantId, leadId);
        } catch (IOException | RuntimeException e) {
            throw ProviderFailure.retriable("cannot erase the lead's outbox lines: " + e.getMessage(), e);
        }
    }

    /** Task ids the de-duplication index holds for the tenant's channel (tests: the bound). */
    int indexed(String tenantId, Channel channel) {
        return outbox(tenantId, channel).indexedTasks();
    }

    private OutboxFile outbox(String tenantId, Channel channel) {
        Path dir = outboxRoot.resolve(tenantId);
        String name = channel.name().toLowerCase(Locale.ROOT);
        return files.computeIfAbsent(dir.resolve(name + ".jsonl"), f -> new OutboxFile(dir, name, maxFileBytes));
    }

    /** Where a task's line is: the file name and its 1-based line. */
    private record Line(String file, int number) {
    }

    /**
     * One channel's outbox of one tenant: the current file and the task ids in it and in the last rotated one. The
     * current file's ids are read once and then only the lines appended since (by this process or another one), under
     * the exclusive lock, held from the check to the append, so two executors never write a task twice.
     */
    private static final class OutboxFile {

        private final Path dir;
        private final String channel;
        private final Path file;
        private final Path lockFile;
        private final long maxBytes;
        private final Map<String, Integer> lineOfTask = new HashMap<>();
        private Map<String, Line> rotated = Map.of();
        private boolean loaded;
        private Object fileKey;
        private long indexed;
        private int lines;
        /** The UTC day of the current file's last line. */
        private LocalDate lastDay;

        OutboxFile(Path dir, String channel, long maxBytes) {
            this.dir = dir;
            this.channel = channel;
            this.file = dir.resolve(channel + ".jsonl");
            this.lockFile = dir.resolve(channel + ".lock");
            this.maxBytes = maxBytes;
        }

        synchronized int indexedTasks() {
            return lineOfTask.size() + rotated.size();
        }

        /** The task's line: the existing one, else the line just appended (rotating the file first if it is due). */
        synchronized DraftResult appendOnce(String taskId, String json, LocalDate today) throws IOException {
            Files.createDirectories(dir);
            try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockChannel.lock()) {
                catchUp();
                Integer existing = lineOfTask.get(taskId);
                if (existing != null) {
                    return result(file.getFileName().toString(), existing, file);
                }
                Line earlier = rotated.get(taskId);
                if (earlier != null) {
                    return result(earlier.file(), earlier.number(), dir.resolve(earlier.file()));
                }
                byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
                if (indexed > 0 && (indexed + bytes.length > maxBytes || !today.equals(lastDay))) {
                    rotate();
                }
                try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    long at = out.size();
                    while (buffer.hasRemaining()) {
                        at += out.write(buffer, at);
                    }
                    out.force(false);
                    indexed = at;
                }
                fileKey = fileKey(file);
                lastDay = today;
                lineOfTask.put(taskId, ++lines);
                return result(file.getFileName().toString(), lines, file);
            }
        }

        synchronized int eraseLead(String tenantId, String leadId) throws IOException {
            if (!Files.isDirectory(dir)) {
                return 0;
            }
            try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockChannel.lock()) {
                int removed = 0;
                for (Path f : channelFiles()) {
                    removed += rewriteWithout(f, tenantId, leadId);
                }
                loaded = false; // line numbers moved: index again
                return removed;
            }
        }

        private int rewriteWithout(Path f, String tenantId, String leadId) throws IOException {
            Path tmp = f.resolveSibling(f.getFileName() + ".erasing");
            int[] removed = {0};
            try (FileChannel in = FileChannel.open(f, StandardOpenOption.READ);
                    OutputStream out = Files.newOutputStream(tmp)) {
                forEachLine(in, 0, in.size(), (bytes, length) -> {
                    if (isOfLead(new String(bytes, 0, length, StandardCharsets.UTF_8), tenantId, leadId)) {
                        removed[0]++;
                    } else {
                        out.write(bytes, 0, length);
                        out.write('\n');
                    }
                });
            }
            if (removed[0] == 0) {
                Files.delete(tmp);
            } else {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return removed[0];
        }

        /** Indexes what is new in the current file; (re)loads from scratch the first time or after a replacement. */
        private void catchUp() throws IOException {
            Object key = Files.exists(file) ? fileKey(file) : null;
            long size = key == null ? 0 : Files.size(file);
            if (!loaded || !Objects.equals(key, fileKey) || size < indexed) {
                // first use, or rotated or rewritten by another process: the current file and the newest rotated one
                lineOfTask.clear();
                indexed = 0;
                lines = 0;
                lastDay = null;
                rotated = newestRotated();
                loaded = true;
                fileKey = key;
            }
            if (key == null || size == indexed) {
                return;
            }
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                indexed = forEachLine(in, indexed, size, (bytes, length) -> {
                    JsonNode line = parse(new String(bytes, 0, length, StandardCharsets.UTF_8));
                    lineOfTask.putIfAbsent(line.path("taskId").asString(""), ++lines);
                    if (line.path("timestamp").isNumber()) {
                        lastDay = LocalDate.ofInstant(Instant.ofEpochSecond(line.path("timestamp").asLong()), ZoneOffset.UTC);
                    }
                });
            }
        }

        private void rotate() throws IOException {
            LocalDate day = lastDay != null ? lastDay : LocalDate.ofInstant(Files.getLastModifiedTime(file).toInstant(),
                    ZoneOffset.UTC);
            Path target;
            int n = 1;
            do {
                target = dir.resolve(channel + "-" + day + "-" + n++ + ".jsonl");
            } while (Files.exists(target));
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            String name = target.getFileName().toString();
            Map<String, Line> previous = new HashMap<>();
            lineOfTask.forEach((task, number) -> previous.put(task, new Line(name, number)));
            rotated = previous;
            lineOfTask.clear();
            indexed = 0;
            lines = 0;
            lastDay = null;
        }

        private Map<String, Line> newestRotated() throws IOException {
            // by name: the day, then the number (modification times of files written in one burst may tie)
            Path newest = channelFiles().stream().filter(f -> !f.equals(file)).max(java.util.Comparator
                    .comparing((Path f) -> rotatedDay(f)).thenComparingInt(f -> rotatedNumber(f))).orElse(null);
            if (newest == null) {
                return Map.of();
            }
            String name = newest.getFileName().toString();
            Map<String, Line> out = new HashMap<>();
            int[] number = {0};
            try (FileChannel in = FileChannel.open(newest, StandardOpenOption.READ)) {
                forEachLine(in, 0, in.size(), (bytes, length) -> out.putIfAbsent(
                        parse(new String(bytes, 0, length, StandardCharsets.UTF_8)).path("taskId").asString(""),
                        new Line(name, ++number[0])));
            }
            return out;
        }

        /** The channel's files: the current one and the rotated ones. */
        private List<Path> channelFiles() throws IOException {
            List<Path> out = new ArrayList<>();
            if (!Files.isDirectory(dir)) {
                return out;
            }
            try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, channel + "*.jsonl")) {
                for (Path f : all) {
                    String n = f.getFileName().toString();
                    if (n.equals(channel + ".jsonl") || n.matches(java.util.regex.Pattern.quote(channel)
                            + "-\\d{4}-\\d{2}-\\d{2}-\\d+\\.jsonl")) {
                        out.add(f);
                    }
                }
            }
            return out;
        }

        private String rotatedDay(Path f) {
            return f.getFileName().toString().substring(channel.length() + 1, channel.length() + 11);
        }

        private int rotatedNumber(Path f) {
            String n = f.getFileName().toString();
            return Integer.parseInt(n.substring(channel.length() + 12, n.length() - ".jsonl".length()));
        }

        private static DraftResult result(String fileName, int line, Path path) {
            return new DraftResult(fileName + ":" + line, path.toUri().toString());
        }

        private static Object fileKey(Path f) throws IOException {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            return a.fileKey() != null ? a.fileKey() : a.creationTime();
        }
    }

    @FunctionalInterface
    private interface LineConsumer {
        void line(byte[] bytes, int length) throws IOException;
    }

    /**
     * Streams the complete lines of {@code in} between {@code from} and {@code to} in {@link #CHUNK} reads (a line
     * without its newline yet is left for later) and answers the offset after the last complete line.
     */
    private static long forEachLine(FileChannel in, long from, long to, LineConsumer consumer) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long at = from;
        long complete = from;
        while (at < to) {
            chunk.clear();
            chunk.limit((int) Math.min(CHUNK, to - at));
            int n = in.read(chunk, at);
            if (n <= 0) {
                break;
            }
            byte[] bytes = chunk.array();
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (bytes[i] == '\n') {
                    line.write(bytes, start, i - start);
                    consumer.line(line.toByteArray(), line.size());
                    line.reset();
                    start = i + 1;
                    complete = at + i + 1;
                }
            }
            line.write(bytes, start, n - start);
            at += n;
        }
        return complete;
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (RuntimeException e) {
            return JSON.createObjectNode(); // not a draft line: counts as a line, matches no task
        }
    }

    /** Whether an outbox line is a draft of the lead (its signed body names tenant and lead). */
    private static boolean isOfLead(String line, String tenantId, String leadId) {
        JsonNode body = parse(parse(line).path("body").asString(""));
        return tenantId.equals(body.path("tenantId").asString("")) && leadId.equals(body.path("leadId").asString(""));
    }
}
