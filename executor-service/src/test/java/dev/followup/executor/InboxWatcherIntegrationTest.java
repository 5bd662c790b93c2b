package dev.followup.executor;

import static dev.followup.executor.ExecutorTestSupport.awaitReceipt;
import static dev.followup.executor.ExecutorTestSupport.awaitReceipts;
import static dev.followup.executor.ExecutorTestSupport.publishSettings;
import static dev.followup.executor.ExecutorTestSupport.publishTask;
import static dev.followup.executor.ExecutorTestSupport.receiptsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.followup.events.Topics;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.ChannelSettings;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.Contact;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.PauseFollowUps;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import dev.followup.events.v1.TenantSettings;
import dev.followup.executor.consume.TenantSettingsView;
import dev.followup.executor.inbox.InboxWatchers;
import dev.followup.testkit.TestKafka;
import dev.followup.testkit.WithKafka;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Folder;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The inbound watcher on a real broker and a real IMAP server (GreenMail, with IDLE), and on a Maildir: drafts are
 * made through the executor itself, then replies, bounces, auto-replies and sent copies arrive in the mailboxes.
 * Two tenants with a mailbox each; a third tenant on the Maildir.
 */
@WithKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class InboxWatcherIntegrationTest {

    private static final String ACME_USER = "sales@acme.test";
    private static final String GLOBEX_USER = "sales@globex.test";
    private static final String ACME = "acme-in";
    private static final String GLOBEX = "globex-in";
    private static final String LOCAL = "maildir-in";
    private static final Path DATA = Path.of("target", "test-data", "inbox-" + UUID.randomUUID());

    @RegisterExtension
    static GreenMailExtension greenMail = new GreenMailExtension(ServerSetupTest.IMAP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(ACME_USER, ACME_USER, "secret")
                    .withUser(GLOBEX_USER, GLOBEX_USER, "secret"))
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry r) {
        r.add("spring.kafka.bootstrap-servers", TestKafka::bootstrap);
        r.add("followup.executor.channels", () -> "EMAIL");
        r.add("followup.executor.data-dir", DATA::toString);
        r.add("followup.executor.inbox.maildir-tenants", () -> LOCAL);
        r.add("followup.executor.inbox.maildir-poll-interval", () -> "200ms");
        r.add("followup.executor.inbox.idle-renewal", () -> "2s");
        for (String[] m : new String[][] {{"acme", ACME_USER, ACME}, {"globex", GLOBEX_USER, GLOBEX}}) {
            r.add("followup.grants.mailboxes." + m[0], () -> m[2]);
            r.add("followup.executor.mailboxes." + m[0] + ".host", () -> "127.0.0.1");
            r.add("followup.executor.mailboxes." + m[0] + ".port", () -> greenMail.getImap().getPort());
            r.add("followup.executor.mailboxes." + m[0] + ".tls", () -> "none");
            r.add("followup.executor.mailboxes." + m[0] + ".username", () -> sentFolderOf(m[1]));
            r.add("followup.executor.mailboxes." + m[0] + ".password", () -> "secret");
        }
    }

    /** Creates the user's Sent folder before the executor starts watching it; answers the user. */
    static String sentFolderOf(String user) {
        try (Store store = imap(user)) {
            Folder sent = store.getFolder("Sent");
            if (!sent.exists()) {
                sent.create(Folder.HOLDS_MESSAGES);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return user;
    }

    @Autowired
    TenantSettingsView view;
    @Autowired
    InboxWatchers watchers;
    @Autowired
    MeterRegistry meters;

    @Test
    void aReplyToADraftedEmailIsRepliedForThatLead(TestKafka kafka) throws Exception {
        DueTask task = draft(kafka, ACME, "reply-1", "reply-1@example.test");
        deliver(ACME_USER, "INBOX", """
                From: Someone <someone.else@example.test>
                To: sales@acme.test
                Subject: Re: Your demo
                Message-ID: <answer-reply-1@example.test>
                In-Reply-To: <reply-1.acme-in@followup>

                Yes, let's talk.
                """);
        List<LeadEvent> events = awaitEngaged(kafka, task, EngagementKind.REPLIED);
        assertThat(events).hasSize(1);
        assertThat(events.get(0).getEventId()).startsWith("inbox-");
    }

    @Test
    void aPermanentBounceIsBouncedAndATransientOneOnlyCounted(TestKafka kafka) throws Exception {
        DueTask soft = draft(kafka, ACME, "bounce-soft", "soft@example.test");
        DueTask hard = draft(kafka, ACME, "bounce-hard", "hard@example.test");
        double transientBefore = count("bounce_transient");
        deliver(ACME_USER, "INBOX", dsn("dsn-soft", "4.4.1", "X-Followup-Task-Id: bounce-soft"));
        deliver(ACME_USER, "INBOX", dsn("dsn-hard", "5.1.1", "Message-ID: <bounce-hard.acme-in@followup>"));
        assertThat(awaitEngaged(kafka, hard, EngagementKind.BOUNCED)).hasSize(1);
        // the transient report arrived first, so it has been handled too
        assertThat(count("bounce_transient")).isEqualTo(transientBefore + 1);
        assertThat(eventsOf(kafka, soft)).isEmpty();
    }

    @Test
    void anOutOfOfficeAnswerPausesTheLeadUntilTheDateItNamesOrForTheTenantsPause(TestKafka kafka) throws Exception {
        DueTask dated = draft(kafka, ACME, "ooo-dated", "ooo-dated@example.test");
        DueTask undated = draft(kafka, ACME, "ooo-undated", "ooo-undated@example.test");
        String year = Integer.toString(ZonedDateTime.now(ZoneId.of("UTC")).getYear() + 1);
        deliver(ACME_USER, "INBOX", """
                From: ooo-dated@example.test
                Subject: Abwesenheitsnotiz
                Auto-Submitted: auto-replied
                Message-ID: <ooo-1@example.test>
                In-Reply-To: <ooo-dated.acme-in@followup>

                Ich bin bis 14.01.%s nicht im Büro.
                """.formatted(year));
        Instant before = Instant.now();
        deliver(ACME_USER, "INBOX", """
                From: ooo-undated@example.test
                Subject: Thanks for your message
                X-Autoreply: yes
                Message-ID: <ooo-2@example.test>

                I am travelling with limited access to email.
                """);
        PauseFollowUps until = awaitPause(kafka, dated);
        // the lead's zone (TestTasks: Europe/London), the morning after the date
        assertThat(until.getUntil()).isEqualTo(ZonedDateTime.of(Integer.parseInt(year), 1, 15, 9, 0, 0, 0,
                ZoneId.of("Europe/London")).toInstant());
        assertThat(until.getReason()).isEqualTo("out_of_office");
        PauseFollowUps pause = awaitPause(kafka, undated);
        assertThat(pause.getUntil()).isBetween(before.plus(Duration.ofDays(3)), Instant.now().plus(Duration.ofDays(3)));
        // auto-replies never count as replies
        assertThat(eventsOf(kafka, dated)).isEmpty();
        assertThat(eventsOf(kafka, undated)).isEmpty();
    }

    @Test
    void aDraftAppendedToSentYieldsExactlyOneSentReceipt(TestKafka kafka) throws Exception {
        DueTask task = draft(kafka, ACME, "sent-1", "sent-1@example.test");
        MimeMessage draft = firstDraft(ACME_USER, "sent-1");
        try (Store store = imap(ACME_USER)) {
            Folder sent = store.getFolder("Sent");
            sent.appendMessages(new MimeMessage[] {draft});
        }
        List<Receipt> receipts = awaitReceipts(kafka, "sent-1", 2, Duration.ofSeconds(30));
        Receipt sentReceipt = receipts.stream().filter(r -> r.getStatus() == ReceiptStatus.SENT).findFirst().orElseThrow();
        assertThat(sentReceipt.getReceiptId()).isEqualTo("sent-1:sent");
        assertThat(sentReceipt.getProvider()).isEqualTo("imap");
        assertThat(sentReceipt.getLeadId()).isEqualTo(task.getLeadId());
        assertThat(sentReceipt.getCompletedAt()).isEqualTo(draft.getSentDate().toInstant());
        // a later message handled in the same folder: by then a second SENT would be there
        DueTask marker = draft(kafka, ACME, "sent-2", "sent-2@example.test");
        try (Store store = imap(ACME_USER)) {
            store.getFolder("Sent").appendMessages(new MimeMessage[] {firstDraft(ACME_USER, "sent-2")});
        }
        awaitReceipts(kafka, marker.getTaskId(), 2, Duration.ofSeconds(30));
        assertThat(receiptsOf(kafka, "sent-1")).extracting(Receipt::getStatus)
                .containsExactlyInAnyOrder(ReceiptStatus.DRAFTED, ReceiptStatus.SENT);
    }

    @Test
    void aRestartedWatcherNeitherMissesNorRepeatsAMessage(TestKafka kafka) throws Exception {
        DueTask before = draft(kafka, ACME, "restart-before", "restart-before@example.test");
        DueTask during = draft(kafka, ACME, "restart-during", "restart-during@example.test");
        deliver(ACME_USER, "INBOX", reply("restart-before@example.test", "<r-before@example.test>"));
        awaitEngaged(kafka, before, EngagementKind.REPLIED);
        watchers.stop();
        try {
            deliver(ACME_USER, "INBOX", reply("restart-during@example.test", "<r-during@example.test>"));
        } finally {
            watchers.start();
        }
        assertThat(awaitEngaged(kafka, during, EngagementKind.REPLIED)).hasSize(1);
        // a third reply handled after the restart: the first two are not handled again meanwhile
        DueTask after = draft(kafka, ACME, "restart-after", "restart-after@example.test");
        deliver(ACME_USER, "INBOX", reply("restart-after@example.test", "<r-after@example.test>"));
        awaitEngaged(kafka, after, EngagementKind.REPLIED);
        assertThat(eventsOf(kafka, before)).hasSize(1);
        assertThat(eventsOf(kafka, during)).hasSize(1);
    }

    @Test
    void aReplyFromAnUnknownAddressChangesNothing(TestKafka kafka) throws Exception {
        double ignoredBefore = count("ignored");
        long acmeEvents = allEvents(kafka, ACME).size();
        deliver(ACME_USER, "INBOX", reply("stranger@example.test", "<stranger-1@example.test>"));
        DueTask marker = draft(kafka, ACME, "unknown-marker", "unknown-marker@example.test");
        deliver(ACME_USER, "INBOX", reply("unknown-marker@example.test", "<marker-1@example.test>"));
        awaitEngaged(kafka, marker, EngagementKind.REPLIED);
        assertThat(allEvents(kafka, ACME)).hasSize((int) acmeEvents + 1);
        assertThat(count("ignored")).isGreaterThanOrEqualTo(ignoredBefore + 1);
    }

    @Test
    void aMessageThatCannotBeParsedIsCountedAndSkippedAndTheNextOneHandled(TestKafka kafka) throws Exception {
        double unreadableBefore = count("unreadable");
        deliver(ACME_USER, "INBOX", """
                From: MAILER-DAEMON@mx.example.test
                Subject: broken report
                Message-ID: <broken-1@mx.example.test>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status

                no boundary, no parts
                """);
        DueTask next = draft(kafka, ACME, "after-broken", "after-broken@example.test");
        deliver(ACME_USER, "INBOX", reply("after-broken@example.test", "<after-broken@example.test>"));
        assertThat(awaitEngaged(kafka, next, EngagementKind.REPLIED)).hasSize(1);
        assertThat(count("unreadable")).isEqualTo(unreadableBefore + 1);
    }

    @Test
    void twoTenantsWithAMailboxEachNeverCross(TestKafka kafka) throws Exception {
        // both tenants drafted to the same person
        DueTask acmeTask = draft(kafka, ACME, "cross-acme", "shared@example.test");
        DueTask globexTask = draft(kafka, GLOBEX, "cross-globex", "shared@example.test");
        // in globex's mailbox: from the shared address, naming acme's draft → globex's lead only
        deliver(GLOBEX_USER, "INBOX", """
                From: shared@example.test
                Subject: Re: hello
                Message-ID: <cross-1@example.test>
                In-Reply-To: <cross-acme.acme-in@followup>

                Hi
                """);
        // in acme's mailbox: a stranger naming globex's draft, and a bounce of globex's task → nothing
        deliver(ACME_USER, "INBOX", """
                From: stranger@example.test
                Subject: Re: hello
                Message-ID: <cross-2@example.test>
                In-Reply-To: <cross-globex.globex-in@followup>

                Hi
                """);
        deliver(ACME_USER, "INBOX", dsn("cross-dsn", "5.1.1", "X-Followup-Task-Id: cross-globex"));
        assertThat(awaitEngaged(kafka, globexTask, EngagementKind.REPLIED)).hasSize(1);
        DueTask marker = draft(kafka, ACME, "cross-marker", "cross-marker@example.test");
        deliver(ACME_USER, "INBOX", reply("cross-marker@example.test", "<cross-3@example.test>"));
        awaitEngaged(kafka, marker, EngagementKind.REPLIED);
        assertThat(eventsOf(kafka, acmeTask)).isEmpty();
        assertThat(eventsOf(kafka, globexTask)).hasSize(1);
    }

    @Test
    void aReplyFileDroppedIntoTheMaildirInboxIsReplied(TestKafka kafka) throws Exception {
        DueTask task = TestTasks.task(LOCAL, "maildir-1", Channel.EMAIL)
                .setContact(contact("maildir-1@example.test")).build();
        publishTask(kafka, task); // no settings: the tenant's own Maildir
        assertThat(awaitReceipt(kafka, "maildir-1").getProvider()).isEqualTo("maildir");
        Path inbox = DATA.resolve("mail").resolve(LOCAL).resolve("INBOX");
        Files.createDirectories(inbox.resolve("tmp"));
        Path tmp = inbox.resolve("tmp").resolve("1765000000.reply1.host");
        Files.writeString(tmp, """
                From: someone@example.test
                Subject: Re: Your demo
                Message-ID: <maildir-answer-1@example.test>
                In-Reply-To: <maildir-1.maildir-in@followup>

                Sure.
                """.replace("\n", "\r\n"), StandardCharsets.UTF_8);
        Files.createDirectories(inbox.resolve("new"));
        Files.move(tmp, inbox.resolve("new").resolve("1765000000.reply1.host"));
        assertThat(awaitEngaged(kafka, task, EngagementKind.REPLIED)).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                Files.exists(inbox.resolve("cur").resolve("1765000000.reply1.host:2,S")));
    }

    // --- steps

    private DueTask draft(TestKafka kafka, String tenant, String taskId, String email) {
        if (!view.knows(tenant)) {
            String ref = tenant.equals(ACME) ? "acme" : "globex";
            publishSettings(kafka, view, TenantSettings.newBuilder().setTenantId(tenant).setOutOfOfficePause("3d")
                    .setChannels(Map.of("EMAIL", ChannelSettings.newBuilder().setMailboxRef(ref).build())).build());
        }
        DueTask task = TestTasks.task(tenant, taskId, Channel.EMAIL).setContact(contact(email)).build();
        publishTask(kafka, task);
        assertThat(awaitReceipt(kafka, taskId).getStatus()).isEqualTo(ReceiptStatus.DRAFTED);
        return task;
    }

    private static Contact contact(String email) {
        return Contact.newBuilder().setName("Ada Lovelace").setEmail(email).setTimezone("Europe/London").build();
    }

    private static String reply(String from, String messageId) {
        return "From: " + from + "\nSubject: Re: Your demo\nMessage-ID: " + messageId + "\n\nThanks!\n";
    }

    private static String dsn(String id, String status, String returnedHeader) {
        return """
                From: MAILER-DAEMON@mx.example.test
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <%s@mx.example.test>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="B"

                --B
                Content-Type: text/plain

                Your message could not be delivered.
                --B
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.test

                Final-Recipient: rfc822; someone@example.test
                Action: failed
                Status: %s

                --B
                Content-Type: text/rfc822-headers

                %s
                Subject: Your demo

                --B--
                """.formatted(id, status, returnedHeader);
    }

    static Store imap(String user) throws Exception {
        Properties p = new Properties();
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", greenMail.getImap().getPort(), user, "secret");
        return store;
    }

    private static void deliver(String user, String folder, String raw) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
        try (Store store = imap(user)) {
            store.getFolder(folder).appendMessages(new MimeMessage[] {m});
        }
    }

    /** The draft the executor appended for the task, as a person's mail client would send it. */
    private static MimeMessage firstDraft(String user, String taskId) throws Exception {
        try (Store store = imap(user)) {
            Folder drafts = store.getFolder("Drafts");
            drafts.open(Folder.READ_ONLY);
            try {
                for (jakarta.mail.Message m : drafts.getMessages()) {
                    String[] h = m.getHeader("X-Followup-Task-Id");
                    if (h != null && h[0].equals(taskId)) {
                        return new MimeMessage((MimeMessage) m);
                    }
                }
            } finally {
                drafts.close(false);
            }
        }
        throw new AssertionError("no draft of " + taskId);
    }

    private static List<LeadEvent> awaitEngaged(TestKafka kafka, DueTask task, EngagementKind kind) {
        return kafka.awaitRecords(Topics.LEAD_EVENTS, LeadEvent.class, r -> isOf(r, task)
                && r.value().getPayload() instanceof LeadEngaged e && e.getKind() == kind, 1, Duration.ofSeconds(30))
                .stream().map(ConsumerRecord::value).toList();
    }

    private static PauseFollowUps awaitPause(TestKafka kafka, DueTask task) {
        List<ConsumerRecord<String, Command>> found = kafka.awaitRecords(Topics.COMMANDS, Command.class,
                r -> r.value().getTenantId().equals(task.getTenantId()) && task.getLeadId().equals(r.value().getLeadId())
                        && r.value().getPayload() instanceof PauseFollowUps, 1, Duration.ofSeconds(30));
        assertThat(found).hasSize(1);
        assertThat(found.get(0).key()).isEqualTo(task.getTenantId() + ":" + task.getLeadId());
        return (PauseFollowUps) found.get(0).value().getPayload();
    }

    private static List<LeadEvent> eventsOf(TestKafka kafka, DueTask task) {
        return kafka.readAll(Topics.LEAD_EVENTS, LeadEvent.class, r -> isOf(r, task)).stream()
                .map(ConsumerRecord::value).toList();
    }

    private static List<LeadEvent> allEvents(TestKafka kafka, String tenant) {
        return kafka.readAll(Topics.LEAD_EVENTS, LeadEvent.class, r -> r.value().getTenantId().equals(tenant)).stream()
                .map(ConsumerRecord::value).toList();
    }

    private static boolean isOf(ConsumerRecord<String, LeadEvent> r, DueTask task) {
        return r.value().getTenantId().equals(task.getTenantId()) && r.value().getLeadId().equals(task.getLeadId())
                && r.key().equals(task.getTenantId() + ":" + task.getLeadId());
    }

    private double count(String kind) {
        var c = meters.find("followup.inbox.messages").tag("kind", kind).counter();
        return c == null ? 0 : c.count();
    }
}
