package dev.followup.events.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.ContractTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The build's schema-evolution guard: fails when a schema change breaks readers or writers of kept versions. */
class SchemaCompatibilityTest {

    @Test
    void everyCurrentSchemaIsBackwardAndForwardCompatibleWithEveryKeptVersion() {
        for (Class<? extends SpecificRecord> type : ContractTypes.ALL) {
            SchemaHistory history = SchemaHistory.load(type.getSimpleName());
            assertThat(history.versions()).as("kept versions of %s", type.getSimpleName()).isNotEmpty();
            assertThat(SchemaCompatibilityGuard.check(current(type), history)).as(type.getSimpleName()).isEmpty();
        }
    }

    @Test
    void theNewestKeptVersionIsTheCurrentSchemaSoEveryShippedVersionIsKept() {
        for (Class<? extends SpecificRecord> type : ContractTypes.ALL) {
            SchemaHistory history = SchemaHistory.load(type.getSimpleName());
            Schema newest = history.versions().get(history.versions().size() - 1);
            assertThat(SchemaNormalization.toParsingForm(newest))
                    .as("%s changed: keep it as avro-history/%s/v%d.avsc", type.getSimpleName(),
                            type.getSimpleName(), history.versions().size() + 1)
                    .isEqualTo(SchemaNormalization.toParsingForm(current(type)));
        }
    }

    @Test
    void renamingAFieldWithoutAliasIsCaughtAsIncompatible() throws IOException {
        Schema broken = parse("broken/LeadEvent-renamed-leadId.avsc");
        var problems = SchemaCompatibilityGuard.check(broken, SchemaHistory.load("LeadEvent"));
        assertThat(problems).extracting(SchemaCompatibilityGuard.Incompatibility::direction).contains("backward");
        assertThat(problems.get(0).toString()).contains("LeadEvent", "v1", "lead");
    }

    @Test
    void removingAnEnumSymbolIsCaughtAsIncompatible() throws IOException {
        Schema broken = parse("broken/Receipt-without-DEAD.avsc");
        var problems = SchemaCompatibilityGuard.check(broken, SchemaHistory.load("Receipt"));
        assertThat(problems).isNotEmpty();
        assertThat(problems.toString()).contains("DEAD");
    }

    @Test
    void addingAFieldWithADefaultIsCompatible() throws IOException {
        Schema evolved = parse("older/Alert-v2-with-severity.avsc");
        assertThat(SchemaCompatibilityGuard.check(evolved, SchemaHistory.load("Alert"))).isEmpty();
    }

    static Schema current(Class<? extends SpecificRecord> type) {
        return SpecificData.getForClass(type).getSchema(type);
    }

    static Schema parse(String resource) throws IOException {
        try (InputStream in = SchemaCompatibilityTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
