package dev.followup.executor.inbox;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The inbound watcher, under {@code followup.executor.inbox}.
 *
 * @param enabled          whether this instance watches mailboxes (run it in one instance: a second one watching
 *                         the same folders takes turns with the first through its transactional id, see docs)
 * @param inboxFolder      the folder replies, bounces and auto-replies arrive in
 * @param sentFolder       the folder a person's sent drafts end up in (IMAP mailboxes and {@code <tenant>/Sent})
 * @param pollInterval     how often an IMAP folder is looked at when the server does not offer IDLE
 * @param idleRenewal      an IDLE is ended and begun again this often (servers drop it after 30 minutes)
 * @param maildirTenants   the tenants whose Maildir {@code <data-dir>/mail/<tenant>/} is watched
 * @param maildirPollInterval how often the Maildir folders are listed
 * @param draftHorizon     how long an email draft can be recognised in a reply (the draft index's retention)
 * @param maxMessageSize   a larger message is classified by its headers alone
 * @param batchSize        messages handled in one transaction at most
 * @param positionsPartitions partitions of {@code followup.inbox-positions.v1} when the executor creates it
 * @param draftsPartitions partitions of {@code followup.inbox-drafts.v1} when the executor creates it
 */
@ConfigurationProperties("followup.executor.inbox")
public record InboxProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("INBOX") String inboxFolder,
        @DefaultValue("Sent") String sentFolder,
        @DefaultValue("30s") Duration pollInterval,
        @DefaultValue("20m") Duration idleRenewal,
        List<String> maildirTenants,
        @DefaultValue("2s") Duration maildirPollInterval,
        @DefaultValue("90d") Duration draftHorizon,
        @DefaultValue("2MB") DataSize maxMessageSize,
        @DefaultValue("100") int batchSize,
        @DefaultValue("1") int positionsPartitions,
        @DefaultValue("6") int draftsPartitions) {

    public InboxProperties {
        maildirTenants = maildirTenants == null ? List.of() : List.copyOf(maildirTenants);
        for (String t : maildirTenants) {
            dev.followup.events.Identifiers.require("followup.executor.inbox.maildir-tenants", t);
        }
        requirePositive("poll-interval", pollInterval);
        requirePositive("idle-renewal", idleRenewal);
        requirePositive("maildir-poll-interval", maildirPollInterval);
        requirePositive("draft-horizon", draftHorizon);
        if (batchSize < 1) {
            throw new IllegalArgumentException("followup.executor.inbox.batch-size must be at least 1, was " + batchSize);
        }
        if (maxMessageSize.toBytes() < 1024) {
            throw new IllegalArgumentException("followup.executor.inbox.max-message-size must be at least 1KB, was "
                    + maxMessageSize);
        }
        if (positionsPartitions < 1 || draftsPartitions < 1) {
            throw new IllegalArgumentException("followup.executor.inbox.*-partitions must be at least 1");
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("followup.executor.inbox." + name + " must be positive, was " + d);
        }
    }
}
