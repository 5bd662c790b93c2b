package dev.followup.scheduler.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A malformed API-key entry stops the start, naming the property and the index, never showing the hash. */
class AuthPropertiesTest {

    private static final String ACME_HASH = "62c2fc277ab4261d4243be7b5cf49bdab2c39fed01ae2d4ce1cf9a38ec4e793c";
    private static final String GLOBEX_HASH = "4763e480ccf7dc583baddba37894eb1dc1fabf79bfc9d82a4a8b00710e18f124";

    @EnableConfigurationProperties(AuthProperties.class)
    static class Config {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner().withUserConfiguration(Config.class)
            .withPropertyValues("followup.auth.api-keys[0].tenant=acme", "followup.auth.api-keys[0].sha256=" + ACME_HASH);

    private static AuthProperties keys(String tenant, String sha256) {
        return new AuthProperties(List.of(new AuthProperties.ApiKey("acme", ACME_HASH),
                new AuthProperties.ApiKey(tenant, sha256)));
    }

    @Test
    void aHashThatIsNot64HexDigitsIsRefusedNamingThePathAndItsLengthOnly() {
        String truncated = GLOBEX_HASH.substring(0, 63);
        assertThatIllegalArgumentException().isThrownBy(() -> keys("globex", truncated))
                .withMessage("followup.auth.api-keys[1].sha256 of tenant 'globex' must be 64 hex digits (the SHA-256"
                        + " of the key), got 63 characters")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(truncated.substring(0, 16)));
        String notHex = "z" + GLOBEX_HASH.substring(1);
        assertThatIllegalArgumentException().isThrownBy(() -> keys("globex", notHex))
                .withMessageContaining("got 64 characters that are not all hex digits")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(notHex.substring(0, 16)));
        assertThatIllegalArgumentException().isThrownBy(() -> keys("globex", null))
                .withMessageContaining("followup.auth.api-keys[1].sha256").withMessageEndingWith("got nothing");
    }

    @Test
    void aBlankOrInvalidTenantIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> keys(" ", GLOBEX_HASH))
                .withMessage("followup.auth.api-keys[1].tenant must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> keys("../globex", GLOBEX_HASH))
                .withMessageStartingWith("followup.auth.api-keys[1].tenant '../globex' is not a valid identifier");
        assertThat(keys("globex", GLOBEX_HASH.toUpperCase()).apiKeys()).hasSize(2);
    }

    @Test
    void theContextDoesNotStartWithAMalformedHash() {
        context.withPropertyValues("followup.auth.api-keys[1].tenant=globex",
                "followup.auth.api-keys[1].sha256=" + GLOBEX_HASH + "0").run(started -> {
                    assertThat(started).hasFailed();
                    Assertions.assertThat(rootCause(started.getStartupFailure())).hasMessageContaining(
                            "followup.auth.api-keys[1].sha256 of tenant 'globex' must be 64 hex digits")
                            .hasMessageContaining("got 65 characters");
                });
        context.run(started -> assertThat(started).hasNotFailed().getBean(AuthProperties.class)
                .satisfies(p -> assertThat(p.apiKeys()).extracting(AuthProperties.ApiKey::tenant).containsExactly("acme")));
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
