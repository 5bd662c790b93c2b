package dev.followup.scheduler.api;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code followup.scheduler.internal-auth.*} (environment: {@code FOLLOWUP_SCHEDULER_INTERNALAUTH_*}): how scheduler
 * instances ask each other for the data they host. A forwarded call carries no caller's key: it is signed with
 * {@link InternalCredential} (HMAC-SHA256 of the tenant, method, path and a timestamp under {@code secret}).
 *
 * @param secret    shared by all instances of the application; required as soon as there is more than one instance
 *                  (without it an instance answers from its own stores and refuses to forward, with a 503 and an
 *                  error log). At least 32 characters; blank: no internal calls at all (a single instance)
 * @param scheme    {@code http} or {@code https}, for the URL of the other instance (its host and port come from
 *                  Kafka Streams metadata, {@code followup.scheduler.application-server}). With https the server
 *                  needs {@code server.ssl.*}, and the client trusts {@code ssl-bundle} or else the JVM's trust store
 * @param sslBundle a Spring SSL bundle ({@code spring.ssl.bundle.*}) whose trust material the forwarding client
 *                  uses; blank: the JVM default
 * @param maxAge    how long a signed call stays valid (clock skew between instances included); a captured header is
 *                  only good for the same tenant, method and path within it
 */
@ConfigurationProperties("followup.scheduler.internal-auth")
public record InternalAuthProperties(
        @DefaultValue("") String secret,
        @DefaultValue("http") String scheme,
        @DefaultValue("") String sslBundle,
        @DefaultValue("30s") Duration maxAge) {

    static final int MIN_SECRET_LENGTH = 32;

    public InternalAuthProperties {
        secret = secret == null ? "" : secret.strip();
        if (!secret.isEmpty() && secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("followup.scheduler.internal-auth.secret must be at least "
                    + MIN_SECRET_LENGTH + " characters, got " + secret.length());
        }
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("followup.scheduler.internal-auth.scheme must be http or https, got '"
                    + scheme + "'");
        }
        sslBundle = sslBundle == null ? "" : sslBundle.strip();
        if (maxAge == null || maxAge.compareTo(Duration.ofSeconds(1)) < 0 || maxAge.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("followup.scheduler.internal-auth.max-age must be from 1s to 5m, got "
                    + maxAge);
        }
    }

    public boolean enabled() {
        return !secret.isEmpty();
    }
}
