package dev.followup.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Issue #9: logs and metrics hold no API keys, secrets, email addresses or phone numbers. Greps files (service logs,
 * saved {@code /actuator/prometheus} answers) for the values a test used and for anything shaped like an email
 * address or an E.164 phone number. A finding names the file, the line and what was found, never the value in full.
 */
final class LogLeakCheck {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    private static final Pattern E164 = Pattern.compile("(?<![\\w+.:/-])\\+[1-9]\\d{7,14}(?![\\w.])");

    private final Map<String, String> values = new LinkedHashMap<>();

    /** A value that must not appear anywhere, under a name the finding shows instead of it. */
    LogLeakCheck forbid(String what, String value) {
        values.put(value, what);
        return this;
    }

    /** Every finding in {@code files} and, recursively, the regular files under directories among them. */
    List<String> findings(List<Path> files) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path root : files) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                    scan(file, out);
                }
            }
        }
        return out;
    }

    private void scan(Path file, List<String> out) throws IOException {
        // malformed bytes must not hide the rest of a log: decode leniently
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = file.getFileName() + ":" + (i + 1) + ": ";
            for (Map.Entry<String, String> v : values.entrySet()) {
                if (line.contains(v.getKey())) {
                    out.add(where + v.getValue() + " (" + masked(v.getKey()) + ")");
                }
            }
            for (Pattern shape : List.of(EMAIL, E164)) {
                Matcher m = shape.matcher(line);
                while (m.find()) {
                    if (!values.containsKey(m.group())) {
                        out.add(where + (shape == EMAIL ? "an email address" : "a phone number") + " (" + masked(m.group())
                                + ")");
                    }
                }
            }
        }
    }

    /** The first two characters and the length: enough to find it, not enough to use it. */
    static String masked(String value) {
        return value.substring(0, Math.min(2, value.length())) + "… (" + value.length() + " characters)";
    }
}
