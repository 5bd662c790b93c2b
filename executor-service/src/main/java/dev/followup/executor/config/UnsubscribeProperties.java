package dev.followup.executor.config;

import dev.followup.events.UnsubscribeTokens;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code List-Unsubscribe} links of email drafts, prefix {@code followup.unsubscribe} (ingest verifies them with
 * the same secret).
 *
 * @param secret  signs the tokens: at least 32 characters, the same as ingest's. Env {@code FOLLOWUP_UNSUBSCRIBE_SECRET}
 * @param baseUrl where ingest is reachable from the recipients' mail clients, e.g. {@code https://followup.example.com}
 *                (the links are {@code <base-url>/v1/unsubscribe/<token>}). Env {@code FOLLOWUP_UNSUBSCRIBE_BASEURL}
 *                <p>Without both, drafts carry no unsubscribe headers nor line, and a warning is logged at startup.
 */
@ConfigurationProperties("followup.unsubscribe")
public record UnsubscribeProperties(String secret, String baseUrl) {

    public UnsubscribeProperties {
        secret = secret == null || secret.isBlank() ? null : secret;
        baseUrl = baseUrl == null || baseUrl.isBlank() ? null : baseUrl.strip();
        if (secret != null) {
            new UnsubscribeTokens(secret, java.util.List.of()); // a short secret fails at startup, naming the property
        }
        if (baseUrl != null) {
            checkBaseUrl(baseUrl);
        }
    }

    /** What is missing for the links, or null when both are set. */
    public String missing() {
        return secret == null && baseUrl == null ? "followup.unsubscribe.secret and followup.unsubscribe.base-url"
                : secret == null ? "followup.unsubscribe.secret" : baseUrl == null ? "followup.unsubscribe.base-url" : null;
    }

    private static void checkBaseUrl(String baseUrl) {
        String problem;
        try {
            URI uri = new URI(baseUrl);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            problem = !scheme.equals("https") && !scheme.equals("http") ? "must be an http(s) URL"
                    : uri.getHost() == null ? "must name a host"
                    : uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null
                            ? "must have no user information, query or fragment" : null;
        } catch (URISyntaxException e) {
            problem = "is not a URL (" + e.getReason() + ")";
        }
        if (problem != null) {
            throw new IllegalArgumentException("followup.unsubscribe.base-url '" + baseUrl + "' " + problem
                    + ", e.g. https://followup.example.com");
        }
    }

    /** The secret never shows in logs or error messages. */
    @Override
    public String toString() {
        return "UnsubscribeProperties[secret=" + (secret == null ? "unset" : "set") + ", baseUrl=" + baseUrl + "]";
    }
}
