package dev.followup.executor;

import static dev.followup.executor.ExecutorTestSupport.awaitReceipt;
import static dev.followup.executor.ExecutorTestSupport.publishSettings;
import static dev.followup.executor.ExecutorTestSupport.publishTask;
import static dev.followup.executor.ExecutorTestSupport.receiptsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadErased;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TenantSettings;
import dev.followup.executor.consume.LeadSuppressions;
import dev.followup.executor.consume.TenantSettingsView;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Erasure and opt-out on the real broker: a {@code LeadErased} or {@code LeadEngaged{OPTED_OUT}} on
 * followup.lead-events.v1 stops the lead's drafts, also for a task already waiting on the retry topic, and an erasure
 * deletes what the executor drafted for the lead (Maildir, outbox, IMAP in GreenMail). Also: a retry due beyond the
 * retry horizon is re-written to the retry topic at most once per horizon.
 */
@WithKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class ErasureIntegrationTest {

    private static final String USER = "erase@acme.test";
    private static final Duration HORIZON = Duration.ofSeconds(2);
    private static final Path DATA = Path.of("target", "test-data", "erasure-" + UUID.randomUUID());
    private static final WebhookReceiver receiver = start();

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.IMAP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, USER, "secret"))
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        r.add("followup.executor.channels", () -> "EMAIL,SMS");
        // short, so a retry due in 10 s is held and re-written a few times before it runs, and the test below is quick
        r.add("followup.executor.retry-horizon", () -> HORIZON.toMillis() + "ms");
        r.add("followup.executor.data-dir", DATA::toString);
        r.add("followup.executor.secrets.test", () -> "test-webhook-secret");
        r.add("followup.executor.secrets.local", () -> "dev-webhook-secret");
        r.add("followup.grants.webhook-secrets.test", () -> "erase-wh");
        r.add("followup.webhooks.allowed-targets", () -> "127.0.0.0/8");
        r.add("followup.grants.mailboxes.erase", () -> "erase-imap");
        r.add("followup.executor.mailboxes.erase.host", () -> "127.0.0.1");
        r.add("followup.executor.mailboxes.erase.port", () -> greenMail.getImap().getPort());
        r.add("followup.executor.mailboxes.erase.tls", () -> "none");
        r.add("followup.executor.mailboxes.erase.username", () -> USER);
        r.add("followup.executor.mailboxes.erase.password", () -> "secret");
    }

    @Autowired
    TenantSettingsView view;

    @Autowired
    LeadSuppressions suppressions;

    private static WebhookReceiver start() {
        try {
            return new WebhookReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    @Test
    void anErasureWhileATaskWaitsOnTheRetryTopicEndsItSkippedWithoutAnotherPost(TestKafka kafka) {
        String url = receiver.serve("/erase-retry", n -> 503);
        // a long backoff: the erasure is read while the task waits on the retry topic
        publishSettings(kafka, view, TenantSettings.newBuilder().setTenantId("erase-wh").setChannels(Map.of("SMS",
                ChannelSettings.newBuilder().setWebhookUrl(url).setWebhookSecretRef("test").setInitialBackoff("10s")
                        .build())).build());
        publishTask(kafka, TestTasks.task("erase-wh", "erase-retry-1", Channel.SMS).build());
        kafka.awaitRawRecords(Topics.dueTasks(Channel.SMS) + ".retry",
                r -> LeadKey.of("erase-wh", "lead-erase-retry-1").toString().equals(r.key()), 1, Duration.ofSeconds(60));

        erase(kafka, "erase-wh", "lead-erase-retry-1");
        Receipt receipt = awaitReceipt(kafka, "erase-retry-1");

        assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.SKIPPED);
        assertThat(receipt.getError()).isEqualTo("lead erased");
        assertThat(receipt.getAttempt()).isEqualTo(2);
        assertThat(receiver.requests("/erase-retry")).as("only the first try reached the webhook").hasSize(1);
        assertThat(receiptsOf(kafka, "erase-retry-1")).hasSize(1);
    }

    @Test
    void anErasureDeletesTheLeadsMaildirDraftsAndOutboxLinesAndNothingOfOtherLeads(TestKafka kafka) throws IOException {
        for (String lead : List.of("gone", "kept")) {
            publishTask(kafka, TestTasks.task("erase-local", "mail-" + lead, Channel.EMAIL).setLeadId(lead).build());
            publishTask(kafka, TestTasks.task("erase-local", "sms-" + lead, Channel.SMS).setLeadId(lead).build());
            publishTask(kafka, TestTasks.task("erase-local", "sms2-" + lead, Channel.SMS).setLeadId(lead).build());
        }
        for (String task : List.of("mail-gone", "mail-kept", "sms-gone", "sms-kept", "sms2-gone", "sms2-kept")) {
            assertThat(awaitReceipt(kafka, task).getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        }
        assertThat(maildirDrafts("erase-local")).hasSize(2);
        assertThat(outboxText("erase-local")).contains("\\\"leadId\\\":\\\"gone\\\"");

        erase(kafka, "erase-local", "gone");

        await().atMost(Duration.ofSeconds(30)).until(() -> maildirDrafts("erase-local").size() == 1
                && !outboxText("erase-local").contains("\\\"leadId\\\":\\\"gone\\\""));
        assertThat(Files.readString(maildirDrafts("erase-local").get(0))).contains("X-Followup-Lead-Id: kept",
                "X-Followup-Task-Id: mail-kept");
        assertThat(outboxText("erase-local").lines()).hasSize(2).allMatch(l -> l.contains("\\\"leadId\\\":\\\"kept\\\""));

        // a task of the erased lead still on its way (emitted before the scheduler saw the erasure)
        publishTask(kafka, TestTasks.task("erase-local", "mail-gone-late", Channel.EMAIL).setLeadId("gone").build());
        Receipt late = awaitReceipt(kafka, "mail-gone-late");
        assertThat(late.getStatus()).isEqualTo(ReceiptStatus.SKIPPED);
        assertThat(late.getError()).isEqualTo("lead erased");
        assertThat(maildirDrafts("erase-local")).hasSize(1);
    }

    @Test
    void anErasureRemovesTheLeadsImapDraftFromTheTenantsMailbox(TestKafka kafka) throws Exception {
        publishSettings(kafka, view, TenantSettings.newBuilder().setTenantId("erase-imap")
                .setChannels(Map.of("EMAIL", ChannelSettings.newBuilder().setMailboxRef("erase").build())).build());
        for (String lead : List.of("imap-gone", "imap-kept")) {
            publishTask(kafka, TestTasks.task("erase-imap", "task-" + lead, Channel.EMAIL).setLeadId(lead).build());
            assertThat(awaitReceipt(kafka, "task-" + lead).getProvider()).isEqualTo("imap");
        }
        assertThat(leadsInMailbox()).containsExactlyInAnyOrder("imap-gone", "imap-kept");

        erase(kafka, "erase-imap", "imap-gone");

        await().atMost(Duration.ofSeconds(30)).until(() -> leadsInMailbox().equals(List.of("imap-kept")));
    }

    @Test
    void anOptOutStopsDraftingButKeepsTheDraftsAlreadyMade(TestKafka kafka) throws IOException {
        publishTask(kafka, TestTasks.task("optout-local", "optout-1", Channel.EMAIL).setLeadId("opted").build());
        assertThat(awaitReceipt(kafka, "optout-1").getStatus()).isEqualTo(ReceiptStatus.DRAFTED);

        kafka.send(Topics.LEAD_EVENTS, "optout-local:opted", LeadEvent.newBuilder().setEventId("ev-optout")
                .setTenantId("optout-local").setLeadId("opted").setOccurredAt(Instant.now())
                .setPayload(LeadEngaged.newBuilder().setKind(EngagementKind.OPTED_OUT).build()).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> suppressions.of("optout-local", "opted").isPresent());
        publishTask(kafka, TestTasks.task("optout-local", "optout-2", Channel.EMAIL).setLeadId("opted").build());
        publishTask(kafka, TestTasks.task("optout-local", "optout-sms", Channel.SMS).setLeadId("opted").build());

        for (String task : List.of("optout-2", "optout-sms")) {
            Receipt receipt = awaitReceipt(kafka, task);
            assertThat(receipt.getStatus()).isEqualTo(ReceiptStatus.SKIPPED);
            assertThat(receipt.getError()).isEqualTo("lead opted out");
        }
        assertThat(maildirDrafts("optout-local")).hasSize(1);
        assertThat(Files.readString(maildirDrafts("optout-local").get(0))).contains("X-Followup-Task-Id: optout-1");
        assertThat(DATA.resolve("outbox/optout-local/sms.jsonl")).doesNotExist();
    }

    @Test
    void aRetryDueBeyondTheHorizonIsRewrittenToTheRetryTopicAtMostOncePerHorizon(TestKafka kafka) {
        String retryTopic = Topics.dueTasks(Channel.SMS) + ".retry";
        String key = LeadKey.of("far-retry", "lead-far-1").toString();
        long notBefore = Instant.now().plus(Duration.ofHours(1)).toEpochMilli();
        kafka.send(retryTopic, key, TestTasks.task("far-retry", "far-1", Channel.SMS).setAttempt(2).build(),
                header("followup.attempt", "2"), header("followup.first-attempt", "1"),
                header("followup.not-before", Long.toString(notBefore)));

        List<ConsumerRecord<String, byte[]>> copies = kafka.awaitRawRecords(retryTopic, r -> key.equals(r.key()), 4,
                Duration.ofSeconds(60));

        // before the fix it came back every commit (100 ms); now each copy is held one horizon first
        for (int i = 1; i < copies.size(); i++) {
            assertThat(copies.get(i).timestamp() - copies.get(i - 1).timestamp())
                    .as("time between re-writes %d and %d", i - 1, i).isGreaterThanOrEqualTo(HORIZON.toMillis());
        }
        assertThat(TestKafka.headers(copies.get(3))).containsEntry("followup.not-before", Long.toString(notBefore))
                .containsEntry("followup.attempt", "2");
        assertThat(receiptsOf(kafka, "far-1")).isEmpty();
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private void erase(TestKafka kafka, String tenant, String lead) {
        kafka.send(Topics.LEAD_EVENTS, LeadKey.of(tenant, lead).toString(), LeadEvent.newBuilder()
                .setEventId("ev-erase-" + lead).setTenantId(tenant).setLeadId(lead).setOccurredAt(Instant.now())
                .setPayload(LeadErased.newBuilder().build()).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> suppressions.of(tenant, lead).isPresent());
    }

    private static List<Path> maildirDrafts(String tenant) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String sub : List.of("new", "cur")) {
            Path dir = DATA.resolve("mail").resolve(tenant).resolve("Drafts").resolve(sub);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    out.addAll(files.toList());
                }
            }
        }
        return out;
    }

    private static String outboxText(String tenant) throws IOException {
        Path dir = DATA.resolve("outbox").resolve(tenant);
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
                text.append(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }

    /** The X-Followup-Lead-Id of every draft in the test mailbox. */
    private static List<String> leadsInMailbox() throws Exception {
        Session session = Session.getInstance(new Properties());
        try (Store store = session.getStore("imap")) {
            store.connect("127.0.0.1", greenMail.getImap().getPort(), USER, "secret");
            Folder folder = store.getFolder("Drafts");
            if (!folder.exists()) {
                return List.of();
            }
            folder.open(Folder.READ_ONLY);
            try {
                List<String> leads = new ArrayList<>();
                for (Message m : folder.getMessages()) {
                    if (!m.isSet(jakarta.mail.Flags.Flag.DELETED)) {
                        String[] lead = m.getHeader("X-Followup-Lead-Id");
                        leads.add(lead == null ? "(none)" : lead[0]);
                    }
                }
                return leads;
            } finally {
                folder.close(false);
            }
        }
    }
}
