package dev.followup.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    @Test
    void theCeilingAlwaysRunsFirstAndScenariosKeepTheirOrder() {
        BenchOptions options = BenchOptions.parse(new String[] {"burst", "ceiling", "--bootstrap", "127.0.0.1:9092",
                "--scheduler-jar", "pom.xml", "--executor-jar", "pom.xml"});

        assertThat(options.scenarios()).containsExactly("ceiling", "burst");
        assertThat(options.timers()).isEqualTo(100_000);
        assertThat(options.spread()).isEqualTo(Duration.ofSeconds(20));
        assertThat(options.channel()).isEqualTo(dev.followup.events.v1.Channel.EMAIL);
        assertThat(options.aloneRate()).as("rate's scheduler-alone part: the sustained goal's rate").isEqualTo(50_000);
        assertThat(options.aloneDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.heldChannel()).as("the scheduler-alone burst's channel, which the executor does not read")
                .isEqualTo(dev.followup.events.v1.Channel.SMS);
        assertThat(BenchOptions.parse(new String[] {"burst", "--bootstrap", "h:1", "--scheduler-jar", "pom.xml",
                "--executor-jar", "pom.xml", "--channel", "sms"}).heldChannel())
                .isEqualTo(dev.followup.events.v1.Channel.EMAIL);
    }

    @Test
    void serviceSettingsAreRepeatableKeyValuePairs() {
        BenchOptions options = BenchOptions.parse(new String[] {"ceiling", "--bootstrap", "localhost:9092",
                "--scheduler-prop", "followup.scheduler.num-stream-threads=2",
                "--scheduler-prop", "spring.kafka.streams.properties.producer.linger.ms=10", "--pending", "10_000_000",
                "--alone-rate", "0"});

        assertThat(options.schedulerProps()).containsEntry("followup.scheduler.num-stream-threads", "2")
                .containsEntry("spring.kafka.streams.properties.producer.linger.ms", "10");
        assertThat(options.pending()).isEqualTo(10_000_000);
        assertThat(options.aloneRate()).as("0 skips the scheduler-alone part").isZero();
    }

    @Test
    void soakRunsOnlyWhenNamedAndAlone() {
        assertThat(BenchOptions.parse(new String[] {"all", "--bootstrap", "h:1", "--scheduler-jar", "pom.xml",
                "--executor-jar", "pom.xml"}).scenarios()).doesNotContain("soak");

        BenchOptions soak = BenchOptions.parse(new String[] {"soak", "--bootstrap", "h:1", "--scheduler-jar", "pom.xml",
                "--executor-jar", "pom.xml", "--minutes", "3", "--retention", "1m"});

        assertThat(soak.scenarios()).containsExactly("ceiling", "soak");
        assertThat(soak.soakDuration()).isEqualTo(Duration.ofMinutes(3));
        assertThat(soak.retention()).isEqualTo(Duration.ofMinutes(1));
        assertThat(soak.soakRate()).as("leads per second unless --rate").isEqualTo(20);
        assertThat(soak.sampleEvery()).isEqualTo(Duration.ofSeconds(30));
        assertThat(soak.observedChannels()).containsExactlyElementsOf(SoakFeed.CHANNELS);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"soak", "firing", "--bootstrap", "h:1",
                "--scheduler-jar", "pom.xml", "--executor-jar", "pom.xml"})).hasMessageContaining("soak runs alone");
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"storm", "--bootstrap", "h:1"}))
                .hasMessageContaining("unknown scenario 'storm'");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"ceiling", "--bootstrap", "h:1", "--timers", "lots"}))
                .hasMessageContaining("--timers 'lots' is not a whole number");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"firing", "--bootstrap", "h:1"}))
                .hasMessageContaining("--scheduler-jar");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"ceiling"})).hasMessageContaining("--bootstrap");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"ceiling", "--bootstrap", "h:1", "--alone-rate",
                "-5"})).hasMessageContaining("--alone-rate must be at least 0, got -5");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"ceiling", "--bootstrap", "h:1", "--alone-rate", "1",
                "--alone-duration", "1s"})).hasMessageContaining("--alone-rate × --alone-duration must be 2 to");
    }
}
