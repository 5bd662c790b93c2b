package dev.followup.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CronTextTest {

    @Test
    void theGrammarDecidesWithinTheBound() {
        assertThat(CronText.isValid("0 0 9 * * MON-FRI", s -> true)).isTrue();
        assertThat(CronText.isValid("0 0 9 * * MON-FRI", s -> false)).isFalse();
    }

    @Test
    void longerThanTheBoundOrEmptyIsNeverValid() {
        assertThat(CronText.isValid("0".repeat(CronText.MAX_LENGTH), s -> true)).isTrue();
        assertThat(CronText.isValid("0".repeat(CronText.MAX_LENGTH + 1), s -> true)).isFalse();
        assertThat(CronText.isValid(" ", s -> true)).isFalse();
        assertThat(CronText.isValid(null, s -> true)).isFalse();
    }
}
