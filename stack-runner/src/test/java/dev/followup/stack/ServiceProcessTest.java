package dev.followup.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServiceProcessTest {

    @Test
    void argFileLinesAreQuoted() {
        assertThat(ServiceProcess.quoted("--a=b c")).isEqualTo("\"--a=b c\"");
        assertThat(ServiceProcess.quoted("C:\\x\"y")).isEqualTo("\"C:\\\\x\\\"y\"");
    }
}
