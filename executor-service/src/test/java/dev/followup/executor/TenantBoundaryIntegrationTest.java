package dev.followup.executor;

import static dev.followup.executor.ExecutorTestSupport.assertSignedWith;
import static dev.followup.executor.ExecutorTestSupport.awaitReceipt;
import static dev.followup.executor.ExecutorTestSupport.publishSettings;
import static dev.followup.executor.ExecutorTestSupport.publishTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.followup.events.TenantGrants;
import dev.followup.events.Topics;
import dev.followup.events.WebhookTargets;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TenantSettings;
import dev.followup.executor.consume.TenantSettingsView;
import dev.followup.executor.provider.WebhookAddressGuard;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Two tenants, acme and globex, each with a signing secret, a webhook receiver and an IMAP mailbox of its own (real
 * broker, real HTTP servers, GreenMail): a tenant that names the other's secret or mailbox gets a FAILED receipt that
 * reads exactly like a missing reference, and the other's receiver and mailbox see nothing, while each tenant's own
 * use keeps working. Webhook hosts resolve through a stub resolver, so a public-looking name that answers an internal
 * address is refused at connect time, and no test traffic leaves loopback.
 */
@WithKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class TenantBoundaryIntegrationTest {

    private static final String ACME_SECRET = "acme-signing-secret";
    private static final String GLOBEX_SECRET = "globex-signing-secret";
    private static final String ACME_USER = "drafts@acme.test";
    private static final String GLOBEX_USER = "drafts@globex.test";
    private static final Path DATA = Path.of("target", "test-data", "boundary-" + UUID.randomUUID());

    private static final WebhookReceiver acmeReceiver = WebhookReceiver.started();
    private static final WebhookReceiver globexReceiver = WebhookReceiver.started();
    /** Names the stub resolver was asked for: the executor never reaches the JVM's resolver. */
    private static final List<String> resolved = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.IMAP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(ACME_USER, ACME_USER, "secret")
                    .withUser(GLOBEX_USER, GLOBEX_USER, "secret"))
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        r.add("followup.executor.channels", () -> "EMAIL,SMS,CALL");
        r.add("followup.executor.data-dir", DATA::toString);
        r.add("followup.executor.secrets.acme-crm", () -> ACME_SECRET);
        r.add("followup.executor.secrets.globex-crm", () -> GLOBEX_SECRET);
        r.add("followup.grants.webhook-secrets.acme-crm", () -> "acme,ssrf-metadata,ssrf-internal,ssrf-mixed");
        r.add("followup.grants.webhook-secrets.globex-crm", () -> "globex");
        for (String tenant : List.of("acme", "globex")) {
            String ref = tenant + "-mail";
            r.add("followup.executor.mailboxes." + ref + ".host", () -> "127.0.0.1");
            r.add("followup.executor.mailboxes." + ref + ".port", () -> greenMail.getImap().getPort());
            r.add("followup.executor.mailboxes." + ref + ".tls", () -> "none");
            r.add("followup.executor.mailboxes." + ref + ".username", () -> "drafts@" + tenant + ".test");
            r.add("followup.executor.mailboxes." + ref + ".password", () -> "secret");
            r.add("followup.grants.mailboxes." + ref, () -> tenant);
        }
        // loopback is where the test receivers listen; nothing else internal is allowed
        r.add("followup.webhooks.allowed-targets", () -> "127.0.0.0/8");
    }

    @TestConfiguration
    static class StubResolver {
        /** Public-looking names: one for acme's receiver, and names answering internal addresses (rebinding, metadata). */
        @Bean
        @Primary
        WebhookAddressGuard.Resolver stubResolver() {
            return host -> {
                resolved.add(host);
                return switch (host) {
                    case "hooks.acme.example" -> new InetAddress[] {address(host, 127, 0, 0, 1)};
                    case "hooks.metadata.example" -> new InetAddress[] {address(host, 169, 254, 169, 254)};
                    case "hooks.internal.example" -> new InetAddress[] {address(host, 10, 0, 0, 5)};
                    case "hooks.mixed.example" -> new InetAddress[] {address(host, 127, 0, 0, 1), address(host, 192, 168, 1, 7)};
                    case "127.0.0.1" -> new InetAddress[] {address(host, 127, 0, 0, 1)};
                    default -> throw new UnknownHostException(host);
                };
            };
        }
    }

    @Autowired
    TenantSettingsView view;

    @Autowired
    MeterRegistry meters;

    @AfterAll
    static void stop() {
        acmeReceiver.close();
        globexReceiver.close();
    }

    @Test
    void aTenantNamingAnotherTenantsSecretGetsFailedAndNoReceiverIsCalled(TestKafka kafka) {
        String acmeUrl = acmeReceiver.serve("/oracle", n -> 200);
        String globexUrl = globexReceiver.serve("/oracle", n -> 200);
        useWebhook(kafka, "acme", Channel.SMS, acmeUrl, "globex-crm");

        publishTask(kafka, TestTasks.task("acme", "oracle-1", Channel.SMS).build());
        Receipt receipt = awaitReceipt(kafka, "oracle-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(receipt.getAttempt()).as("permanent: not retried").isEqualTo(1);
        assertThat(receipt.getError()).isEqualTo(TenantGrants.unusable("webhookSecretRef", "globex-crm"));
        assertThat(acmeReceiver.requests("/oracle")).as("no body signed with globex's secret reached acme").isEmpty();
        assertThat(globexReceiver.requests("/oracle")).isEmpty();
    }

    @Test
    void anotherTenantsRefAndAMissingRefReadAlike(TestKafka kafka) {
        String url = acmeReceiver.serve("/probe", n -> 200);
        useWebhook(kafka, "acme", Channel.SMS, url, "no-such-ref");

        publishTask(kafka, TestTasks.task("acme", "probe-1", Channel.SMS).build());
        Receipt missing = awaitReceipt(kafka, "probe-1");

        assertThat(missing.getStatus()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(missing.getError().replace("no-such-ref", "REF"))
                .isEqualTo(TenantGrants.unusable("webhookSecretRef", "globex-crm").replace("globex-crm", "REF"));
        assertThat(acmeReceiver.requests("/probe")).isEmpty();
    }

    @Test
    void eachTenantsOwnSecretKeepsWorking(TestKafka kafka) throws Exception {
        String globexUrl = globexReceiver.serve("/own", n -> 200);
        useWebhook(kafka, "globex", Channel.SMS, globexUrl, "globex-crm");
        // acme's receiver behind a public-looking name: the connection goes to the address the guard checked
        useWebhook(kafka, "acme", Channel.CALL, acmeReceiver.serve("/own", n -> 200).replace("127.0.0.1", "hooks.acme.example"),
                "acme-crm");

        publishTask(kafka, TestTasks.task("globex", "own-1", Channel.SMS).build());
        publishTask(kafka, TestTasks.task("acme", "own-2", Channel.CALL).build());

        assertThat(awaitReceipt(kafka, "own-1").getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(awaitReceipt(kafka, "own-2").getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(globexReceiver.requests("/own")).hasSize(1);
        WebhookReceiver.Received globexCall = globexReceiver.requests("/own").get(0);
        assertSignedWith(GLOBEX_SECRET, globexCall.header("X-Followup-Signature"), globexCall.body());
        assertThat(acmeReceiver.requests("/own")).hasSize(1);
        WebhookReceiver.Received acmeCall = acmeReceiver.requests("/own").get(0);
        assertSignedWith(ACME_SECRET, acmeCall.header("X-Followup-Signature"), acmeCall.body());
        assertThat(resolved).contains("hooks.acme.example");
    }

    @Test
    void aTenantNamingAnotherTenantsMailboxGetsFailedAndThatMailboxStaysEmpty(TestKafka kafka) throws Exception {
        useMailbox(kafka, "acme", "globex-mail");

        publishTask(kafka, TestTasks.task("acme", "mailbox-1", Channel.EMAIL).build());
        Receipt receipt = awaitReceipt(kafka, "mailbox-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(receipt.getError()).isEqualTo(TenantGrants.unusable("mailboxRef", "globex-mail"));
        assertThat(receipt.getLink()).as("no IMAP host of globex in acme's receipt").isNull();
        assertThat(draftsOf(GLOBEX_USER)).isZero();

        useMailbox(kafka, "globex", "globex-mail");
        publishTask(kafka, TestTasks.task("globex", "mailbox-2", Channel.EMAIL).build());
        assertThat(awaitReceipt(kafka, "mailbox-2").getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(draftsOf(GLOBEX_USER)).isEqualTo(1);
        assertThat(draftsOf(ACME_USER)).isZero();
    }

    @Test
    void aPublicLookingNameThatResolvesToAnInternalAddressIsRefusedAtConnectTime(TestKafka kafka) {
        List<String> hosts = List.of("hooks.metadata.example", "hooks.internal.example", "hooks.mixed.example");
        for (String host : hosts) {
            useWebhook(kafka, tenantOf(host), Channel.SMS, "http://" + host + "/latest/meta-data/", "acme-crm");
            publishTask(kafka, TestTasks.task(tenantOf(host), "ssrf-" + host, Channel.SMS).build());
        }
        for (String host : hosts) {
            Receipt receipt = awaitReceipt(kafka, "ssrf-" + host);
            assertThat(receipt.getStatus()).as(host).isEqualTo(ReceiptStatus.FAILED);
            assertThat(receipt.getAttempt()).as("permanent: " + host).isEqualTo(1);
            assertThat(receipt.getError()).as(host).isEqualTo("channels[SMS].webhookUrl " + WebhookTargets.REFUSED);
        }
        assertThat(resolved).containsAll(hosts);
    }

    /** Tenants whose only difference is the host their webhook names; acme-crm is granted to them for this test. */
    private static String tenantOf(String host) {
        return "ssrf-" + host.split("\\.")[1];
    }

    @Test
    void aFailedConnectionGivesTheTenantAGenericReasonNotTheNetworksErrorText(TestKafka kafka) throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        useWebhook(kafka, "acme", Channel.CALL, "http://127.0.0.1:" + closedPort + "/hook", "acme-crm");

        publishTask(kafka, TestTasks.task("acme", "closed-1", Channel.CALL).build());
        Receipt receipt = awaitReceipt(kafka, "closed-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.DEAD);
        assertThat(receipt.getError()).endsWith("webhook request failed (no connection or no answer)")
                .doesNotContain("refused", "Connect", String.valueOf(closedPort));
    }

    @Test
    void aSettingsRecordKeyedForOneTenantCannotReplaceAnothersSettings(TestKafka kafka) {
        String globexUrl = globexReceiver.serve("/kept", n -> 200);
        String acmeUrl = acmeReceiver.serve("/hijack", n -> 200);
        useWebhook(kafka, "globex", Channel.SMS, globexUrl, "globex-crm");
        TenantSettings globexBefore = view.settingsOf("globex");
        double rejectedBefore = meters.counter("followup.executor.tenant-settings.rejected").count();

        // acme's producer writes a record keyed "acme" whose value claims to be globex's settings
        TenantSettings forged = TenantSettings.newBuilder().setTenantId("globex")
                .setChannels(Map.of("SMS", ChannelSettings.newBuilder().setWebhookUrl(acmeUrl)
                        .setWebhookSecretRef("globex-crm").build())).build();
        kafka.send(Topics.TENANT_SETTINGS, "acme", forged);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> meters.counter("followup.executor.tenant-settings.rejected").count() > rejectedBefore);

        assertThat(view.settingsOf("globex")).isEqualTo(globexBefore);
        assertThat(view.settingsOf("acme").getTenantId()).isEqualTo("acme");
        publishTask(kafka, TestTasks.task("globex", "kept-1", Channel.SMS).build());
        assertThat(awaitReceipt(kafka, "kept-1").getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(globexReceiver.requests("/kept")).hasSize(1);
        assertThat(acmeReceiver.requests("/hijack")).isEmpty();
    }

    private void useWebhook(TestKafka kafka, String tenant, Channel channel, String url, String secretRef) {
        publishSettings(kafka, view, TenantSettings.newBuilder().setTenantId(tenant)
                .setChannels(Map.of(channel.name(), ChannelSettings.newBuilder().setWebhookUrl(url)
                        .setWebhookSecretRef(secretRef).setMaxAttempts(1).build())).build());
    }

    private void useMailbox(TestKafka kafka, String tenant, String mailboxRef) {
        publishSettings(kafka, view, TenantSettings.newBuilder().setTenantId(tenant)
                .setChannels(Map.of("EMAIL", ChannelSettings.newBuilder().setMailboxRef(mailboxRef).build())).build());
    }

    private static int draftsOf(String user) throws Exception {
        try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
            store.connect("127.0.0.1", greenMail.getImap().getPort(), user, "secret");
            Folder folder = store.getFolder("Drafts");
            if (!folder.exists()) {
                return 0;
            }
            folder.open(Folder.READ_ONLY);
            try {
                return folder.getMessageCount();
            } finally {
                folder.close(false);
            }
        }
    }

    private static InetAddress address(String host, int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(host, new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

}
