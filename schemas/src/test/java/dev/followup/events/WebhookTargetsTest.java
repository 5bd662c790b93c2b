package dev.followup.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WebhookTargetsTest {

    private final WebhookTargets strict = WebhookTargets.strict();

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1/hook", "http://127.8.9.10:8080/hook",          // loopback
            "http://10.0.0.1/", "http://172.16.0.1/", "http://172.31.255.255/", "http://192.168.1.1/", // private
            "http://169.254.169.254/latest/meta-data/", "http://169.254.0.1/", // link-local, cloud metadata
            "http://100.64.0.1/", "http://100.127.255.254/",                   // CGNAT
            "http://0.0.0.0/", "http://0.1.2.3/",                               // unspecified, this network
            "http://224.0.0.1/", "http://239.255.255.250/", "http://255.255.255.255/", "http://240.0.0.1/", // multicast, broadcast, reserved
            "http://[::1]/", "http://[::]/",                                    // IPv6 loopback, unspecified
            "http://[fc00::1]/", "http://[fd12:3456::1]/",                      // ULA
            "http://[fe80::1]/", "http://[fec0::1]/",                           // link-local, site-local
            "http://[ff02::1]/",                                                // multicast
            "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/", "http://[::ffff:10.0.0.1]/", // IPv4-mapped
            "http://[::127.0.0.1]/",                                            // IPv4-compatible
            "http://[64:ff9b::a9fe:a9fe]/",                                     // NAT64 of the metadata address
            "http://[2002:7f00:1::]/",                                          // 6to4 of loopback
            "http://localhost:8080/", "http://LOCALHOST/", "http://api.localhost/", // RFC 6761 loopback names
            "http://0177.0.0.1/",                                             // forms resolvers read as addresses
    })
    void refusesEveryInternalRangeAtTheEdge(String url) {
        assertThat(strict.problemWith(url)).contains(WebhookTargets.REFUSED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.1/", "http://10.0.0.1./", "http://2130706433/", "http://0x7f.0.0.1/", "http://0x7f000001/", "http://017700000001/"})
    void refusesNumericHostFormsThatAreNotDottedAddresses(String url) {
        assertThat(strict.problemWith(url)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://crm.example.com/", "file:///etc/passwd", "gopher://x/", "crm.example.com/hook"})
    void refusesOtherSchemes(String url) {
        assertThat(strict.problemWith(url)).contains("must be an http(s) URL");
    }

    @Test
    void refusesUserInformation() {
        assertThat(strict.problemWith("https://user:pw@crm.example.com/hook")).contains("must not carry user information (user:password@)");
        assertThat(strict.problemWith("https://crm.example.com@10.0.0.1/")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://crm.example.com/hooks/sms", "http://93.184.216.34:8080/x", "https://[2606:4700::1111]/",
            "https://hooks.n8n.cloud/webhook/abc", "http://172.32.0.1/", "http://100.128.0.1/", "http://192.169.0.1/"})
    void acceptsPublicTargets(String url) {
        assertThat(strict.problemWith(url)).isEmpty();
    }

    @Test
    void theAllowListOpensBlocksAndHosts() {
        WebhookTargets local = WebhookTargets.allowing(List.of("127.0.0.0/8", "::1/128", "localhost", "crm.svc.cluster.local"));
        assertThat(local.problemWith("http://127.0.0.1:9000/hook")).isEmpty();
        assertThat(local.problemWith("http://[::1]:9000/hook")).isEmpty();
        assertThat(local.problemWith("http://localhost:9000/hook")).isEmpty();
        assertThat(local.problemWith("http://10.0.0.1/hook")).contains(WebhookTargets.REFUSED);
        assertThat(local.problemWith("http://169.254.169.254/")).contains(WebhookTargets.REFUSED);
        assertThat(local.problemWith("http://api.localhost/")).contains(WebhookTargets.REFUSED);
    }

    @Test
    void atConnectTimeEveryResolvedAddressIsChecked() throws Exception {
        InetAddress metadata = InetAddress.getByAddress("hooks.example.com", new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254});
        InetAddress internal = InetAddress.getByAddress("hooks.example.com", new byte[] {10, 1, 2, 3});
        InetAddress publicAddress = InetAddress.getByAddress("hooks.example.com", new byte[] {93, (byte) 184, (byte) 216, 34});
        assertThat(strict.allowsConnection("hooks.example.com", metadata)).isFalse();
        assertThat(strict.allowsConnection("hooks.example.com", internal)).isFalse();
        assertThat(strict.allowsConnection("hooks.example.com", publicAddress)).isTrue();
        WebhookTargets cluster = WebhookTargets.allowing(List.of("10.1.0.0/16"));
        assertThat(cluster.allowsConnection("hooks.example.com", internal)).isTrue();
        assertThat(cluster.allowsConnection("hooks.example.com", metadata)).isFalse();
        WebhookTargets byName = WebhookTargets.allowing(List.of("crm.internal"));
        assertThat(byName.allowsConnection("CRM.internal", internal)).isTrue();
        assertThat(byName.allowsConnection("other.internal", internal)).isFalse();
    }

    @Test
    void aMalformedAllowListEntryIsNamed() {
        assertThatThrownBy(() -> WebhookTargets.allowing(List.of("10.0.0.0/33")))
                .hasMessageContaining("'10.0.0.0/33'");
        assertThatThrownBy(() -> WebhookTargets.allowing(List.of("not a host!")))
                .hasMessageContaining("'not a host!'");
    }

    @Test
    void grantsResolveOnlyForTheirTenantsAndReadAlikeWhenMissing() {
        TenantGrants grants = new TenantGrants(java.util.Map.of("local", List.of("acme", "globex"), "globex-crm", List.of("globex")),
                java.util.Map.of("sales", List.of("acme")));
        assertThat(grants.mayUseWebhookSecret("globex", "globex-crm")).isTrue();
        assertThat(grants.mayUseWebhookSecret("acme", "globex-crm")).isFalse();
        assertThat(grants.mayUseWebhookSecret("acme", "local")).isTrue();
        assertThat(grants.mayUseWebhookSecret("acme", "nope")).isFalse();
        assertThat(grants.mayUseMailbox("acme", "sales")).isTrue();
        assertThat(grants.mayUseMailbox("globex", "sales")).isFalse();
        assertThat(grants.mayUseMailbox("globex", TenantGrants.LOCAL_MAILBOX)).isTrue();
        assertThat(TenantGrants.unusable("webhookSecretRef", "globex-crm"))
                .isEqualTo(TenantGrants.unusable("webhookSecretRef", "globex-crm"))
                .doesNotContain("granted to").contains("not configured or not granted");
    }
}
