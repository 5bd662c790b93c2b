package dev.followup.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChaosOptionsTest {

    @Test
    void defaultsAreTheLongRunAndSchedulerPropertiesRepeat() {
        ChaosOptions options = ChaosOptions.parse(new String[] {"--scheduler-jar", "pom.xml",
                "--executor-jar", "pom.xml", "--scheduler-prop", "followup.scheduler.commit-interval=1s",
                "--scheduler-prop", "followup.scheduler.punctuate-interval=200ms", "--seed", "7"});

        assertThat(options.leads()).isEqualTo(50_000);
        assertThat(options.spread()).isEqualTo(Duration.ofSeconds(120));
        assertThat(options.seed()).isEqualTo(7);
        assertThat(options.schedulerProps()).containsEntry("followup.scheduler.commit-interval", "1s")
                .containsEntry("followup.scheduler.punctuate-interval", "200ms").hasSize(2);
        assertThat(options.describe()).containsEntry("leads", 50_000).containsKey("schedulerProps");
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"--scheduler-jar", "pom.xml", "--executor-jar",
                "pom.xml", "--scheduler-prop", "commit-interval"}))
                .hasMessageContaining("--scheduler-prop must be key=value, got 'commit-interval'");
        assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"--scheduler-jar", "pom.xml", "--executor-jar",
                "pom.xml", "--leads", "many"})).hasMessageContaining("--leads 'many' is not a whole number");
        assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"--scheduler-jar", "pom.xml", "--executor-jar",
                "pom.xml", "--storm", "1"})).hasMessageContaining("unknown option --storm");
        assertThatThrownBy(() -> ChaosOptions.parse(new String[] {"--executor-jar", "pom.xml"}))
                .hasMessageContaining("--scheduler-jar");
    }
}
