package dev.followup.executor;

import static dev.followup.executor.ExecutorTestSupport.awaitReceipt;
import static dev.followup.executor.ExecutorTestSupport.publishSettings;
import static dev.followup.executor.ExecutorTestSupport.publishTask;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.followup.events.UnsubscribeTokens;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.Contact;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TenantSettings;
import dev.followup.executor.consume.TenantSettingsView;
import dev.followup.executor.content.UnsubscribeLinks;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * RFC 8058 headers on the real broker: IMAP drafts read back from GreenMail and Maildir drafts parsed from disk carry
 * {@code List-Unsubscribe} (a token ingest's secret verifies, naming the task's tenant and lead, no address in clear)
 * and {@code List-Unsubscribe-Post}; the body line follows the tenant's {@code unsubscribeLine}.
 */
@WithKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class UnsubscribeHeadersIntegrationTest {

    private static final String USER = "drafts@unsub.test";
    private static final String SECRET = "executor-test-unsubscribe-secret-0123456789";
    private static final String BASE = "https://followup.example.test";
    private static final Path DATA = Path.of("target", "test-data", "unsubscribe-" + UUID.randomUUID());
    /** What ingest verifies with. */
    private static final UnsubscribeTokens INGEST = new UnsubscribeTokens(SECRET, List.of());

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.IMAP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, USER, "secret"))
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        r.add("followup.executor.channels", () -> "EMAIL");
        r.add("followup.executor.data-dir", DATA::toString);
        r.add("followup.unsubscribe.secret", () -> SECRET);
        r.add("followup.unsubscribe.base-url", () -> BASE + "/");
        r.add("followup.grants.mailboxes.unsub", () -> "imap-unsub");
        r.add("followup.executor.mailboxes.unsub.host", () -> "127.0.0.1");
        r.add("followup.executor.mailboxes.unsub.port", () -> greenMail.getImap().getPort());
        r.add("followup.executor.mailboxes.unsub.tls", () -> "none");
        r.add("followup.executor.mailboxes.unsub.username", () -> USER);
        r.add("followup.executor.mailboxes.unsub.password", () -> "secret");
    }

    @Autowired
    TenantSettingsView view;

    @Test
    void anImapDraftCarriesTheOneClickHeadersAndTheLine(TestKafka kafka) throws Exception {
        publishSettings(kafka, view, TenantSettings.newBuilder().setTenantId("imap-unsub")
                .setChannels(Map.of("EMAIL", ChannelSettings.newBuilder().setMailboxRef("unsub").build())).build());
        publishTask(kafka, TestTasks.task("imap-unsub", "unsub-imap-1", Channel.EMAIL).setLeadId("lead-imap")
                .setBody("Hi {{contact.firstName}},\nshall we talk?\n").build());

        assertThat(awaitReceipt(kafka, "unsub-imap-1").getStatus()).isEqualTo(ReceiptStatus.DRAFTED);

        MimeMessage draft = imapDraft("unsub-imap-1");
        String url = assertOneClickHeaders(draft, "imap-unsub", "lead-imap");
        assertThat(((String) draft.getContent()).replace("\r\n", "\n"))
                .isEqualTo("Hi Ada,\nshall we talk?\n\n" + UnsubscribeLinks.LINE + url + "\n");
    }

    @Test
    void aMaildirDraftCarriesTheHeadersAndTheLine(TestKafka kafka) throws Exception {
        publishTask(kafka, TestTasks.task("maildir-unsub", "unsub-maildir-1", Channel.EMAIL).setLeadId("lead-md")
                .build());

        assertThat(awaitReceipt(kafka, "unsub-maildir-1").getStatus()).isEqualTo(ReceiptStatus.DRAFTED);

        MimeMessage draft = maildirDraft("maildir-unsub");
        String url = assertOneClickHeaders(draft, "maildir-unsub", "lead-md");
        assertThat(((String) draft.getContent()).replace("\r\n", "\n")).endsWith(UnsubscribeLinks.LINE + url + "\n");
    }

    @Test
    void aTenantThatTurnedTheLineOffKeepsTheHeadersAndGetsNoLine(TestKafka kafka) throws Exception {
        publishSettings(kafka, view, TenantSettings.newBuilder().setTenantId("quiet-unsub").setUnsubscribeLine(false)
                .build());
        publishTask(kafka, TestTasks.task("quiet-unsub", "unsub-quiet-1", Channel.EMAIL).setLeadId("lead-q")
                .setBody("Just the body.").build());

        assertThat(awaitReceipt(kafka, "unsub-quiet-1").getStatus()).isEqualTo(ReceiptStatus.DRAFTED);

        MimeMessage draft = maildirDraft("quiet-unsub");
        String url = assertOneClickHeaders(draft, "quiet-unsub", "lead-q");
        String body = ((String) draft.getContent()).replace("\r\n", "\n");
        assertThat(body).isEqualTo("Just the body.").doesNotContain(url).doesNotContain(UnsubscribeLinks.LINE);
    }

    /** The link names the lead and tenant of its own task: two tenants' drafts to one address get different tokens. */
    @Test
    void eachTenantsDraftGetsATokenOfItsOwnTenantAndLead(TestKafka kafka) throws Exception {
        Contact same = Contact.newBuilder().setName("Bea").setEmail("bea@example.com").build();
        publishTask(kafka, TestTasks.task("tenant-a-unsub", "unsub-a-1", Channel.EMAIL).setLeadId("lead-same")
                .setContact(same).build());
        publishTask(kafka, TestTasks.task("tenant-b-unsub", "unsub-b-1", Channel.EMAIL).setLeadId("lead-same")
                .setContact(same).build());
        awaitReceipt(kafka, "unsub-a-1");
        awaitReceipt(kafka, "unsub-b-1");

        String a = assertOneClickHeaders(maildirDraft("tenant-a-unsub"), "tenant-a-unsub", "lead-same");
        String b = assertOneClickHeaders(maildirDraft("tenant-b-unsub"), "tenant-b-unsub", "lead-same");
        assertThat(a).isNotEqualTo(b);
    }

    /** Asserts both headers and returns the URL; its token verifies for exactly this tenant and lead. */
    private static String assertOneClickHeaders(MimeMessage draft, String tenant, String lead) throws Exception {
        assertThat(draft.getHeader("List-Unsubscribe-Post")).containsExactly("List-Unsubscribe=One-Click");
        String[] header = draft.getHeader("List-Unsubscribe");
        assertThat(header).hasSize(1);
        assertThat(header[0]).startsWith("<" + BASE + UnsubscribeTokens.PATH).endsWith(">");
        String url = header[0].substring(1, header[0].length() - 1);
        String token = url.substring((BASE + UnsubscribeTokens.PATH).length());
        UnsubscribeTokens.Token verified = INGEST.verify(token).orElseThrow();
        assertThat(verified.tenantId()).isEqualTo(tenant);
        assertThat(verified.leadId()).isEqualTo(lead);
        String address = ((jakarta.mail.internet.InternetAddress) draft.getRecipients(Message.RecipientType.TO)[0])
                .getAddress();
        assertThat(url).doesNotContain(address).doesNotContain(address.substring(0, address.indexOf('@')));
        return url;
    }

    private static MimeMessage maildirDraft(String tenant) throws Exception {
        try (Stream<Path> files = Files.list(DATA.resolve("mail").resolve(tenant).resolve("Drafts").resolve("new"))) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            try (InputStream in = Files.newInputStream(all.get(0))) {
                return new MimeMessage(Session.getInstance(new Properties()), in);
            }
        }
    }

    private static MimeMessage imapDraft(String taskId) throws Exception {
        try (Store store = Session.getInstance(new Properties()).getStore("imap")) {
            store.connect("127.0.0.1", greenMail.getImap().getPort(), USER, "secret");
            Folder folder = store.getFolder("Drafts");
            folder.open(Folder.READ_ONLY);
            try {
                for (Message m : folder.getMessages()) {
                    String[] ids = m.getHeader("X-Followup-Task-Id");
                    if (ids != null && List.of(ids).contains(taskId)) {
                        return new MimeMessage((MimeMessage) m);
                    }
                }
            } finally {
                folder.close(false);
            }
        }
        throw new AssertionError("no IMAP draft of " + taskId);
    }
}
