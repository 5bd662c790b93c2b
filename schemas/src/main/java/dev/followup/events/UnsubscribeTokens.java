package dev.followup.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The unsubscribe token of an email draft (RFC 8058 {@code List-Unsubscribe}): the executor signs it, ingest's
 * {@code /v1/unsubscribe/{token}} verifies it, both with {@code followup.unsubscribe.secret}. A token names a
 * tenant, a lead and the recipient's address, the address only as a keyed hash:
 *
 * <pre>u1.&lt;key id&gt;.&lt;base64url(AES-CTR("tenant:lead:" + address hash))&gt;.&lt;base64url(HMAC-SHA256)&gt;</pre>
 *
 * <p>The HMAC (under the key the key id names) covers the version, the key id and the plain text, so no part can be
 * changed: a token of one tenant cannot be turned into another's, nor into another lead's. The plain text is also
 * encrypted, with the first 16 bytes of that HMAC as the counter's start (a synthetic IV, as in AES-SIV): a lead id
 * may be an address ({@code ada@example.com} is a valid id), and a link in a forwarded mail or a proxy's log must
 * not show it. The same tenant, lead and address always give the same token. It is URL-safe (letters, digits,
 * {@code -}, {@code _}, {@code .}) and verifies without an API key. Keys rotate: one signs, earlier ones still verify
 * until they are dropped. Tokens do not expire: an unsubscribe link must work for as long as the mail is read.
 */
public final class UnsubscribeTokens {

    /** Where ingest serves the tokens: {@code <base-url>/v1/unsubscribe/<token>}. */
    public static final String PATH = "/v1/unsubscribe/";
    /** Shorter than a secret is guessable; the Helm chart generates 48 characters. */
    public static final int MIN_SECRET_LENGTH = 32;
    /** Longer than any token {@link #sign} writes (two 128-character ids): anything longer is refused unparsed. */
    public static final int MAX_TOKEN_LENGTH = 512;

    private static final String VERSION = "u1";
    private static final String HMAC = "HmacSHA256";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

    /** What a verified token names. {@code addressHash} is a keyed hash of the address: it cannot be reversed. */
    public record Token(String tenantId, String leadId, String addressHash) {

        /** The id of the opt-out this token asks for: the same for every token of that tenant, lead and address. */
        public String eventId() {
            String seed = "followup-unsubscribe\n" + tenantId + "\n" + leadId + "\n" + addressHash;
            return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
        }
    }

    /** One secret: its id (in tokens, not secret), its MAC key and its encryption key, both derived from it. */
    private record Key(String id, SecretKeySpec mac, SecretKeySpec encryption) {
    }

    private final Key signing;
    private final List<Key> verifying;

    /**
     * @param secret          signs new tokens (and verifies them)
     * @param previousSecrets verify tokens signed before a rotation; empty when none
     * @throws IllegalArgumentException a secret shorter than {@value #MIN_SECRET_LENGTH} characters
     */
    public UnsubscribeTokens(String secret, List<String> previousSecrets) {
        this.signing = key("followup.unsubscribe.secret", secret);
        List<Key> all = new ArrayList<>(List.of(signing));
        for (int i = 0; i < previousSecrets.size(); i++) {
            all.add(key("followup.unsubscribe.previous-secrets[" + i + "]", previousSecrets.get(i)));
        }
        this.verifying = List.copyOf(all);
    }

    /** The token for a draft to {@code address} of the lead. */
    public String sign(String tenantId, String leadId, String address) {
        Identifiers.require("tenantId", tenantId);
        Identifiers.require("leadId", leadId);
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("an unsubscribe token needs the recipient's address");
        }
        byte[] addressHash = Arrays.copyOf(hmac(signing.mac(), bytes("address\n" + normalised(address))), 16);
        byte[] plain = bytes(tenantId + ":" + leadId + ":" + B64.encodeToString(addressHash));
        byte[] tag = hmac(signing.mac(), authenticated(signing.id(), plain));
        return VERSION + "." + signing.id() + "." + B64.encodeToString(ctr(signing, tag, plain)) + "."
                + B64.encodeToString(tag);
    }

    /** What the token names, if a configured key made it exactly as it is; empty for anything else. */
    public Optional<Token> verify(String token) {
        if (token == null || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0])) {
            return Optional.empty();
        }
        byte[] tag;
        byte[] cipher;
        try {
            tag = B64_DECODE.decode(parts[3]);
            cipher = B64_DECODE.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (tag.length != 32) {
            return Optional.empty();
        }
        for (Key key : verifying) {
            if (!key.id().equals(parts[1])) {
                continue;
            }
            byte[] plain = ctr(key, tag, cipher);
            if (MessageDigest.isEqual(hmac(key.mac(), authenticated(key.id(), plain)), tag)) {
                return parsed(new String(plain, StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** The URL of a token under ingest's public base URL ({@code https://followup.example.com}). */
    public static String url(String baseUrl, String token) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return base + PATH + token;
    }

    private static Optional<Token> parsed(String plain) {
        String[] fields = plain.split(":", -1);
        if (fields.length != 3 || !Identifiers.isValid(fields[0]) || !Identifiers.isValid(fields[1])
                || fields[2].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Token(fields[0], fields[1], fields[2]));
    }

    private static byte[] authenticated(String keyId, byte[] plain) {
        byte[] prefix = bytes(VERSION + "." + keyId + "\n");
        byte[] all = Arrays.copyOf(prefix, prefix.length + plain.length);
        System.arraycopy(plain, 0, all, prefix.length, plain.length);
        return all;
    }

    private static String normalised(String address) {
        return address.strip().toLowerCase(Locale.ROOT);
    }

    private static Key key(String property, String secret) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException(property + " must be at least " + MIN_SECRET_LENGTH
                    + " characters (it was " + (secret == null ? "not set" : secret.length() + " characters") + ")");
        }
        SecretKeySpec root = new SecretKeySpec(bytes(secret), HMAC);
        // separate keys for separate jobs; the id names the key without revealing it (24 bits of a MAC under it)
        SecretKeySpec mac = new SecretKeySpec(hmac(root, bytes("followup-unsubscribe mac")), HMAC);
        SecretKeySpec encryption = new SecretKeySpec(
                Arrays.copyOf(hmac(root, bytes("followup-unsubscribe encryption")), 16), "AES");
        String id = B64.encodeToString(Arrays.copyOf(hmac(root, bytes("followup-unsubscribe key id")), 3));
        return new Key(id, mac, encryption);
    }

    /** AES-CTR from the tag's first 16 bytes: encrypts and decrypts alike. */
    private static byte[] ctr(Key key, byte[] tag, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.encryption(), new IvParameterSpec(Arrays.copyOf(tag, 16)));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/CTR is missing from this JVM", e);
        }
    }

    private static byte[] hmac(SecretKeySpec key, byte[] input) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
