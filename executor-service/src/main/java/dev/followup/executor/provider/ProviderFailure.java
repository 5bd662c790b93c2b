package dev.followup.executor.provider;

/** A provider could not draft: {@code permanent} failures are not retried (bad input, 4xx, missing configuration). */
public class ProviderFailure extends RuntimeException {

    private final boolean permanent;

    private ProviderFailure(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    public static ProviderFailure permanent(String message) {
        return new ProviderFailure(message, true, null);
    }

    public static ProviderFailure permanent(String message, Throwable cause) {
        return new ProviderFailure(message, true, cause);
    }

    public static ProviderFailure retriable(String message, Throwable cause) {
        return new ProviderFailure(message, false, cause);
    }

    public boolean permanent() {
        return permanent;
    }
}
