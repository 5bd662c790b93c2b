package dev.followup.executor.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.executor.inbox.MessageClassifier.Context;
import dev.followup.executor.inbox.MessageClassifier.FolderRole;
import dev.followup.executor.inbox.MessageClassifier.TenantClock;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageClassifierTest {

    static final Instant NOW = Instant.parse("2026-12-20T10:00:00Z");
    static final DraftRef ACME_DRAFT = new DraftRef("acme", "lead-1", "task-1", NOW.minusSeconds(3600),
            NOW.minusSeconds(3590), 1, ZoneId.of("Europe/Berlin"));
    static final DraftRef GLOBEX_DRAFT = new DraftRef("globex", "lead-9", "task-9", NOW.minusSeconds(3600),
            NOW.minusSeconds(3590), 1, null);

    /** acme drafted task-1 to ada@example.test; globex drafted task-9 to ada@example.test too. */
    static final MessageClassifier.Drafts DRAFTS = new MessageClassifier.Drafts() {
        @Override
        public Optional<DraftRef> byTask(String tenantId, String taskId) {
            return Optional.ofNullable(Map.of("acme/task-1", ACME_DRAFT, "globex/task-9", GLOBEX_DRAFT)
                    .get(tenantId + "/" + taskId));
        }

        @Override
        public Optional<DraftRef> byAddress(String tenantId, String address) {
            return address.equalsIgnoreCase("ada@example.test")
                    ? Optional.of(tenantId.equals("acme") ? ACME_DRAFT : GLOBEX_DRAFT) : Optional.empty();
        }
    };

    static Context acme() {
        return new Context(Set.of("acme"), Set.of("sales@acme.test"), DRAFTS,
                t -> new TenantClock(ZoneId.of("UTC"), "3d"), NOW);
    }

    static MimeMessage parse(String raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    static Observation inbox(String raw) throws Exception {
        return MessageClassifier.classify(parse(raw), FolderRole.INBOX, acme());
    }

    @Test
    void aReplyNamingOurDraftInInReplyToIsAReplyOfThatLead() throws Exception {
        Observation o = inbox("""
                From: Someone Else <other@example.test>
                Subject: Re: Your demo
                In-Reply-To: <task-1.acme@followup>
                Date: Sun, 20 Dec 2026 09:00:00 +0000

                Sounds good!
                """);
        assertThat(o).isEqualTo(new Observation.Reply(ACME_DRAFT, "in-reply-to"));
    }

    @Test
    void aReplyFromADraftedAddressIsAReplyEvenWithoutReferences() throws Exception {
        assertThat(inbox("From: ADA@example.test\nSubject: question\n\nhi\n"))
                .isEqualTo(new Observation.Reply(ACME_DRAFT, "from"));
    }

    @Test
    void aCopyOfTheMailboxsOwnAnswerInTheThreadIsNotALeadReply() throws Exception {
        assertThat(inbox("From: Sales <SALES@acme.test>\nIn-Reply-To: <task-1.acme@followup>\nSubject: Re\n\nx\n"))
                .isEqualTo(new Observation.Ignored("from the mailbox itself"));
    }

    @Test
    void aMessageFromAnUnknownAddressIsIgnored() throws Exception {
        assertThat(inbox("From: stranger@example.test\nSubject: hello\n\nhi\n")).isInstanceOf(Observation.Ignored.class);
    }

    @Test
    void anotherTenantsDraftIsNeverFound() throws Exception {
        // globex's task-9 is named, but the folder is acme's
        assertThat(inbox("From: stranger@example.test\nIn-Reply-To: <task-9.globex@followup>\nSubject: Re\n\nx\n"))
                .isInstanceOf(Observation.Ignored.class);
    }

    @Test
    void aNewsletterFromADraftedAddressIsIgnored() throws Exception {
        assertThat(inbox("From: ada@example.test\nList-Id: <news.example.test>\nSubject: News\n\nx\n"))
                .isEqualTo(new Observation.Ignored("list or bulk mail"));
    }

    @Test
    void anRfc3834AutoReplyWithAReturnDateIsOutOfOfficeUntilTheMorningAfterInTheLeadsZone() throws Exception {
        Observation o = inbox("""
                From: ada@example.test
                Subject: Re: Your demo
                Auto-Submitted: auto-replied
                In-Reply-To: <task-1.acme@followup>
                Date: Sun, 20 Dec 2026 09:00:00 +0000

                Thanks for your mail. I am out of the office until 28.12.2026.
                """);
        assertThat(o).isEqualTo(new Observation.OutOfOffice(ACME_DRAFT,
                ZonedDateTime.of(2026, 12, 29, 9, 0, 0, 0, ZoneId.of("Europe/Berlin")).toInstant(), true));
    }

    @Test
    void anAutoReplyWithoutADateIsOutOfOfficeForTheTenantsPause() throws Exception {
        Observation o = inbox("From: ada@example.test\nX-Autoreply: yes\nSubject: Thanks\n\nI am travelling.\n");
        assertThat(o).isEqualTo(new Observation.OutOfOffice(ACME_DRAFT, NOW.plus(Duration.ofDays(3)), false));
    }

    @Test
    void aGermanOutOfOfficeSubjectIsNeverAReply() throws Exception {
        Observation o = inbox("From: ada@example.test\nSubject: Abwesenheitsnotiz: Ihre Demo\n\nBin im Urlaub.\n");
        assertThat(o).isInstanceOf(Observation.OutOfOffice.class);
    }

    @Test
    void anAutoGeneratedNoticeIsIgnoredNotAReply() throws Exception {
        assertThat(inbox("From: ada@example.test\nAuto-Submitted: auto-generated\nSubject: Receipt\n\nx\n"))
                .isEqualTo(new Observation.Ignored("automatic message"));
    }

    static String dsn(String status, String returnedHeaders) {
        return """
                From: MAILER-DAEMON@mx.example.test
                Subject: Undelivered Mail Returned to Sender
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="B"

                --B
                Content-Type: text/plain

                Your message could not be delivered.
                --B
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.test

                Final-Recipient: rfc822; ada@example.test
                Action: failed
                Status: %s

                --B
                Content-Type: text/rfc822-headers

                %s
                --B--
                """.formatted(status, returnedHeaders);
    }

    @Test
    void aPermanentDsnNamingOurTaskIsABounce() throws Exception {
        assertThat(inbox(dsn("5.1.1", "X-Followup-Task-Id: task-1\nSubject: Your demo\n")))
                .isEqualTo(new Observation.Bounce(ACME_DRAFT, "5.1.1", true));
        assertThat(inbox(dsn("5.2.2", "Message-ID: <task-1.acme@followup>\n")))
                .isEqualTo(new Observation.Bounce(ACME_DRAFT, "5.2.2", true));
    }

    @Test
    void aTransientDsnIsOnlyTransient() throws Exception {
        Observation o = inbox(dsn("4.4.1", "X-Followup-Task-Id: task-1\n"));
        assertThat(o).isEqualTo(new Observation.Bounce(ACME_DRAFT, "4.4.1", false));
        assertThat(o.kind()).isEqualTo("bounce_transient");
    }

    @Test
    void aDsnAboutAnotherMessageIsIgnored() throws Exception {
        assertThat(inbox(dsn("5.1.1", "Message-ID: <abc@elsewhere.test>\n"))).isInstanceOf(Observation.Ignored.class);
    }

    @Test
    void ourDraftInTheSentFolderIsSentAtItsDate() throws Exception {
        Observation o = MessageClassifier.classify(parse("""
                From: sales@acme.test
                To: ada@example.test
                X-Followup-Task-Id: task-1
                Date: Sun, 20 Dec 2026 09:30:00 +0000
                Subject: Your demo

                Hi
                """), FolderRole.SENT, acme());
        assertThat(o).isEqualTo(new Observation.Sent(ACME_DRAFT, Instant.parse("2026-12-20T09:30:00Z")));
    }

    @Test
    void aSentMessageWithoutOurHeaderIsIgnored() throws Exception {
        assertThat(MessageClassifier.classify(parse("From: a@b.test\nSubject: x\n\ny\n"), FolderRole.SENT, acme()))
                .isInstanceOf(Observation.Ignored.class);
    }

    @Test
    void aMessageThatCannotBeParsedIsUnreadable() throws Exception {
        Observation o = inbox("From: a@b.test\nContent-Type: multipart/report; report-type=delivery-status\n\nno parts\n");
        assertThat(o).isInstanceOf(Observation.Unreadable.class);
    }
}
