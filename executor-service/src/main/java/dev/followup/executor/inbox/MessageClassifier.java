package dev.followup.executor.inbox;

import dev.followup.events.DurationText;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what a message in a watched folder means for our drafts. Pure: no Kafka, no mail server; the drafts made
 * and the tenants' settings come in through the {@link Context}.
 *
 * <ul>
 * <li>Sent folder: {@code X-Followup-Task-Id} naming a draft of one of the folder's tenants → {@link Observation.Sent}.
 * <li>Inbox, in this order: a delivery status notification (RFC 3464) whose returned headers name our draft →
 *     {@link Observation.Bounce}; an automatic answer (RFC 3834 {@code Auto-Submitted: auto-replied},
 *     {@code X-Autoreply}, {@code X-Autorespond}, {@code Precedence: auto_reply}, or an out-of-office subject) to our
 *     draft or from a drafted address → {@link Observation.OutOfOffice}, never a reply; other automatic, list and bulk
 *     mail → ignored; {@code In-Reply-To}/{@code References} naming our draft's {@code Message-ID}, or {@code From} a
 *     drafted address → {@link Observation.Reply}; anything else → ignored.
 * </ul>
 * Only the tenants the folder belongs to are looked up, so a message never names another tenant's lead.
 */
public final class MessageClassifier {

    /** Which folder a message is in. */
    public enum FolderRole { INBOX, SENT }

    /** The drafts a message may refer to (the draft index). */
    public interface Drafts {
        Optional<DraftRef> byTask(String tenantId, String taskId);

        Optional<DraftRef> byAddress(String tenantId, String address);
    }

    /** The tenant's time zone and {@code outOfOfficePause} (setting text). */
    public record TenantClock(ZoneId zone, String outOfOfficePause) {
    }

    /**
     * @param tenants      the tenants the folder belongs to (granted the mailbox, or the Maildir's own tenant)
     * @param ownAddresses the mailbox's own addresses (lower case): mail from them is a person of the tenant writing
     *                     (a copy to self), never the lead
     * @param settings     a tenant's zone and out-of-office pause
     * @param now          the watcher's clock
     */
    public record Context(Set<String> tenants, Set<String> ownAddresses, Drafts drafts,
            Function<String, TenantClock> settings, Instant now) {
    }

    static final String TASK_ID_HEADER = "X-Followup-Task-Id";
    static final Duration DEFAULT_PAUSE = Duration.ofDays(7);
    private static final int MAX_REFERENCES = 50;
    private static final int MAX_PART_BYTES = 256 * 1024;
    private static final int MAX_DEPTH = 4;
    private static final Pattern OUR_MESSAGE_ID = Pattern.compile("<([^<>@\\s]{1,300})@followup>");
    private static final Pattern STATUS = Pattern.compile("(?im)^Status:\\s*([245])\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern OOO_SUBJECT = Pattern.compile(
            "out of (the )?office|\\bOOO\\b|automatic reply|auto(matic)?[- ]?(reply|response)|autoreply|away from (the )?office"
                    + "|on (vacation|holiday|leave)|abwesenheit|abwesend|au(ß|ss)er haus|automatische antwort"
                    + "|nicht im b(ü|ue)ro|im urlaub|urlaubsabwesenheit|absence|r(é|e)ponse automatique",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private MessageClassifier() {
    }

    public static Observation classify(MimeMessage message, FolderRole role, Context ctx) {
        try {
            return role == FolderRole.SENT ? sent(message, ctx) : inbox(message, ctx);
        } catch (MessagingException | IOException | RuntimeException e) {
            return new Observation.Unreadable(e.getClass().getSimpleName());
        }
    }

    private static Observation sent(MimeMessage m, Context ctx) throws MessagingException {
        String taskId = first(m, TASK_ID_HEADER);
        if (taskId == null) {
            return new Observation.Ignored("not a draft of ours");
        }
        for (String tenant : sorted(ctx.tenants())) {
            Optional<DraftRef> draft = ctx.drafts().byTask(tenant, taskId.strip());
            if (draft.isPresent()) {
                return new Observation.Sent(draft.get(), m.getSentDate() == null ? ctx.now() : m.getSentDate().toInstant());
            }
        }
        return new Observation.Ignored("draft not known to this folder's tenants");
    }

    private static Observation inbox(MimeMessage m, Context ctx) throws MessagingException, IOException {
        if (fromOwnAddress(m, ctx)) {
            return new Observation.Ignored("from the mailbox itself");
        }
        if (m.isMimeType("multipart/report")) {
            String reportType = new ContentType(m.getContentType()).getParameter("report-type");
            if ("delivery-status".equalsIgnoreCase(reportType)) {
                return bounce(m, ctx);
            }
        }
        String autoSubmitted = headerWord(m, "Auto-Submitted");
        String precedence = headerWord(m, "Precedence");
        String subject = m.getSubject() == null ? "" : m.getSubject();
        boolean autoReply = "auto-replied".equals(autoSubmitted) || present(m, "X-Autoreply")
                || present(m, "X-Autorespond") || "auto_reply".equals(precedence)
                || OOO_SUBJECT.matcher(subject).find();
        if (autoReply) {
            Optional<DraftRef> draft = referenced(m, ctx);
            if (draft.isEmpty()) {
                draft = fromDrafted(m, ctx);
            }
            if (draft.isEmpty()) {
                return new Observation.Ignored("auto-reply to no draft of ours");
            }
            return outOfOffice(m, draft.get(), subject, ctx);
        }
        if (autoSubmitted != null && !"no".equals(autoSubmitted)) {
            return new Observation.Ignored("automatic message");
        }
        if ("bulk".equals(precedence) || "list".equals(precedence) || "junk".equals(precedence)
                || present(m, "List-Id")) {
            return new Observation.Ignored("list or bulk mail");
        }
        Optional<DraftRef> referenced = referenced(m, ctx);
        if (referenced.isPresent()) {
            return new Observation.Reply(referenced.get(), "in-reply-to");
        }
        Optional<DraftRef> from = fromDrafted(m, ctx);
        if (from.isPresent()) {
            return new Observation.Reply(from.get(), "from");
        }
        return new Observation.Ignored("unknown sender");
    }

    private static Observation outOfOffice(MimeMessage m, DraftRef draft, String subject, Context ctx)
            throws MessagingException, IOException {
        TenantClock tenant = ctx.settings().apply(draft.tenantId());
        ZoneId zone = draft.zone() != null ? draft.zone() : tenant == null || tenant.zone() == null ? ZoneOffset.UTC
                : tenant.zone();
        Instant written = m.getSentDate() == null ? ctx.now() : m.getSentDate().toInstant();
        if (written.isAfter(ctx.now())) {
            written = ctx.now(); // a sender's clock in the future must not push the pause out
        }
        String text = subject + "\n" + text(m, 0);
        Optional<Instant> read = ReturnDateReader.resumeAt(text, written.atZone(zone), zone).map(z -> z.toInstant());
        if (read.isPresent() && read.get().isAfter(ctx.now())) {
            return new Observation.OutOfOffice(draft, read.get(), true);
        }
        return new Observation.OutOfOffice(draft, ctx.now().plus(pauseOf(tenant)), false);
    }

    private static Duration pauseOf(TenantClock tenant) {
        if (tenant == null || tenant.outOfOfficePause() == null) {
            return DEFAULT_PAUSE;
        }
        try {
            Duration d = DurationText.parse("outOfOfficePause", tenant.outOfOfficePause());
            return d.isNegative() || d.isZero() ? DEFAULT_PAUSE : d;
        } catch (IllegalArgumentException e) {
            return DEFAULT_PAUSE;
        }
    }

    private static Observation bounce(MimeMessage m, Context ctx) throws MessagingException, IOException {
        Object content = m.getContent();
        if (!(content instanceof Multipart parts)) {
            return new Observation.Unreadable("report without parts");
        }
        String status = null;
        boolean permanent = false;
        Optional<DraftRef> draft = Optional.empty();
        for (int i = 0; i < parts.getCount(); i++) {
            BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("message/delivery-status")) {
                Matcher s = STATUS.matcher(new String(read(part), StandardCharsets.US_ASCII));
                while (s.find()) {
                    String found = s.group(1) + "." + s.group(2) + "." + s.group(3);
                    if (status == null || (!permanent && "5".equals(s.group(1)))) {
                        status = found;
                        permanent = "5".equals(s.group(1));
                    }
                }
            } else if (part.isMimeType("message/rfc822") || part.isMimeType("text/rfc822-headers")) {
                InternetHeaders returned = new InternetHeaders(new ByteArrayInputStream(read(part)));
                draft = draft.or(() -> returnedDraft(returned, ctx));
            }
        }
        if (draft.isEmpty()) {
            return new Observation.Ignored("report about no draft of ours");
        }
        if (status == null || status.startsWith("2")) {
            return new Observation.Ignored("report without a failure status");
        }
        return new Observation.Bounce(draft.get(), status, permanent);
    }

    private static Optional<DraftRef> returnedDraft(InternetHeaders returned, Context ctx) {
        String[] taskIds = returned.getHeader(TASK_ID_HEADER);
        if (taskIds != null) {
            for (String tenant : sorted(ctx.tenants())) {
                Optional<DraftRef> d = ctx.drafts().byTask(tenant, taskIds[0].strip());
                if (d.isPresent()) {
                    return d;
                }
            }
        }
        String[] ids = returned.getHeader("Message-ID");
        return ids == null ? Optional.empty() : ourDraft(ids[0], ctx);
    }

    /** Our draft named by {@code In-Reply-To} or {@code References}, if any. */
    private static Optional<DraftRef> referenced(MimeMessage m, Context ctx) throws MessagingException {
        StringBuilder ids = new StringBuilder();
        for (String h : new String[] {"In-Reply-To", "References"}) {
            String[] values = m.getHeader(h);
            if (values != null) {
                for (String v : values) {
                    ids.append(' ').append(v);
                }
            }
        }
        return ourDraft(ids.toString(), ctx);
    }

    /** The first of our {@code <taskId.tenantId@followup>} ids in {@code text} that names a known draft. */
    static Optional<DraftRef> ourDraft(String text, Context ctx) {
        Matcher id = OUR_MESSAGE_ID.matcher(text);
        int seen = 0;
        while (id.find() && seen++ < MAX_REFERENCES) {
            String local = id.group(1);
            for (String tenant : sorted(ctx.tenants())) {
                if (local.length() > tenant.length() + 1 && local.endsWith("." + tenant)) {
                    String taskId = local.substring(0, local.length() - tenant.length() - 1);
                    Optional<DraftRef> d = ctx.drafts().byTask(tenant, taskId);
                    if (d.isPresent()) {
                        return d;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean fromOwnAddress(MimeMessage m, Context ctx) throws MessagingException {
        Address[] from = m.getFrom();
        return from != null && from.length > 0 && from[0] instanceof InternetAddress a && a.getAddress() != null
                && ctx.ownAddresses().contains(a.getAddress().toLowerCase(Locale.ROOT));
    }

    /** The latest draft of the folder's tenants to the {@code From} address. */
    private static Optional<DraftRef> fromDrafted(MimeMessage m, Context ctx) throws MessagingException {
        Address[] from = m.getFrom();
        if (from == null || from.length == 0 || !(from[0] instanceof InternetAddress address)
                || address.getAddress() == null) {
            return Optional.empty();
        }
        List<DraftRef> found = new ArrayList<>();
        for (String tenant : sorted(ctx.tenants())) {
            ctx.drafts().byAddress(tenant, address.getAddress()).ifPresent(found::add);
        }
        return found.stream().max(Comparator.comparing(DraftRef::emittedAt));
    }

    /** The readable text of the message: its first text/plain part, else its first text/html part without tags. */
    private static String text(Part p, int depth) throws MessagingException, IOException {
        if (depth > MAX_DEPTH) {
            return "";
        }
        if (p.isMimeType("text/plain")) {
            return new String(read(p), charsetOf(p));
        }
        if (p.isMimeType("text/html")) {
            return new String(read(p), charsetOf(p)).replaceAll("<[^>]{0,2000}>", " ");
        }
        if (p.isMimeType("multipart/*") && p.getContent() instanceof Multipart mp) {
            String html = "";
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart bp = mp.getBodyPart(i);
                if (bp.isMimeType("text/plain")) {
                    return text(bp, depth + 1);
                }
                if (html.isEmpty() && (bp.isMimeType("text/html") || bp.isMimeType("multipart/*"))) {
                    html = text(bp, depth + 1);
                }
            }
            return html;
        }
        return "";
    }

    private static java.nio.charset.Charset charsetOf(Part p) {
        try {
            String cs = new ContentType(p.getContentType()).getParameter("charset");
            return cs == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(cs);
        } catch (MessagingException | RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** The decoded bytes of a part, at most {@link #MAX_PART_BYTES}. */
    private static byte[] read(Part p) throws MessagingException, IOException {
        try (InputStream in = p.getInputStream()) {
            return in.readNBytes(MAX_PART_BYTES);
        }
    }

    private static String first(MimeMessage m, String name) throws MessagingException {
        String[] v = m.getHeader(name);
        return v == null || v.length == 0 ? null : v[0];
    }

    private static boolean present(MimeMessage m, String name) throws MessagingException {
        String v = first(m, name);
        return v != null && !"no".equalsIgnoreCase(v.strip());
    }

    /** A header's first word, lower-cased ({@code auto-replied; owner-email=...} → {@code auto-replied}). */
    private static String headerWord(MimeMessage m, String name) throws MessagingException {
        String v = first(m, name);
        if (v == null) {
            return null;
        }
        String word = v.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return word.isEmpty() ? null : word;
    }

    private static List<String> sorted(Set<String> tenants) {
        return tenants.stream().sorted().toList();
    }
}
