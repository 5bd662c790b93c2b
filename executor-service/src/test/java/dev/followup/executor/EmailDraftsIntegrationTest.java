package dev.followup.executor;

import static dev.followup.executor.ExecutorTestSupport.awaitReceipt;
import static dev.followup.executor.ExecutorTestSupport.awaitReceipts;
import static dev.followup.executor.ExecutorTestSupport.publishSettings;
import static dev.followup.executor.ExecutorTestSupport.publishTask;
import static dev.followup.executor.ExecutorTestSupport.receiptsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.Contact;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TenantSettings;
import dev.followup.executor.consume.TenantSettingsView;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Email tasks on the real broker: IMAP drafts in GreenMail, Maildir drafts on disk, receipts, DLQ. */
@WithKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class EmailDraftsIntegrationTest {

    private static final String USER = "drafts@acme.test";
    /** The proxied mailboxes' own user, so their drafts never mix with the other tests' mailbox. */
    private static final String CUT_USER = "cut@acme.test";
    private static final Path DATA = Path.of("target", "test-data", "email-" + UUID.randomUUID());

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.IMAP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, USER, "secret"))
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        r.add("followup.executor.channels", () -> "EMAIL");
        r.add("followup.executor.data-dir", DATA::toString);
        r.add("followup.executor.channel.email.initial-backoff", () -> "100ms");
        r.add("followup.grants.mailboxes.acme", () -> "imap-tenant");
        r.add("followup.grants.mailboxes.cut-request", () -> "tenant-cut-request");
        r.add("followup.grants.mailboxes.cut-answer", () -> "tenant-cut-answer");
        r.add("followup.executor.mailboxes.acme.host", () -> "127.0.0.1");
        r.add("followup.executor.mailboxes.acme.port", () -> greenMail.getImap().getPort());
        r.add("followup.executor.mailboxes.acme.tls", () -> "none");
        r.add("followup.executor.mailboxes.acme.username", () -> USER);
        r.add("followup.executor.mailboxes.acme.password", () -> "secret");
        for (String ref : List.of("cut-request", "cut-answer")) {
            r.add("followup.executor.mailboxes." + ref + ".host", () -> "127.0.0.1");
            r.add("followup.executor.mailboxes." + ref + ".port", () -> proxy(ref).port());
            r.add("followup.executor.mailboxes." + ref + ".tls", () -> "none");
            r.add("followup.executor.mailboxes." + ref + ".username", () -> CUT_USER);
            r.add("followup.executor.mailboxes." + ref + ".password", () -> "secret");
        }
    }

    private static final Map<String, DroppingTcpProxy> proxies = new java.util.concurrent.ConcurrentHashMap<>();

    /** IMAP through a proxy that cuts the connection once: mid-APPEND, or right after the server stored the draft. */
    static DroppingTcpProxy proxy(String ref) {
        return proxies.computeIfAbsent(ref, r -> {
            greenMail.setUser(CUT_USER, CUT_USER, "secret");
            try {
                return r.equals("cut-request")
                        ? new DroppingTcpProxy(greenMail.getImap().getPort(), DroppingTcpProxy.Direction.CLIENT_TO_SERVER, "APPEND")
                        : new DroppingTcpProxy(greenMail.getImap().getPort(), DroppingTcpProxy.Direction.SERVER_TO_CLIENT,
                                "APPEND completed");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @org.junit.jupiter.api.AfterAll
    static void closeProxies() throws IOException {
        for (DroppingTcpProxy p : proxies.values()) {
            p.close();
        }
    }

    @Autowired
    TenantSettingsView view;

    @Test
    void aDueEmailTaskBecomesExactlyOneImapDraftEvenWhenDeliveredTwice(TestKafka kafka) throws Exception {
        publishSettings(kafka, view, TenantSettings.newBuilder().setTenantId("imap-tenant")
                .setChannels(Map.of("EMAIL", ChannelSettings.newBuilder().setMailboxRef("acme").build())).build());
        DueTask task = TestTasks.task("imap-tenant", "imap-task-1", Channel.EMAIL)
                .setSubject("Your {{context.product}} demo, {{contact.firstName}}")
                .setBody("Hi {{contact.firstName}},\nshall we talk about {{context.product}}?\n")
                .setContext(Map.of("product", "Widgets"))
                .build();

        publishTask(kafka, task);
        Receipt first = awaitReceipt(kafka, "imap-task-1");

        assertThat(first.getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(first.getProvider()).isEqualTo("imap");
        assertThat(first.getAttempt()).isEqualTo(1);
        assertThat(first.getLink()).startsWith("imap://127.0.0.1:").contains("/Drafts;UIDVALIDITY=");
        assertThat(first.getLatencyMs()).isEqualTo(first.getCompletedAt().toEpochMilli() - task.getDueAt().toEpochMilli());
        List<Message> drafts = draftsInMailbox();
        assertThat(drafts).hasSize(1);
        Message draft = drafts.get(0);
        assertThat(draft.getSubject()).isEqualTo("Your Widgets demo, Ada");
        assertThat(((String) draft.getContent()).replace("\r\n", "\n")).isEqualTo("Hi Ada,\nshall we talk about Widgets?\n");
        assertThat(draft.getHeader("X-Followup-Task-Id")).containsExactly("imap-task-1");
        assertThat(draft.getFlags().contains(jakarta.mail.Flags.Flag.DRAFT)).isTrue();
        assertThat(first.getProviderRef()).isNotBlank();

        publishTask(kafka, task); // redelivered
        List<Receipt> both = awaitReceipts(kafka, "imap-task-1", 2, Duration.ofSeconds(60));
        assertThat(both).extracting(Receipt::getStatus).containsOnly(ReceiptStatus.DRAFTED);
        assertThat(both).extracting(Receipt::getProviderRef).containsOnly(first.getProviderRef());
        assertThat(draftsInMailbox()).hasSize(1);
    }

    @Test
    void anImapConnectionCutDuringTheAppendIsRetriedIntoExactlyOneDraft(TestKafka kafka) throws Exception {
        assertOneDraftDespiteACut(kafka, "cut-request", "cut-task-1");
    }

    @Test
    void anImapConnectionCutAfterTheServerStoredTheDraftFindsItOnRetryInsteadOfASecond(TestKafka kafka)
            throws Exception {
        assertOneDraftDespiteACut(kafka, "cut-answer", "cut-task-2");
    }

    private void assertOneDraftDespiteACut(TestKafka kafka, String ref, String taskId) throws Exception {
        String tenant = "tenant-" + ref;
        publishSettings(kafka, view, TenantSettings.newBuilder().setTenantId(tenant)
                .setChannels(Map.of("EMAIL", ChannelSettings.newBuilder().setMailboxRef(ref).build())).build());
        publishTask(kafka, TestTasks.task(tenant, taskId, Channel.EMAIL).build());
        Receipt receipt = awaitReceipt(kafka, taskId);

        assertThat(proxy(ref).dropped()).as("the connection was really cut").isEqualTo(1);
        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(receipt.getAttempt()).isEqualTo(2);
        assertThat(receiptsOf(kafka, taskId)).hasSize(1);
        long drafts = draftsInMailbox(CUT_USER).stream().filter(m -> {
            try {
                String[] ids = m.getHeader("X-Followup-Task-Id");
                return ids != null && List.of(ids).contains(taskId);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).count();
        assertThat(drafts).isEqualTo(1);
    }

    @Test
    void withoutAMailboxTheDraftIsOneMaildirFileEvenWhenDeliveredTwice(TestKafka kafka) throws IOException {
        DueTask task = TestTasks.task("maildir-tenant", "maildir-task-1", Channel.EMAIL).build();

        publishTask(kafka, task);
        Receipt receipt = awaitReceipt(kafka, "maildir-task-1");
        publishTask(kafka, task);
        awaitReceipts(kafka, "maildir-task-1", 2, Duration.ofSeconds(60));

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(receipt.getProvider()).isEqualTo("maildir");
        Path drafts = DATA.resolve("mail/maildir-tenant/Drafts");
        try (Stream<Path> files = Files.list(drafts.resolve("new"))) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            String message = Files.readString(all.get(0), StandardCharsets.UTF_8);
            assertThat(message).contains("X-Followup-Task-Id: maildir-task-1", "Subject: Following up on your interest, Ada",
                    "Hi Ada,");
            // no followup.unsubscribe.secret nor base-url here: no links rather than links nobody can verify
            assertThat(message).doesNotContain("List-Unsubscribe", "unsubscribe");
        }
    }

    @Test
    void aTaskWithoutAnEmailAddressFailsWithoutRetries(TestKafka kafka) {
        publishTask(kafka, TestTasks.task("maildir-tenant", "no-email-1", Channel.EMAIL)
                .setContact(Contact.newBuilder().setName("Nobody").build()).build());

        Receipt receipt = awaitReceipt(kafka, "no-email-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(receipt.getAttempt()).isEqualTo(1);
        assertThat(receipt.getError()).contains("contact.email");
    }

    @Test
    void aTemplateErrorIsAFailedReceiptNamingTheVariable(TestKafka kafka) {
        publishTask(kafka, TestTasks.task("maildir-tenant", "bad-template-1", Channel.EMAIL)
                .setBody("Hello {{contact.nickname}}").build());

        Receipt receipt = awaitReceipt(kafka, "bad-template-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.FAILED);
        assertThat(receipt.getError()).contains("body").contains("nickname");
    }

    @Test
    void aTenantThatAsksToSendGetsASkippedReceipt(TestKafka kafka) {
        publishSettings(kafka, view, TenantSettings.newBuilder().setTenantId("sending-tenant").setDraftOnly(false)
                .setChannels(Map.of("EMAIL", ChannelSettings.newBuilder().setSendEnabled(true).build())).build());

        publishTask(kafka, TestTasks.task("sending-tenant", "send-1", Channel.EMAIL).build());
        Receipt receipt = awaitReceipt(kafka, "send-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.SKIPPED);
        assertThat(receipt.getError()).isEqualTo("sending is not enabled in this executor");
        assertThat(DATA.resolve("mail/sending-tenant")).doesNotExist();
    }

    @Test
    void undecodableBytesGoToTheDeadLetterTopicAndTheNextTaskStillRuns(TestKafka kafka) {
        kafka.sendBytes(Topics.DUE_TASKS_EMAIL, "maildir-tenant:poison", "not avro".getBytes(StandardCharsets.UTF_8));
        publishTask(kafka, TestTasks.task("maildir-tenant", "after-poison-1", Channel.EMAIL).build());

        List<ConsumerRecord<String, byte[]>> dead = kafka.awaitRawRecords(Topics.dlq(Topics.DUE_TASKS_EMAIL),
                r -> "maildir-tenant:poison".equals(r.key()), 1, Duration.ofSeconds(60));
        Map<String, String> headers = TestKafka.headers(dead.get(0));
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
        assertThat(headers.get("followup.error")).contains("DueTask");
        assertThat(headers.get("followup.error.class")).isEqualTo("org.apache.kafka.common.errors.SerializationException");
        assertThat(headers.get("followup.source.topic")).isEqualTo(Topics.DUE_TASKS_EMAIL);
        assertThat(headers).containsKeys("followup.source.partition", "followup.source.offset", "followup.attempts");
        assertThat(awaitReceipt(kafka, "after-poison-1").getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        assertThat(receiptsOf(kafka, "after-poison-1")).hasSize(1);
    }

    private static List<Message> draftsInMailbox() throws Exception {
        return draftsInMailbox(USER);
    }

    private static List<Message> draftsInMailbox(String user) throws Exception {
        Properties props = new Properties();
        Session session = Session.getInstance(props);
        try (Store store = session.getStore("imap")) {
            store.connect("127.0.0.1", greenMail.getImap().getPort(), user, "secret");
            Folder folder = store.getFolder("Drafts");
            folder.open(Folder.READ_ONLY);
            Message[] messages = folder.getMessages();
            List<Message> loaded = new java.util.ArrayList<>();
            for (Message m : messages) {
                loaded.add(new jakarta.mail.internet.MimeMessage((jakarta.mail.internet.MimeMessage) m) {
                    {
                        setFlags(m.getFlags(), true);
                    }
                });
            }
            folder.close(false);
            return loaded;
        }
    }
}
