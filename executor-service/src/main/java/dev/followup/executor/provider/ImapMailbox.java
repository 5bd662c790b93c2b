package dev.followup.executor.provider;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * An IMAP account holding drafts.
 *
 * @param tls            {@code ssl} (IMAPS), {@code starttls} or {@code none}
 * @param oauth2Token    when set, XOAUTH2 is used with this token instead of the password
 * @param maxConnections IMAP connections this instance opens to the mailbox at the same time
 */
public record ImapMailbox(
        String host,
        @DefaultValue("993") int port,
        @DefaultValue("ssl") String tls,
        String username,
        String password,
        String oauth2Token,
        @DefaultValue("Drafts") String draftsFolder,
        String from,
        @DefaultValue("4") int maxConnections,
        @DefaultValue("10s") Duration timeout) {

    public ImapMailbox {
        if (tls != null && !List.of("ssl", "starttls", "none").contains(tls.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("mailbox tls must be ssl, starttls or none, was '" + tls + "'");
        }
    }

    /** Without the password and the token (whether each is set is shown). */
    @Override
    public String toString() {
        return "ImapMailbox[host=" + host + ", port=" + port + ", tls=" + tls + ", username=" + username
                + ", password=" + (password == null ? "unset" : "***") + ", oauth2Token="
                + (oauth2Token == null ? "unset" : "***") + ", draftsFolder=" + draftsFolder + ", from=" + from
                + ", maxConnections=" + maxConnections + ", timeout=" + timeout + "]";
    }
}
