package dev.followup.executor.provider;

import dev.followup.events.v1.DueTask;
import dev.followup.executor.content.RenderedDraft;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;

/** Builds the RFC 5322 draft of an email task, the same for IMAP and Maildir. */
final class EmailMessages {

    static final String TASK_ID_HEADER = "X-Followup-Task-Id";
    /** Finds a lead's drafts when it is erased. */
    static final String LEAD_ID_HEADER = "X-Followup-Lead-Id";
    /** RFC 2369 and RFC 8058: the link, and that a POST to it unsubscribes in one click. */
    static final String LIST_UNSUBSCRIBE_HEADER = "List-Unsubscribe";
    static final String LIST_UNSUBSCRIBE_POST_HEADER = "List-Unsubscribe-Post";

    private static final Session SESSION = Session.getInstance(new Properties());

    private EmailMessages() {
    }

    static MimeMessage draftOf(DueTask task, RenderedDraft content, String from, Instant now, Session session) {
        String to = task.getContact().getEmail();
        if (to == null || to.isBlank()) {
            throw ProviderFailure.permanent("contact.email is missing: an email task needs the lead's address");
        }
        InternetAddress sender;
        try {
            sender = new InternetAddress(from, true);
        } catch (AddressException e) {
            throw ProviderFailure.permanent("the mailbox's from address '" + from + "' is not valid: " + e.getMessage());
        }
        try {
            MimeMessage message = new MimeMessage(session == null ? SESSION : session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    // deterministic, so the same task always makes the same message
                    setHeader("Message-ID", "<" + task.getTaskId() + "." + task.getTenantId() + "@followup>");
                }
            };
            message.setFrom(sender);
            message.setRecipient(MimeMessage.RecipientType.TO, parse(to, task.getContact().getName()));
            message.setSubject(content.subject() == null ? "" : content.subject(), "UTF-8");
            message.setText(content.body(), "UTF-8");
            message.setSentDate(Date.from(now));
            message.setHeader(TASK_ID_HEADER, task.getTaskId());
            message.setHeader(LEAD_ID_HEADER, task.getLeadId());
            if (content.unsubscribeUrl() != null) {
                message.setHeader(LIST_UNSUBSCRIBE_HEADER, "<" + content.unsubscribeUrl() + ">");
                message.setHeader(LIST_UNSUBSCRIBE_POST_HEADER, "List-Unsubscribe=One-Click");
            }
            message.setFlag(Flags.Flag.DRAFT, true);
            message.saveChanges();
            return message;
        } catch (AddressException e) {
            throw ProviderFailure.permanent("contact.email is not a valid address (" + e.getMessage().replace(to, "<redacted>") + ")", null);
        } catch (MessagingException e) {
            throw ProviderFailure.permanent("cannot build the draft message: " + e.getMessage(), e);
        }
    }

    private static InternetAddress parse(String email, String name) throws AddressException {
        InternetAddress address = new InternetAddress(email, true);
        try {
            return new InternetAddress(address.getAddress(), name, "UTF-8");
        } catch (java.io.UnsupportedEncodingException e) {
            return address;
        }
    }
}
