package dev.followup.executor.inbox;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.PauseFollowUps;
import dev.followup.events.v1.Receipt;
import dev.followup.events.v1.ReceiptStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The contract records an observation comes to, with ids derived from where the message was seen and what it is
 * ({@link #idOf}), so a message handled twice publishes records a consumer already has:
 * <ul>
 * <li>reply → {@code LeadEngaged{REPLIED}}, permanent bounce → {@code LeadEngaged{BOUNCED}} on
 *     {@code followup.lead-events.v1};
 * <li>out of office → {@code PauseFollowUps{until, reason: out_of_office}} on {@code followup.commands.v1};
 * <li>sent → a {@code SENT} receipt {@code <taskId>:sent} on {@code followup.receipts.v1}.
 * </ul>
 */
final class ObservationRecords {

    static final String OUT_OF_OFFICE = "out_of_office";

    private static final AvroSerializer<LeadEvent> LEAD_EVENTS = new AvroSerializer<>(LeadEvent.class);
    private static final AvroSerializer<Command> COMMANDS = new AvroSerializer<>(Command.class);
    private static final AvroSerializer<Receipt> RECEIPTS = new AvroSerializer<>(Receipt.class);

    private ObservationRecords() {
    }

    /**
     * @param source     the watched mailbox ({@code imap:<ref>} or {@code maildir:<tenant>})
     * @param messageKey the message's {@code Message-ID}, or its place in the folder when it has none
     * @param provider   {@code imap} or {@code maildir}, for a SENT receipt
     * @param providerRef where the sent message is, for a SENT receipt
     */
    static List<ProducerRecord<String, byte[]>> of(Observation o, String source, String messageKey, String provider,
            String providerRef, Instant now) {
        if (o instanceof Observation.Reply r) {
            return List.of(engaged(r.draft(), EngagementKind.REPLIED, source, messageKey, now));
        }
        if (o instanceof Observation.Bounce b && b.permanent()) {
            return List.of(engaged(b.draft(), EngagementKind.BOUNCED, source, messageKey, now));
        }
        if (o instanceof Observation.OutOfOffice ooo) {
            return List.of(pause(ooo, source, messageKey, now));
        }
        if (o instanceof Observation.Sent s) {
            return List.of(sent(s, provider, providerRef));
        }
        return List.of(); // transient bounces, ignored and unreadable messages are only counted
    }

    private static ProducerRecord<String, byte[]> engaged(DraftRef d, EngagementKind kind, String source,
            String messageKey, Instant now) {
        LeadEvent event = LeadEvent.newBuilder()
                .setEventId(idOf(source, messageKey, kind.name()))
                .setTenantId(d.tenantId())
                .setLeadId(d.leadId())
                .setOccurredAt(now)
                .setPayload(LeadEngaged.newBuilder().setKind(kind).build())
                .build();
        return new ProducerRecord<>(Topics.LEAD_EVENTS, key(d), LEAD_EVENTS.serialize(Topics.LEAD_EVENTS, event));
    }

    private static ProducerRecord<String, byte[]> pause(Observation.OutOfOffice ooo, String source, String messageKey,
            Instant now) {
        DraftRef d = ooo.draft();
        Command command = Command.newBuilder()
                .setCommandId(idOf(source, messageKey, OUT_OF_OFFICE))
                .setTenantId(d.tenantId())
                .setLeadId(d.leadId())
                .setIssuedAt(now)
                .setPayload(PauseFollowUps.newBuilder().setUntil(ooo.until()).setReason(OUT_OF_OFFICE).build())
                .build();
        return new ProducerRecord<>(Topics.COMMANDS, key(d), COMMANDS.serialize(Topics.COMMANDS, command));
    }

    private static ProducerRecord<String, byte[]> sent(Observation.Sent s, String provider, String providerRef) {
        DraftRef d = s.draft();
        Receipt receipt = Receipt.newBuilder()
                .setReceiptId(d.taskId() + ":sent")
                .setTaskId(d.taskId())
                .setTenantId(d.tenantId())
                .setLeadId(d.leadId())
                .setChannel(Channel.EMAIL)
                .setStatus(ReceiptStatus.SENT)
                .setProvider(provider)
                .setProviderRef(providerRef)
                .setAttempt(d.attempt())
                .setDueAt(d.dueAt())
                .setEmittedAt(d.emittedAt())
                .setCompletedAt(s.sentAt())
                .setLatencyMs(s.sentAt().toEpochMilli() - d.dueAt().toEpochMilli())
                .build();
        return new ProducerRecord<>(Topics.RECEIPTS, key(d), RECEIPTS.serialize(Topics.RECEIPTS, receipt));
    }

    private static String key(DraftRef d) {
        return LeadKey.of(d.tenantId(), d.leadId()).toString();
    }

    /** {@code inbox-<32 hex>}: SHA-256 of the source, the message and the kind, so the same message gives the same id. */
    static String idOf(String source, String messageKey, String kind) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((source + "\n" + messageKey + "\n" + kind).getBytes(StandardCharsets.UTF_8));
            return "inbox-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
