package dev.followup.events;

/** The {@code tenantId:id} key layout shared by {@link LeadKey} and {@link SequenceKey}. */
final class ScopedKeys {

    static final char SEPARATOR = ':';

    private ScopedKeys() {
    }

    static String[] split(String what, String key) {
        if (key == null) {
            throw new IllegalArgumentException(what + " is required");
        }
        int at = key.indexOf(SEPARATOR);
        if (at < 0 || at != key.lastIndexOf(SEPARATOR)) {
            String shown = key.length() > 60 ? key.substring(0, 60) + "..." : key;
            throw new IllegalArgumentException(what + " '" + shown + "' is not of the form tenantId:id");
        }
        return new String[] {key.substring(0, at), key.substring(at + 1)};
    }
}
