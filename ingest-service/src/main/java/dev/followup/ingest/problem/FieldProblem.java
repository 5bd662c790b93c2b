package dev.followup.ingest.problem;

/**
 * One invalid field of a request: its JSON path, the rejected value (shortened; never a secret) and why.
 */
public record FieldProblem(String field, String value, String message) {

    static final int MAX_SHOWN = 64;

    public static FieldProblem of(String field, Object value, String message) {
        return new FieldProblem(field, shown(value), message);
    }

    /** A field whose value must not be echoed (it may be a secret). */
    public static FieldProblem redacted(String field, String message) {
        return new FieldProblem(field, "[redacted]", message);
    }

    /** Shortens a value for an error body: at most 64 code points, control characters escaped. */
    static String shown(Object value) {
        if (value == null) {
            return null;
        }
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder();
        int count = 0;
        for (int i = 0; i < s.length() && count < MAX_SHOWN; ) {
            int cp = s.codePointAt(i);
            if (Character.isISOControl(cp) || Character.isSurrogate(s.charAt(i))) {
                out.append(String.format("\\u%04x", (int) s.charAt(i)));
                i++;
            } else {
                out.appendCodePoint(cp);
                i += Character.charCount(cp);
            }
            count++;
        }
        if (count >= MAX_SHOWN && out.length() < s.length()) {
            out.append("...(").append(s.length()).append(" chars)");
        }
        return out.toString();
    }

    public FieldProblem prefixed(String prefix) {
        return new FieldProblem(prefix + field, value, message);
    }
}
