package dev.followup.events;

import java.util.regex.Pattern;

/**
 * The identifier rule of the contract: 1-128 characters of letters, digits, '.', '_', '-' and '@', not only
 * dots, so an id is safe in a {@code tenantId:leadId} key, a URL and a file name ({@code .} and {@code ..} are
 * path segments that URLs and file systems resolve to another place).
 */
public final class Identifiers {

    public static final int MAX_LENGTH = 128;
    /** The field error for an invalid identifier (a compile-time constant: usable as an annotation default). */
    public static final String PROBLEM = "must be 1-" + MAX_LENGTH + " characters of letters, digits, '.', '_', '-' and '@'";
    private static final Pattern VALID = Pattern.compile("(?!\\.+$)[A-Za-z0-9._@-]{1," + MAX_LENGTH + "}");

    private Identifiers() {
    }

    public static boolean isValid(String value) {
        // the rule of VALID, without a regex: this runs for every key of every record the scheduler handles
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        boolean onlyDots = true;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '.') {
                continue;
            }
            onlyDots = false;
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
                    || c == '@')) {
                return false;
            }
        }
        return !onlyDots;
    }

    /** {@link #isValid} as a regular expression (the documented form; tests check that both agree). */
    static boolean matchesPattern(String value) {
        return value != null && VALID.matcher(value).matches();
    }

    /**
     * Returns {@code value} if it is a valid identifier.
     *
     * @throws IllegalArgumentException naming the field and the value otherwise
     */
    public static String require(String field, String value) {
        if (!isValid(value)) {
            throw new IllegalArgumentException(describe(field, value));
        }
        return value;
    }

    /** The error text for an invalid identifier, naming the field and the (shortened) value. */
    public static String describe(String field, String value) {
        if (value == null) {
            return field + " is required";
        }
        String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
        return field + " '" + shown + "' is not a valid identifier: use 1-" + MAX_LENGTH
                + " characters of letters, digits, '.', '_', '-' and '@', not only dots";
    }
}
