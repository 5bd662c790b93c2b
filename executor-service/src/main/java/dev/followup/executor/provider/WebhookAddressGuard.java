package dev.followup.executor.provider;

import dev.followup.events.WebhookTargets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;

/**
 * The webhook client's only way from a host name to addresses: it resolves the host, refuses the connection when any
 * address it answers lies in a range {@link WebhookTargets} refuses, and hands the client exactly the addresses it
 * checked, so a second lookup (DNS rebinding) never decides where the connection goes.
 */
public final class WebhookAddressGuard implements DnsResolver {

    /** How names become addresses; the JVM's resolver in production, a stub in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The lookup answered an address the guard refuses: no connection was opened. */
    public static final class RefusedTarget extends UnknownHostException {
        RefusedTarget(String host) {
            super(host + " " + WebhookTargets.REFUSED);
        }
    }

    private final WebhookTargets targets;
    private final Resolver resolver;

    public WebhookAddressGuard(WebhookTargets targets, Resolver resolver) {
        this.targets = targets;
        this.resolver = resolver;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = resolver.resolve(bare);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(bare);
        }
        for (InetAddress address : addresses) {
            // one refused address refuses the name: a host that answers internal addresses is not a tenant's webhook
            if (!targets.allowsConnection(bare, address)) {
                throw new RefusedTarget(bare);
            }
        }
        return addresses;
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        List<InetSocketAddress> result = new ArrayList<>();
        for (InetAddress address : resolve(host)) {
            result.add(new InetSocketAddress(address, port));
        }
        return result;
    }

    @Override
    public String resolveCanonicalHostname(String host) {
        return host; // never looked up again: the name the tenant configured is the name TLS verifies
    }
}
