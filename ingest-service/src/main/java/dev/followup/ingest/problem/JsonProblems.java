package dev.followup.ingest.problem;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Why a JSON body could not be read, as a field problem naming the JSON path (never echoing a secret). */
public final class JsonProblems {

    private static final Pattern SECRET_LIKE = Pattern.compile("(?i).*(secret|password|passwd|token|api[-_]?key|credential|private[-_]?key).*");

    private JsonProblems() {
    }

    public static FieldProblem from(JacksonException e) {
        String field = path(e.getPath());
        if (e instanceof UnrecognizedPropertyException u) {
            String name = u.getPropertyName();
            if (name != null && SECRET_LIKE.matcher(name).matches() && !name.endsWith("Ref")) {
                return FieldProblem.redacted(field, "looks like a raw secret: secrets never travel in requests or "
                        + "topics; put the secret in the executor's configuration and name it with a ...Ref field "
                        + "(e.g. webhookSecretRef)");
            }
            return FieldProblem.of(field, null, "is not a field of this request (unknown fields are rejected)");
        }
        if (e instanceof InvalidFormatException f) {
            return FieldProblem.of(field, f.getValue(), "must be " + expected(f.getTargetType()));
        }
        if (e instanceof MismatchedInputException m) {
            if (field.isEmpty()) {
                return FieldProblem.of("body", null, "must be a JSON object");
            }
            return FieldProblem.of(field, null, "has the wrong type: must be " + expected(m.getTargetType()));
        }
        if (e instanceof StreamReadException) {
            return FieldProblem.of(field.isEmpty() ? "body" : field, null,
                    "is not valid JSON: " + shorten(e.getOriginalMessage()));
        }
        return FieldProblem.of(field.isEmpty() ? "body" : field, null, "cannot be read: " + shorten(e.getOriginalMessage()));
    }

    static String path(List<JacksonException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference r : refs) {
            if (r.getPropertyName() != null) {
                if (r.from() instanceof Map<?, ?>) {
                    sb.append('[').append(r.getPropertyName()).append(']');
                } else {
                    sb.append(sb.isEmpty() ? "" : ".").append(r.getPropertyName());
                }
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static String shorten(String message) {
        if (message == null) {
            return "unreadable";
        }
        String first = message.lines().findFirst().orElse("").strip();
        return first.length() > 160 ? first.substring(0, 160) + "..." : first.toLowerCase(Locale.ROOT).isEmpty() ? "unreadable" : first;
    }
}
