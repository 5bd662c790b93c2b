package dev.followup.events;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a tenant's webhook may point: the rule against server-side request forgery, shared by ingest (a
 * {@code PUT /v1/settings} naming such a URL is a 400) and the executor (every address a webhook host resolves to
 * is checked at connect time, and the connection goes to the address checked, so DNS rebinding cannot get round it).
 *
 * <p>Refused unless allowed: schemes other than http(s), user-info in the URL, and addresses in the loopback,
 * private (RFC 1918), link-local (incl. the cloud metadata address {@code 169.254.169.254}), CGNAT
 * ({@code 100.64.0.0/10}), unspecified, multicast, broadcast and reserved IPv4 ranges; the IPv6 loopback,
 * unspecified, unique-local ({@code fc00::/7}), link-local, site-local and multicast ranges; and IPv4 addresses
 * embedded in IPv6 (IPv4-mapped, IPv4-compatible, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) whose IPv4
 * address is refused. {@code localhost} and names under {@code .localhost} are loopback by definition (RFC 6761).
 *
 * <p>The allow-list ({@code followup.webhooks.allowed-targets}) opens exceptions: CIDR blocks
 * ({@code 127.0.0.0/8}, {@code ::1/128}) or host names matched exactly, case-insensitively. Production allows
 * nothing by default; the local profile allows loopback so local receivers keep working.
 */
public final class WebhookTargets {

    /** The one answer a refused target gets, at the edge and in receipts: it says nothing about the network. */
    public static final String REFUSED = "is not an allowed webhook target (loopback, private, link-local and similar "
            + "addresses are refused unless the operator allows them)";

    private final List<Cidr> allowedBlocks;
    private final Set<String> allowedHosts;

    private WebhookTargets(List<Cidr> allowedBlocks, Set<String> allowedHosts) {
        this.allowedBlocks = allowedBlocks;
        this.allowedHosts = allowedHosts;
    }

    /** Nothing allowed beyond public addresses. */
    public static WebhookTargets strict() {
        return new WebhookTargets(List.of(), Set.of());
    }

    /**
     * @param allowed CIDR blocks and host names
     * @throws IllegalArgumentException naming the entry that is neither
     */
    public static WebhookTargets allowing(List<String> allowed) {
        List<Cidr> blocks = new ArrayList<>();
        Set<String> hosts = new TreeSet<>();
        for (String entry : allowed == null ? List.<String>of() : allowed) {
            String e = entry == null ? "" : entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            if (e.contains("/")) {
                blocks.add(Cidr.parse(e));
            } else if (literalAddress(e).isPresent()) {
                InetAddress a = literalAddress(e).get();
                blocks.add(new Cidr(a.getAddress(), a.getAddress().length * 8));
            } else if (e.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
                hosts.add(e.toLowerCase(Locale.ROOT));
            } else {
                throw new IllegalArgumentException("followup.webhooks.allowed-targets: '" + e
                        + "' is neither a CIDR block (10.1.0.0/16, ::1/128) nor a host name");
            }
        }
        return new WebhookTargets(List.copyOf(blocks), Set.copyOf(hosts));
    }

    /**
     * Checks a webhook URL without resolving its host (the edge must not make DNS lookups for callers).
     *
     * @return the problem, for a field error ("... must be ..."), or empty when the URL may be stored
     */
    public Optional<String> problemWith(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            return Optional.of("must be an http(s) URL");
        }
        if (uri.getRawUserInfo() != null || uri.getRawAuthority() != null && uri.getRawAuthority().contains("@")) {
            return Optional.of("must not carry user information (user:password@)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return Optional.of("must name a host");
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String lower = bare.toLowerCase(Locale.ROOT);
        if (allowedHosts.contains(lower)) {
            return Optional.empty();
        }
        Optional<InetAddress> literal = literalAddress(bare);
        if (literal.isPresent()) {
            return allows(literal.get()) ? Optional.empty() : Optional.of(REFUSED);
        }
        if (looksNumeric(lower)) {
            // 127.1, 2130706433, 0x7f.0.0.1: forms C resolvers read as addresses; no DNS name ends in a number
            return Optional.of(REFUSED);
        }
        if (lower.equals("localhost") || lower.endsWith(".localhost") || lower.endsWith(".localhost.")) {
            return Optional.of(REFUSED);
        }
        return Optional.empty();
    }

    /** Whether a connection to {@code address}, resolved from {@code host}, may be made. */
    public boolean allowsConnection(String host, InetAddress address) {
        return host != null && allowedHosts.contains(host.toLowerCase(Locale.ROOT)) || allows(address);
    }

    /** Whether {@code address} is public, or in an allowed block. */
    public boolean allows(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Cidr block : allowedBlocks) {
            if (block.contains(bytes)) {
                return true;
            }
        }
        return !isRefusedRange(address);
    }

    /** Whether the address lies in a range no webhook may reach without an allow-list entry. */
    public static boolean isRefusedRange(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return isRefusedV4(b);
        }
        if (address instanceof Inet6Address) {
            return isRefusedV6(b);
        }
        return true;
    }

    private static boolean isRefusedV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        return a0 == 0                                   // 0.0.0.0/8: unspecified, "this network"
                || a0 == 10                              // private
                || a0 == 127                             // loopback
                || a0 == 100 && (a1 & 0xc0) == 64        // 100.64.0.0/10: CGNAT
                || a0 == 169 && a1 == 254                // link-local, cloud metadata
                || a0 == 172 && (a1 & 0xf0) == 16        // private
                || a0 == 192 && a1 == 168                // private
                || a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0 // 192.0.0.0/24: IETF protocol assignments
                || a0 == 198 && (a1 & 0xfe) == 18        // 198.18.0.0/15: benchmarking
                || a0 >= 224;                            // multicast, reserved, broadcast
    }

    private static boolean isRefusedV6(byte[] b) {
        boolean first10Zero = true;
        for (int i = 0; i < 10; i++) {
            first10Zero &= b[i] == 0;
        }
        if (first10Zero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return isRefusedV4(new byte[] {b[12], b[13], b[14], b[15]}); // IPv4-mapped ::ffff:a.b.c.d
        }
        if (first10Zero && b[10] == 0 && b[11] == 0) {
            return true; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            return isRefusedV4(new byte[] {b[12], b[13], b[14], b[15]}); // NAT64 64:ff9b::/96
        }
        if (b0 == 0x20 && b1 == 0x02) {
            return isRefusedV4(new byte[] {b[2], b[3], b[4], b[5]}); // 6to4 2002::/16
        }
        return (b0 & 0xfe) == 0xfc                       // fc00::/7 unique local
                || b0 == 0xfe && (b1 & 0xc0) == 0x80     // fe80::/10 link-local
                || b0 == 0xfe && (b1 & 0xc0) == 0xc0     // fec0::/10 site-local (deprecated)
                || b0 == 0xff;                           // multicast
    }

    /** The address a literal host (dotted IPv4 or IPv6) names, parsed without any lookup; empty for a name. */
    static Optional<InetAddress> literalAddress(String host) {
        boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = host.indexOf(':') >= 0 && host.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+");
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            // a literal is parsed, never looked up
            return Optional.of(InetAddress.getByName(v6 && host.contains("%") ? host.substring(0, host.indexOf('%')) : host));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** A host made of digits, dots and hex forms only (what inet_aton would read as an address). */
    private static boolean looksNumeric(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String last = h.substring(h.lastIndexOf('.') + 1);
        return !last.isEmpty() && (last.chars().allMatch(Character::isDigit) || last.matches("0x[0-9a-f]*"));
    }

    /** An address block: the network's bytes and the prefix length. */
    private record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            Optional<InetAddress> address = literalAddress(text.substring(0, slash));
            int prefix;
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (address.isEmpty() || prefix < 0 || prefix > address.get().getAddress().length * 8) {
                throw new IllegalArgumentException("followup.webhooks.allowed-targets: '" + text
                        + "' is not a CIDR block (10.1.0.0/16, ::1/128)");
            }
            return new Cidr(address.get().getAddress(), prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
