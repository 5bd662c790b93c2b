package dev.followup.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What ingest refuses to start with, naming the property and never the secret. */
class UnsubscribePropertiesTest {

    static final String SECRET = "ingest-unsubscribe-secret-0123456789abcdef";
    static final UnsubscribeProperties.RateLimit LIMIT = new UnsubscribeProperties.RateLimit(true, 1, 10, 100);

    @Test
    void withoutASecretNothingVerifies() {
        assertThat(new UnsubscribeProperties(" ", List.of(), LIMIT).tokens()).isNull();
        assertThat(new UnsubscribeProperties(SECRET, List.of(), LIMIT).tokens()).isNotNull();
    }

    @Test
    void shortSecretsAndPreviousSecretsWithoutACurrentOneStopTheStart() {
        assertThatThrownBy(() -> new UnsubscribeProperties("too-short-value", List.of(), LIMIT))
                .hasMessageContaining("followup.unsubscribe.secret").hasMessageNotContaining("too-short-value");
        assertThatThrownBy(() -> new UnsubscribeProperties(SECRET, List.of("old-and-short"), LIMIT))
                .hasMessageContaining("followup.unsubscribe.previous-secrets[0]").hasMessageNotContaining("old-and-short");
        assertThatThrownBy(() -> new UnsubscribeProperties(null, List.of(SECRET), LIMIT))
                .hasMessageContaining("followup.unsubscribe.secret is not");
    }

    @Test
    void printedSettingsDoNotShowSecrets() {
        assertThat(new UnsubscribeProperties(SECRET, List.of(SECRET + "-old"), LIMIT).toString()).doesNotContain(SECRET)
                .contains("secret=set", "previousSecrets=1");
    }
}
