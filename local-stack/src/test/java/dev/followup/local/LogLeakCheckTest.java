package dev.followup.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogLeakCheckTest {

    @TempDir
    Path dir;

    @Test
    void findsForbiddenValuesAndEmailOrPhoneShapesNamingFileAndLineButNotTheValue() throws Exception {
        Files.writeString(dir.resolve("ingest.log"), String.join("\n",
                "{\"message\":\"lead.captured\",\"leadId\":\"lead-1\"}",
                "Authorization: Bearer dev-acme-key",
                "contact grace@example.org called +12025550123 at 2026-11-23T09:00:00+01:00",
                "bean dev.followup.X@6d3af739 on 127.0.0.1:9092, offset +1234, followup@localhost"));
        Files.writeString(dir.resolve("metrics.prom"), "followup_x{secret=\"dev-webhook-secret\"} 1.0\n");

        List<String> findings = new LogLeakCheck().forbid("the API key of acme", "dev-acme-key")
                .forbid("the webhook secret", "dev-webhook-secret").findings(List.of(dir));

        assertThat(findings).containsExactly(
                "ingest.log:2: the API key of acme (de… (12 characters))",
                "ingest.log:3: an email address (gr… (17 characters))",
                "ingest.log:3: a phone number (+1… (12 characters))",
                "metrics.prom:1: the webhook secret (de… (18 characters))");
        assertThat(String.join("\n", findings)).doesNotContain("dev-acme-key", "grace@", "2025550123");
    }

    @Test
    void cleanFilesAndMissingPathsGiveNoFinding() throws Exception {
        Files.writeString(dir.resolve("scheduler.log"), "{\"message\":\"task.emitted\",\"taskId\":\"mt-1\"}\n");
        assertThat(new LogLeakCheck().forbid("a key", "dev-acme-key")
                .findings(List.of(dir, dir.resolve("missing")))).isEmpty();
    }
}
