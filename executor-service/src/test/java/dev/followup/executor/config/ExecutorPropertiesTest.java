package dev.followup.executor.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.executor.provider.ImapMailbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings printed in a log line or an error message name their secrets but never show them. */
class ExecutorPropertiesTest {

    @Test
    void printedSettingsShowNoPasswordTokenOrSigningSecret() {
        ImapMailbox mailbox = new ImapMailbox("imap.example.test", 993, "ssl", "drafts-bot",
                "pa55-word-xyz", "oauth-token-xyz", "Drafts", "sales@example.test", 4, Duration.ofSeconds(10));
        ExecutorProperties props = new ExecutorProperties(List.of(), Map.of(), Path.of("var"), Map.of("sales", mailbox),
                Map.of("acme-webhook", "signing-secret-xyz"), "local", new ExecutorProperties.Webhook(
                        Duration.ofSeconds(2), Duration.ofSeconds(5), 512), "followup@localhost", null, 1000, Duration.ofSeconds(30),
                Duration.ofDays(30), new ExecutorProperties.Outbox(org.springframework.util.unit.DataSize.ofMegabytes(64)), 6, Duration.ofSeconds(10), false);

        String printed = props.toString();

        assertThat(printed).doesNotContain("pa55-word-xyz", "oauth-token-xyz", "signing-secret-xyz")
                .contains("acme-webhook", "imap.example.test", "drafts-bot", "password=***", "oauth2Token=***");
        assertThat(mailbox.toString()).doesNotContain("pa55-word-xyz", "oauth-token-xyz");
    }
}
