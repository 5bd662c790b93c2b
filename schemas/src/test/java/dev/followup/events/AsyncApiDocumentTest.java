package dev.followup.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docs/asyncapi.yaml describes the topics as other tools read them: it must list exactly the topics of
 * {@link Topics}, and every schema file it names must exist and be the schema of the message that names it.
 */
class AsyncApiDocumentTest {

    private static final Path DOCS = Path.of("..", "docs");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> document() throws IOException {
        try (Reader in = Files.newBufferedReader(DOCS.resolve("asyncapi.yaml"))) {
            return (Map<String, Object>) new Yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> section(Map<String, ?> parent, String name) {
        return (Map<String, Map<String, Object>>) parent.get(name);
    }

    @Test
    void itIsAnAsyncApi3DocumentListingExactlyTheContractTopicsAndTheirDeadLetterTopics() throws IOException {
        Map<String, Object> doc = document();
        assertThat(doc.get("asyncapi")).isEqualTo("3.0.0");
        List<String> addresses = section(doc, "channels").values().stream()
                .map(c -> (String) c.get("address")).toList();
        assertThat(addresses).doesNotHaveDuplicates();
        assertThat(addresses).containsExactlyInAnyOrderElementsOf(Topics.allNames());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyMessageNamesAnExistingSchemaFileWhoseRecordHasTheMessagesName() throws IOException {
        Map<String, Map<String, Object>> messages = section(section(document(), "components"), "messages");
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> m : messages.entrySet()) {
            Map<String, Object> payload = (Map<String, Object>) m.getValue().get("payload");
            Map<String, Object> schema = (Map<String, Object>) payload.get("schema");
            if (schema == null) {
                continue; // the dead letter's payload is raw bytes
            }
            Path file = DOCS.resolve((String) schema.get("$ref")).normalize();
            assertThat(file).as(m.getKey()).exists();
            Schema.Parser parser = new Schema.Parser();
            parser.parse(Files.readString(Path.of("src/main/avro/common/Channel.avsc")));
            assertThat(parser.parse(Files.readString(file)).getName()).as(file.toString()).isEqualTo(m.getKey());
            assertThat((String) payload.get("schemaFormat")).startsWith("application/vnd.apache.avro");
            checked.add(m.getKey());
        }
        assertThat(checked).containsExactlyInAnyOrderElementsOf(
                ContractTypes.ALL.stream().map(Class::getSimpleName).toList());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyReferenceInsideTheDocumentResolvesAndEveryChannelHasASender() throws IOException {
        Map<String, Object> doc = document();
        Set<String> refs = new HashSet<>();
        collectRefs(doc, refs);
        for (String ref : refs) {
            if (!ref.startsWith("#/")) {
                continue;
            }
            Object node = doc;
            for (String part : ref.substring(2).split("/")) {
                assertThat(node).as(ref).isInstanceOf(Map.class);
                node = ((Map<String, Object>) node).get(part);
            }
            assertThat(node).as(ref).isNotNull();
        }
        Set<String> sent = new HashSet<>();
        section(doc, "operations").values().forEach(op -> {
            if ("send".equals(op.get("action"))) {
                sent.add((String) ((Map<String, Object>) op.get("channel")).get("$ref"));
            }
        });
        section(doc, "channels").entrySet().stream()
                .filter(c -> !((String) c.getValue().get("address")).endsWith(Topics.DLQ_SUFFIX))
                .forEach(c -> assertThat(sent).as("a send operation of " + c.getKey())
                        .contains("#/channels/" + c.getKey()));
    }

    @SuppressWarnings("unchecked")
    private static void collectRefs(Object node, Set<String> refs) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if ("$ref".equals(k) && v instanceof String s) {
                    refs.add(s);
                } else {
                    collectRefs(v, refs);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(v -> collectRefs(v, refs));
        }
    }
}
