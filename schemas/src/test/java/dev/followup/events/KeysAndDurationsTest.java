package dev.followup.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.followup.events.v1.Channel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeysAndDurationsTest {

    @Test
    void leadKeyIsTenantColonLead() {
        assertThat(LeadKey.of("acme", "lead-1").toString()).isEqualTo("acme:lead-1");
        assertThat(LeadKey.parse("acme:ada@example.com")).isEqualTo(new LeadKey("acme", "ada@example.com"));
        assertThat(SequenceKey.parse("acme:welcome").sequenceId()).isEqualTo("welcome");
    }

    @Test
    void malformedKeysNameTheKey() {
        assertThatThrownBy(() -> LeadKey.parse("acme-lead-1")).hasMessageContaining("'acme-lead-1'")
                .hasMessageContaining("tenantId:id");
        assertThatThrownBy(() -> LeadKey.parse("a:b:c")).hasMessageContaining("'a:b:c'");
        assertThatThrownBy(() -> LeadKey.parse(":lead")).hasMessageContaining("tenantId ''");
        assertThatThrownBy(() -> LeadKey.of("acme", "lead 1")).hasMessageContaining("leadId 'lead 1'");
    }

    @Test
    void identifiersFollowTheContractAlphabetAndLength() {
        assertThat(Identifiers.isValid("a.b_c-d@e")).isTrue();
        assertThat(Identifiers.isValid("x".repeat(128))).isTrue();
        assertThat(Identifiers.isValid("x".repeat(129))).isFalse();
        assertThat(Identifiers.isValid("")).isFalse();
        assertThat(Identifiers.isValid("a:b")).isFalse();
        assertThat(Identifiers.isValid("a/b")).isFalse();
        assertThat(Identifiers.isValid("café")).isFalse();
        assertThatThrownBy(() -> Identifiers.require("tenantId", null)).hasMessage("tenantId is required");
    }

    @Test
    void theHandWrittenCheckAgreesWithTheDocumentedPatternOnEveryShortString() {
        String alphabet = "aZ09._-@:/ \u00e9\u0000\u212a"; // valid characters, separators, blanks, non-ASCII (Kelvin sign)
        java.util.List<String> samples = new java.util.ArrayList<>(java.util.List.of("", "x".repeat(128),
                "x".repeat(129), ".".repeat(128), ".".repeat(129)));
        for (char a : alphabet.toCharArray()) {
            samples.add("" + a);
            for (char b : alphabet.toCharArray()) {
                samples.add("" + a + b);
                for (char c : alphabet.toCharArray()) {
                    samples.add("" + a + b + c);
                }
            }
        }
        for (String sample : samples) {
            assertThat(Identifiers.isValid(sample)).as("'%s'", sample).isEqualTo(Identifiers.matchesPattern(sample));
        }
    }

    @Test
    void identifiersMadeOnlyOfDotsAreRejectedBecausePathsResolveThem() {
        assertThat(Identifiers.isValid(".")).isFalse();
        assertThat(Identifiers.isValid("..")).isFalse();
        assertThat(Identifiers.isValid(".".repeat(128))).isFalse();
        assertThat(Identifiers.isValid(".a")).isTrue();
        assertThat(Identifiers.isValid("a..")).isTrue();
        assertThat(Identifiers.isValid("..-")).isTrue();
        assertThatThrownBy(() -> Identifiers.require("leadId", ".."))
                .hasMessage("leadId '..' is not a valid identifier: use 1-128 characters of letters, digits,"
                        + " '.', '_', '-' and '@', not only dots");
        assertThatThrownBy(() -> LeadKey.of("acme", ".")).hasMessageContaining("leadId '.'");
    }

    @Test
    void durationsUseShortUnitsOrIso() {
        assertThat(DurationText.parse("delay", "30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(DurationText.parse("delay", "2h")).isEqualTo(Duration.ofHours(2));
        assertThat(DurationText.parse("delay", "1d")).isEqualTo(Duration.ofDays(1));
        assertThat(DurationText.parse("delay", "45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(DurationText.parse("offset", "-15m")).isEqualTo(Duration.ofMinutes(-15));
        assertThat(DurationText.parse("delay", "PT1H30M")).isEqualTo(Duration.ofMinutes(90));
        assertThatThrownBy(() -> DurationText.parse("leadFollowUps[0].delay", "soon"))
                .hasMessageContaining("leadFollowUps[0].delay 'soon' is not a duration");
        assertThatThrownBy(() -> DurationText.parse("delay", "")).hasMessageContaining("delay is required");
        assertThat(DurationText.isValid("3w")).isFalse();
    }

    @Test
    void topicNamesFollowTheContract() {
        assertThat(Topics.dueTasks(Channel.EMAIL)).isEqualTo(Topics.DUE_TASKS_EMAIL);
        assertThat(Topics.dueTasks(Channel.SMS)).isEqualTo("followup.due-tasks.sms.v1");
        assertThat(Topics.dueTasks(Channel.CALL)).isEqualTo(Topics.DUE_TASKS_CALL);
        assertThat(Topics.dlq(Topics.LEAD_EVENTS)).isEqualTo("followup.lead-events.v1.dlq");
        assertThat(Topics.isCompacted(Topics.TENANT_SETTINGS)).isTrue();
        assertThat(Topics.isCompacted(Topics.SEQUENCES)).isTrue();
        assertThat(Topics.isCompacted(Topics.dlq(Topics.SEQUENCES))).isFalse();
        assertThat(Topics.allNames()).hasSize(19).doesNotHaveDuplicates().contains("followup.alerts.v1")
                .doesNotContain("followup.alerts.v1.dlq");
    }
}
