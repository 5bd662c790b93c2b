package dev.followup.executor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The unsubscribe settings refuse what would make links nobody can use, naming the property, never the secret. */
class UnsubscribePropertiesTest {

    static final String SECRET = "executor-unsubscribe-secret-0123456789ab";

    @Test
    void bothSetMeansLinksEitherMissingIsNamed() {
        assertThat(new UnsubscribeProperties(SECRET, "https://followup.example.com").missing()).isNull();
        assertThat(new UnsubscribeProperties(SECRET, " ").missing()).isEqualTo("followup.unsubscribe.base-url");
        assertThat(new UnsubscribeProperties(null, "https://followup.example.com").missing())
                .isEqualTo("followup.unsubscribe.secret");
        assertThat(new UnsubscribeProperties("", null).missing()).contains("secret").contains("base-url");
    }

    @Test
    void aShortSecretStopsTheStartWithoutShowingIt() {
        assertThatThrownBy(() -> new UnsubscribeProperties("short-secret-value", "https://f.example.com"))
                .hasMessageContaining("followup.unsubscribe.secret").hasMessageContaining("at least 32")
                .hasMessageNotContaining("short-secret-value");
    }

    @Test
    void aBaseUrlThatIsNotAPlainHttpUrlIsRefusedNamingIt() {
        for (String bad : new String[] {"followup.example.com", "ftp://f.example.com", "https://f.example.com/?x=1",
                "https://user:pw@f.example.com", "http://", "https://f.example.com/#top", "https://exa mple.com"}) {
            assertThatThrownBy(() -> new UnsubscribeProperties(SECRET, bad)).as(bad)
                    .hasMessageContaining("followup.unsubscribe.base-url");
        }
        assertThat(new UnsubscribeProperties(SECRET, "http://127.0.0.1:8080").baseUrl()).isEqualTo("http://127.0.0.1:8080");
        assertThat(new UnsubscribeProperties(SECRET, "https://f.example.com/followup/").baseUrl())
                .isEqualTo("https://f.example.com/followup/");
    }

    @Test
    void printedSettingsDoNotShowTheSecret() {
        assertThat(new UnsubscribeProperties(SECRET, "https://f.example.com").toString()).doesNotContain(SECRET)
                .contains("secret=set");
    }
}
