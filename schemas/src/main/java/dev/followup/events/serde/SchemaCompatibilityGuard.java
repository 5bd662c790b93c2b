package dev.followup.events.serde;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Checks, with Avro's own {@link SchemaCompatibility}, that a current schema is backward compatible (it reads
 * data written with every kept version) and forward compatible (every kept version reads data written with it).
 */
public final class SchemaCompatibilityGuard {

    private SchemaCompatibilityGuard() {
    }

    /** One failed direction against one kept version. */
    public record Incompatibility(String record, int version, String direction, String details) {
        @Override
        public String toString() {
            return record + " is not " + direction + " compatible with kept version v" + version + ": " + details;
        }
    }

    /** Every incompatibility of {@code current} with the versions of {@code history}; empty when compatible. */
    public static List<Incompatibility> check(Schema current, SchemaHistory history) {
        List<Incompatibility> problems = new ArrayList<>();
        List<Schema> versions = history.versions();
        for (int i = 0; i < versions.size(); i++) {
            Schema old = versions.get(i);
            SchemaPairCompatibility backward = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
            if (backward.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(new Incompatibility(history.recordName(), i + 1, "backward", describe(backward)));
            }
            SchemaPairCompatibility forward = SchemaCompatibility.checkReaderWriterCompatibility(old, current);
            if (forward.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(new Incompatibility(history.recordName(), i + 1, "forward", describe(forward)));
            }
        }
        return problems;
    }

    private static String describe(SchemaPairCompatibility result) {
        return result.getResult().getIncompatibilities().stream()
                .map(inc -> inc.getType() + " at " + inc.getLocation() + " (" + inc.getMessage() + ")")
                .toList().toString();
    }
}
