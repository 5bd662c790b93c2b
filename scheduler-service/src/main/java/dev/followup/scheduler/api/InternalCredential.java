package dev.followup.scheduler.api;

import dev.followup.events.Identifiers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credential one scheduler instance presents to another: {@value #HEADER}{@code : v1:<epoch seconds>:<mac>} and
 * {@value #TENANT_HEADER}{@code : <tenant>}, where mac is HMAC-SHA256 under the shared secret of the tenant, the
 * method, the raw path with its query and the timestamp. So the header proves the call comes from an instance, is
 * only good for that tenant, method and path, and expires after {@code maxAge}: not a reusable credential. The
 * caller's API key never leaves the instance it was sent to.
 */
public final class InternalCredential {

    public static final String HEADER = "X-Followup-Internal";
    public static final String TENANT_HEADER = "X-Followup-Tenant";
    private static final String VERSION = "v1";
    private static final String ALGORITHM = "HmacSHA256";
    /** Longer than any header this class writes: anything longer is refused before it is parsed. */
    private static final int MAX_HEADER_LENGTH = 128;

    private final SecretKeySpec key;
    private final Duration maxAge;

    public InternalCredential(String secret, Duration maxAge) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.maxAge = maxAge;
    }

    /** The {@value #HEADER} value for a call, for {@code tenant}, at {@code now}. */
    public String sign(String tenant, String method, String pathAndQuery, Instant now) {
        long seconds = now.getEpochSecond();
        return VERSION + ":" + seconds + ":" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac(tenant, method, pathAndQuery, seconds));
    }

    /** Whether {@code header} was signed with this secret for exactly this call, within {@code maxAge} of now. */
    public boolean verifies(String header, String tenant, String method, String pathAndQuery, Instant now) {
        if (header == null || header.length() > MAX_HEADER_LENGTH || !Identifiers.isValid(tenant)) {
            return false;
        }
        String[] parts = header.split(":", -1);
        if (parts.length != 3 || !VERSION.equals(parts[0])) {
            return false;
        }
        long seconds;
        byte[] presented;
        try {
            seconds = Long.parseLong(parts[1]);
            presented = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - seconds) > maxAge.toSeconds()) {
            return false;
        }
        return MessageDigest.isEqual(mac(tenant, method, pathAndQuery, seconds), presented);
    }

    private byte[] mac(String tenant, String method, String pathAndQuery, long seconds) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            // newline-separated: none of the parts can hold one (ids, a method, a raw URI, digits)
            return mac.doFinal((VERSION + "\n" + tenant + "\n" + method + "\n" + pathAndQuery + "\n" + seconds)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
