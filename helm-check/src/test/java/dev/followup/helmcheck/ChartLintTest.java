package dev.followup.helmcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code helm lint --strict} and values.schema.json. */
class ChartLintTest {

    @Test
    void lintsCleanInStrictMode() {
        LintResult result = FollowupChart.lintStrict();

        assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).as("lint messages").noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @ParameterizedTest(name = "{0} is refused naming {1}")
    @CsvSource({
            "invalid-unknown-key.yaml, replica",
            "invalid-bootstrap.yaml, bootstrapServers",
            "invalid-replicas.yaml, replicas",
            "invalid-replicas.yaml, partitions",
            "invalid-sasl.yaml, saslMechanism",
            "invalid-api-key.yaml, sha256"})
    void valuesViolatingTheSchemaAreRefused(String valuesFile, String namedField) {
        assertThatThrownBy(() -> FollowupChart.template(valuesFile))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(namedField);
    }

    @org.junit.jupiter.api.Test
    void aReferenceInTwoTenantsSecretsIsRefused() {
        assertThatThrownBy(() -> FollowupChart.template("invalid-tenant-secrets.yaml"))
                .hasMessageContaining("webhook secret reference \"crm\" is in more than one tenant's Secret");
    }
}
