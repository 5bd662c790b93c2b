package dev.followup.executor.config;

import dev.followup.events.v1.Channel;
import dev.followup.executor.provider.ImapMailbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the executor, under {@code followup.executor}.
 *
 * @param channels       the channels this instance runs (one listener each), default all three
 * @param channel        per-channel settings keyed by lower-case channel name ({@code email}, {@code sms}, {@code call})
 * @param dataDir        root of the local providers: {@code <data-dir>/mail/<tenant>/Drafts}, {@code <data-dir>/outbox}
 * @param mailboxes      IMAP accounts by the {@code mailboxRef} that tenant settings name (usable by the tenants
 *                       {@code followup.grants.mailboxes.<ref>} lists)
 * @param secrets        webhook signing secrets by the {@code webhookSecretRef} that tenant settings name (usable by
 *                       the tenants {@code followup.grants.webhook-secrets.<ref>} lists)
 * @param outboxSecretRef secret used to sign outbox lines when the tenant names none
 * @param webhook        HTTP client settings of the webhook provider
 * @param defaultFrom    From address of drafts whose mailbox sets none
 * @param templatesDir   optional directory of tenant templates {@code <dir>/<tenantId>/<channel>/<name>.<part>.mustache}
 * @param templateCacheSize compiled built-in templates kept (least recently used go first)
 * @param retryHorizon   a retry due further away than this is held for one horizon and then put back on the retry
 *                       topic (at most one re-write per record per horizon), instead of waited for
 * @param suppressionHorizon how long an erasure or opt-out read from {@code followup.lead-events.v1} keeps the lead's
 *                       tasks from being drafted (by the event's Kafka timestamp): longer than any task can be in
 *                       flight (due-task lag plus the longest retry backoff); bounds the executor's view of them
 * @param outbox         the local outbox's file rotation
 * @param retryTopicPartitions partitions of the per-channel retry topics created at startup
 * @param drainTimeout   how long shutdown and revoked partitions wait for the tasks in flight before leaving them to
 *                       be redelivered; longer than a provider call (webhook read timeout, IMAP timeout)
 * @param noopProvider   for benchmarks only: every channel drafts with a provider that does nothing and reports
 *                       {@code DRAFTED} at once (receipts name provider {@code noop})
 */
@ConfigurationProperties("followup.executor")
public record ExecutorProperties(
        @DefaultValue({"EMAIL", "SMS", "CALL"}) List<Channel> channels,
        Map<String, ChannelProperties> channel,
        @DefaultValue("var") Path dataDir,
        Map<String, ImapMailbox> mailboxes,
        Map<String, String> secrets,
        @DefaultValue("local") String outboxSecretRef,
        @DefaultValue Webhook webhook,
        @DefaultValue("followup@localhost") String defaultFrom,
        Path templatesDir,
        @DefaultValue("1000") int templateCacheSize,
        @DefaultValue("30s") Duration retryHorizon,
        @DefaultValue("30d") Duration suppressionHorizon,
        @DefaultValue Outbox outbox,
        @DefaultValue("6") int retryTopicPartitions,
        @DefaultValue("10s") Duration drainTimeout,
        @DefaultValue("false") boolean noopProvider) {

    public ExecutorProperties {
        channels = channels == null ? List.of() : List.copyOf(channels);
        channel = channel == null ? Map.of() : Map.copyOf(channel);
        mailboxes = mailboxes == null ? Map.of() : Map.copyOf(mailboxes);
        secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
        if (templateCacheSize < 1) {
            throw new IllegalArgumentException("followup.executor.template-cache-size must be at least 1, was "
                    + templateCacheSize);
        }
        if (retryHorizon.isNegative() || retryHorizon.isZero()) {
            throw new IllegalArgumentException("followup.executor.retry-horizon must be positive, was " + retryHorizon);
        }
        if (suppressionHorizon.isNegative() || suppressionHorizon.isZero()) {
            throw new IllegalArgumentException("followup.executor.suppression-horizon must be positive, was "
                    + suppressionHorizon);
        }
        if (drainTimeout.isNegative()) {
            throw new IllegalArgumentException("followup.executor.drain-timeout must not be negative, was " + drainTimeout);
        }
    }

    /** The secrets by name only: a log line or an error message that prints the settings shows no secret. */
    @Override
    public String toString() {
        return "ExecutorProperties[channels=" + channels + ", channel=" + channel + ", dataDir=" + dataDir
                + ", mailboxes=" + mailboxes + ", secrets=" + new java.util.TreeSet<>(secrets.keySet())
                + ", outboxSecretRef=" + outboxSecretRef + ", webhook=" + webhook + ", defaultFrom=" + defaultFrom
                + ", templatesDir=" + templatesDir + ", templateCacheSize=" + templateCacheSize + ", retryHorizon=" + retryHorizon
                + ", suppressionHorizon=" + suppressionHorizon + ", outbox=" + outbox + ", retryTopicPartitions="
                + retryTopicPartitions + ", drainTimeout=" + drainTimeout + ", noopProvider=" + noopProvider + "]";
    }

    /** The settings of {@code c}, defaults where none are configured. */
    public ChannelProperties channel(Channel c) {
        return channel.getOrDefault(c.name().toLowerCase(Locale.ROOT), ChannelProperties.DEFAULTS);
    }

    /**
     * Settings of one channel's listener.
     *
     * @param concurrency    tasks drafted at the same time by one instance (worker threads): with a provider taking
     *                       1 s per call, at most this many tasks per second; twice as many are kept in flight per
     *                       topic, so the pool never waits for the next poll
     * @param maxAttempts    attempts before a task is DEAD, unless the tenant's channel settings say otherwise
     * @param initialBackoff delay before the second attempt, doubling each time, unless the tenant says otherwise
     */
    public record ChannelProperties(
            @DefaultValue("256") int concurrency,
            @DefaultValue("5") int maxAttempts,
            @DefaultValue("1s") Duration initialBackoff) {

        static final ChannelProperties DEFAULTS = new ChannelProperties(256, 5, Duration.ofSeconds(1));

        public ChannelProperties {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("max-attempts must be at least 1, was " + maxAttempts);
            }
            if (initialBackoff.isNegative()) {
                throw new IllegalArgumentException("initial-backoff must not be negative, was " + initialBackoff);
            }
        }
    }

    /**
     * The local outbox (SMS and call drafts without a webhook).
     *
     * @param maxFileSize a file is rotated ({@code <channel>-<day>-<n>.jsonl}) before a line would take it past this,
     *                    and when its day (UTC) is over; the de-duplication index holds at most two files' task ids
     */
    public record Outbox(@DefaultValue("64MB") DataSize maxFileSize) {

        public Outbox {
            if (maxFileSize.toBytes() < 1) {
                throw new IllegalArgumentException("followup.executor.outbox.max-file-size must be positive, was "
                        + maxFileSize);
            }
        }
    }

    /**
     * HTTP client settings of the webhook provider.
     *
     * @param readTimeout    the deadline of one call: connect, request, headers and the (capped) answer
     * @param maxConnections connections open at most, in all and to one receiver; workers beyond it wait for one
     */
    public record Webhook(
            @DefaultValue("2s") Duration connectTimeout,
            @DefaultValue("5s") Duration readTimeout,
            @DefaultValue("512") int maxConnections) {

        public Webhook {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("followup.executor.webhook.max-connections must be at least 1, was "
                        + maxConnections);
            }
        }
    }
}
