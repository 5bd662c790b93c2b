package dev.followup.events.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * The earlier versions of a record's schema, kept in the jar as {@code avro-history/<Record>/v1.avsc},
 * {@code v2.avsc}, ... (fully resolved, as written on the wire). Decoders resolve old writer schemas from here,
 * and the build checks every current schema against all of them.
 */
public final class SchemaHistory implements SchemaStore {

    private static final String ROOT = "avro-history/";

    private final String recordName;
    private final List<Schema> versions;
    private final SchemaStore.Cache cache = new SchemaStore.Cache();

    private SchemaHistory(String recordName, List<Schema> versions) {
        this.recordName = recordName;
        this.versions = List.copyOf(versions);
        this.versions.forEach(cache::addSchema);
    }

    /** Loads the history of the record with simple name {@code recordName} (e.g. {@code LeadEvent}). */
    public static SchemaHistory load(String recordName) {
        return load(recordName, SchemaHistory.class.getClassLoader());
    }

    static SchemaHistory load(String recordName, ClassLoader loader) {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            String path = ROOT + recordName + "/v" + v + ".avsc";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    break;
                }
                versions.add(new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema history " + path, e);
            }
        }
        return new SchemaHistory(recordName, versions);
    }

    /** A history made of the given schemas (tests, or callers that keep schemas elsewhere). */
    public static SchemaHistory of(String recordName, List<Schema> versions) {
        return new SchemaHistory(recordName, versions);
    }

    public String recordName() {
        return recordName;
    }

    /** The kept versions, oldest first. */
    public List<Schema> versions() {
        return versions;
    }

    @Override
    public Schema findByFingerprint(long fingerprint) {
        return cache.findByFingerprint(fingerprint);
    }

    /** The CRC-64-AVRO fingerprint used by single-object encoding. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }
}
