package dev.followup.helmcheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a service can be configured with, read from its sources: the properties of its own
 * {@code @ConfigurationProperties} records (under {@code <service>/src/main/java}), the Spring Boot properties of the
 * modules every service uses (the configuration metadata of the Boot jars on this module's test classpath: server,
 * actuator, kafka) and its {@code application.yml}. An environment variable "maps to a property" when Spring Boot's
 * relaxed binding would bind it to one of them: upper case, dots as {@code _}, dashes removed (or, the legacy form,
 * as {@code _}), list indexes and map keys as segments.
 */
final class SpringProperties {

    private static final Pattern CONFIGURATION_PROPERTIES = Pattern.compile(
            "@ConfigurationProperties\\(\\s*(?:prefix\\s*=\\s*|value\\s*=\\s*)?\"([^\"]+)\"\\s*\\)");
    private static final List<String> SCALARS = List.of("String", "int", "long", "double", "float", "boolean",
            "Integer", "Long", "Double", "Float", "Boolean", "Duration", "DataSize", "Path", "URI", "Instant",
            "Channel", "ZoneId", "Resource", "char", "short");

    private final String service;
    private final List<Pattern> envPatterns;
    private final List<String> described;
    private final Map<String, Object> applicationYaml;

    private SpringProperties(String service, List<Pattern> envPatterns, List<String> described,
            Map<String, Object> applicationYaml) {
        this.service = service;
        this.envPatterns = envPatterns;
        this.described = described;
        this.applicationYaml = applicationYaml;
    }

    /** The configuration of {@code <service>-service} in the project. */
    static SpringProperties of(String service) {
        Path module = FollowupChart.PROJECT.resolve(service + "-service");
        List<Pattern> patterns = new ArrayList<>();
        List<String> described = new ArrayList<>();
        for (String[] property : recordProperties(module.resolve("src/main/java"))) {
            patterns.add(Pattern.compile(property[1]));
            described.add(property[0]);
        }
        for (String[] property : bootMetadataProperties()) {
            patterns.add(Pattern.compile(property[1]));
            described.add(property[0]);
        }
        return new SpringProperties(service, patterns, described,
                loadYaml(module.resolve("src/main/resources/application.yml")));
    }

    String service() {
        return service;
    }

    /** Whether Spring Boot binds environment variable {@code name} to a property this service has. */
    boolean bindsEnvironmentVariable(String name) {
        return envPatterns.stream().anyMatch(p -> p.matcher(name).matches());
    }

    /** The property {@code name} binds to, for messages. */
    Optional<String> propertyOf(String name) {
        for (int i = 0; i < envPatterns.size(); i++) {
            if (envPatterns.get(i).matcher(name).matches()) {
                return Optional.of(described.get(i));
            }
        }
        return Optional.empty();
    }

    /** Number of properties known, a sanity figure for tests. */
    int size() {
        return envPatterns.size();
    }

    /** A value of application.yml by dotted path, e.g. {@code management.endpoints.web.exposure.include}. */
    Optional<Object> yaml(String dottedPath) {
        Object node = applicationYaml;
        for (String segment : dottedPath.split("\\.")) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(segment)) {
                return Optional.empty();
            }
            node = map.get(segment);
        }
        return Optional.ofNullable(node);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> loadYaml(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return loaded == null ? Map.of() : (Map<String, Object>) loaded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- @ConfigurationProperties records of the service's sources

    private static List<String[]> recordProperties(Path sources) {
        List<String[]> properties = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher annotation = CONFIGURATION_PROPERTIES.matcher(source);
                if (!annotation.find()) {
                    continue;
                }
                String prefix = annotation.group(1);
                Matcher record = Pattern.compile("record\\s+(\\w+)\\s*\\(").matcher(source);
                if (!record.find(annotation.end())) {
                    continue; // a class with setters: not used by the services
                }
                collect(source, record.group(1), prefix, envSegment(prefix), properties, 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    private static void collect(String source, String recordName, String property, String envRegex,
            List<String[]> out, int depth) {
        List<String[]> components = components(source, recordName);
        if (components == null || depth > 6) {
            out.add(new String[] {property, envRegex + "(_[A-Z0-9_]+)?"});
            return;
        }
        for (String[] component : components) {
            String type = component[0];
            String name = kebab(component[1]);
            String childProperty = property + "." + name;
            String childEnv = envRegex + "_" + envSegment(name);
            Matcher generic = Pattern.compile("(Map|List|Set|Collection)<(.+)>").matcher(type);
            if (generic.matches()) {
                String[] args = splitTopLevel(generic.group(2));
                String element = args[args.length - 1].trim();
                boolean map = generic.group(1).equals("Map");
                String keyRegex = map ? "_[A-Z0-9]+" : "_[0-9]+";
                String keyName = map ? ".<key>" : "[<n>]";
                if (components(source, element) != null) {
                    collect(source, element, childProperty + keyName, childEnv + keyRegex, out, depth + 1);
                } else if (map) {
                    out.add(new String[] {childProperty + ".<key>", childEnv + "_[A-Z0-9_]+"});
                } else {
                    out.add(new String[] {childProperty, childEnv + "(" + keyRegex + ")?"});
                }
            } else if (components(source, type) != null) {
                collect(source, type, childProperty, childEnv, out, depth + 1);
            } else {
                out.add(new String[] {childProperty, childEnv});
            }
        }
    }

    /** (type, name) of each component of {@code record <name>(...)} in {@code source}, or null when there is none. */
    private static List<String[]> components(String source, String recordName) {
        if (SCALARS.contains(recordName)) {
            return null;
        }
        Matcher m = Pattern.compile("record\\s+" + Pattern.quote(recordName) + "\\s*\\(").matcher(source);
        if (!m.find()) {
            return null;
        }
        int depth = 1;
        int i = m.end();
        StringBuilder header = new StringBuilder();
        while (depth > 0) {
            char c = source.charAt(i++);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if (depth > 0) {
                header.append(c);
            }
        }
        String cleaned = header.toString()
                .replaceAll("//[^\\n]*", "")
                .replaceAll("@\\w+(\\.\\w+)*(\\((?:[^()]|\\([^()]*\\))*\\))?", "")
                .replaceAll("\\s+", " ").trim();
        List<String[]> components = new ArrayList<>();
        if (cleaned.isEmpty()) {
            return components;
        }
        for (String part : splitTopLevel(cleaned)) {
            String p = part.trim().replace("final ", "");
            int space = p.lastIndexOf(' ');
            components.add(new String[] {p.substring(0, space).replace(" ", ""), p.substring(space + 1)});
        }
        return components;
    }

    private static String[] splitTopLevel(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '<') {
                depth++;
            } else if (c == '>') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts.toArray(String[]::new);
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Env regex of a dotted, kebab-case property path: dashes removed, or (legacy) as underscores. */
    private static String envSegment(String dotted) {
        List<String> segments = new ArrayList<>();
        for (String segment : dotted.split("\\.")) {
            String upper = segment.toUpperCase(Locale.ROOT);
            segments.add(upper.contains("-")
                    ? "(?:" + Pattern.quote(upper.replace("-", "")) + "|" + Pattern.quote(upper.replace('-', '_')) + ")"
                    : Pattern.quote(upper));
        }
        return String.join("_", segments);
    }

    // --- Spring Boot's own properties, from the configuration metadata of the Boot jars

    private static List<String[]> bootMetadata;

    private static synchronized List<String[]> bootMetadataProperties() {
        if (bootMetadata != null) {
            return bootMetadata;
        }
        ObjectMapper json = new ObjectMapper();
        Map<String, String> types = new LinkedHashMap<>();
        try {
            for (URL url : Collections.list(SpringProperties.class.getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json"))) {
                try (InputStream in = url.openStream()) {
                    JsonNode root = json.readTree(in);
                    for (JsonNode property : root.path("properties")) {
                        types.put(property.path("name").asText(), property.path("type").asText(""));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String[]> properties = new ArrayList<>();
        types.forEach((name, type) -> {
            String regex = envSegment(name.replaceAll("\\[.*?]", ""));
            if (type.startsWith("java.util.Map")) {
                regex += "_[A-Z0-9_]+";
            } else if (type.startsWith("java.util.List") || type.startsWith("java.util.Set") || type.endsWith("[]")) {
                regex += "(_[0-9]+)?";
            }
            properties.add(new String[] {name, regex});
        });
        bootMetadata = List.copyOf(properties);
        return bootMetadata;
    }
}
