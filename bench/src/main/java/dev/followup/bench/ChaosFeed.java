package dev.followup.bench;

import dev.followup.events.LeadKey;
import dev.followup.events.SequenceKey;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.BookingCanceled;
import dev.followup.events.v1.BookingEvent;
import dev.followup.events.v1.BookingFollowUp;
import dev.followup.events.v1.BookingScheduled;
import dev.followup.events.v1.CancelFollowUps;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.EnrollInSequence;
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.LeadFollowUp;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.SequenceStep;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What upstream services would send, straight onto the contract topics: the tenant's settings and a two-step
 * sequence, then per lead {@code l<i>} a capture and one of four kinds of follow-up, due at a given instant, and for a
 * tenth of each kind the matching cancellation right after. The expected outcome per lead follows from its index.
 */
final class ChaosFeed {

    static final String TENANT = "chaos";
    static final String SEQUENCE = "chaos-cadence";
    /** The lead follow-up delay: a captured lead's SMS is due this long after {@code occurredAt}. */
    private static final Duration LEAD_DELAY = Duration.ofMinutes(10);
    private static final ZoneId BOOKING_ZONE = ZoneId.of("Europe/Berlin");

    /** How a lead's tasks come about. */
    enum Kind {
        /** {@code ScheduleTask} (SMS), canceled by {@code CancelFollowUps}. */
        MANUAL(1),
        /** a hot {@code LeadCaptured} → the tenant's SMS follow-up, canceled by {@code LeadEngaged OPTED_OUT}. */
        LEAD(1),
        /** {@code BookingScheduled} → a CALL at the meeting start, canceled by {@code BookingCanceled}. */
        BOOKING(1),
        /** {@code EnrollInSequence}: an SMS, then a CALL 5 s after its receipt; canceled by {@code CancelFollowUps}. */
        SEQUENCE(2);

        final int tasks;

        Kind(int tasks) {
            this.tasks = tasks;
        }
    }

    static Kind kindOf(int i) {
        return Kind.values()[i % 4];
    }

    /** A tenth of each kind is canceled. */
    static boolean canceled(int i) {
        return (i / 4) % 10 == 7;
    }

    /** Tasks the pipeline must emit (and draft) for lead {@code i}. */
    static int expectedTasks(int i) {
        return canceled(i) ? 0 : kindOf(i).tasks;
    }

    static String leadId(int i) {
        return "l" + i;
    }

    /** The index of lead {@code l<i>}, or -1. */
    static int indexOf(String leadId) {
        return leadId != null && leadId.matches("l\\d{1,9}") ? Integer.parseInt(leadId.substring(1)) : -1;
    }

    private final AvroSerializer<TenantSettings> settings = new AvroSerializer<>(TenantSettings.class);
    private final AvroSerializer<SequenceDefinition> sequences = new AvroSerializer<>(SequenceDefinition.class);
    private final AvroSerializer<Command> commands = new AvroSerializer<>(Command.class);
    private final AvroSerializer<LeadEvent> leadEvents = new AvroSerializer<>(LeadEvent.class);
    private final AvroSerializer<BookingEvent> bookingEvents = new AvroSerializer<>(BookingEvent.class);
    private final String bootstrap;

    ChaosFeed(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** No window, no quota, every day a working day, drafts only: every task is due exactly when the feed says. */
    void publishDefinitions() throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            TenantSettings tenant = TenantSettings.newBuilder().setTenantId(TENANT).setAutoEnabled(true)
                    .setLeadScoreThreshold(0.5)
                    .setLeadFollowUps(List.of(LeadFollowUp.newBuilder().setDelay("10m").setChannel(Channel.SMS).build()))
                    .setBookingFollowUps(List.of(BookingFollowUp.newBuilder().setOffset("0s").setChannel(Channel.CALL)
                            .build()))
                    .setTimezone("UTC").setWorkingDays(Arrays.asList(Weekday.values())).setSendWindow(null)
                    .setMaxTasksPerDay(Integer.MAX_VALUE).setMaxTasksPerMinute(null).build();
            producer.send(new ProducerRecord<>(Topics.TENANT_SETTINGS, TENANT,
                    settings.serialize(Topics.TENANT_SETTINGS, tenant))).get(60, TimeUnit.SECONDS);
            SequenceDefinition cadence = SequenceDefinition.newBuilder().setTenantId(TENANT).setSequenceId(SEQUENCE)
                    .setName("chaos cadence").setSteps(List.of(
                            SequenceStep.newBuilder().setType(StepType.SMS).setDelay("0s").build(),
                            SequenceStep.newBuilder().setType(StepType.CALL).setDelay("5s").build()))
                    .build();
            producer.send(new ProducerRecord<>(Topics.SEQUENCES, SequenceKey.of(TENANT, SEQUENCE).toString(),
                    sequences.serialize(Topics.SEQUENCES, cadence))).get(60, TimeUnit.SECONDS);
        }
    }

    /** Sends leads {@code 0..count-1}, lead {@code i} due at {@code dueOf(i)}; returns once all are acknowledged. */
    void feed(int count, java.util.function.IntFunction<Instant> dueOf) {
        AtomicLong failures = new AtomicLong();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (int i = 0; i < count; i++) {
                send(producer, i, dueOf.apply(i), failures);
            }
            producer.flush();
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " records of the feed were not acknowledged");
        }
    }

    private void send(KafkaProducer<String, byte[]> producer, int i, Instant due, AtomicLong failures) {
        String lead = leadId(i);
        String key = LeadKey.of(TENANT, lead).toString();
        Kind kind = kindOf(i);
        Instant now = Instant.now();
        org.apache.kafka.clients.producer.Callback ack = (metadata, e) -> {
            if (e != null) {
                failures.incrementAndGet();
            }
        };
        // every lead is captured (with a number for its SMS and calls); only the LEAD kind is hot
        Instant capturedAt = kind == Kind.LEAD ? due.minus(LEAD_DELAY) : now;
        LeadEvent captured = LeadEvent.newBuilder().setEventId("e" + i).setTenantId(TENANT).setLeadId(lead)
                .setOccurredAt(capturedAt).setPayload(LeadCaptured.newBuilder().setName("Lead " + i)
                        .setPhone(String.format("+1555%07d", i)).setTimezone("UTC")
                        .setPredProb(kind == Kind.LEAD ? 0.9 : 0.1).build())
                .build();
        producer.send(new ProducerRecord<>(Topics.LEAD_EVENTS, key, leadEvents.serialize(Topics.LEAD_EVENTS, captured)), ack);
        switch (kind) {
            case MANUAL -> producer.send(command(key, "c" + i, lead, now,
                    ScheduleTask.newBuilder().setChannel(Channel.SMS).setDueAt(due).build()), ack);
            case LEAD -> {
                // the capture above schedules it
            }
            case BOOKING -> producer.send(booking(key, "b" + i, lead, now, BookingScheduled.newBuilder()
                    .setLocalStart(LocalDateTime.ofInstant(due, BOOKING_ZONE).toString())
                    .setTimezone(BOOKING_ZONE.getId()).build()), ack);
            case SEQUENCE -> producer.send(command(key, "s" + i, lead, now,
                    EnrollInSequence.newBuilder().setSequenceId(SEQUENCE).setStartAt(due).build()), ack);
        }
        if (canceled(i)) {
            Instant later = now.plusSeconds(1);
            switch (kind) {
                case MANUAL, SEQUENCE -> producer.send(command(key, "x" + i, lead, later,
                        CancelFollowUps.newBuilder().build()), ack);
                case LEAD -> producer.send(new ProducerRecord<>(Topics.LEAD_EVENTS, key, leadEvents.serialize(
                        Topics.LEAD_EVENTS, LeadEvent.newBuilder().setEventId("o" + i).setTenantId(TENANT)
                                .setLeadId(lead).setOccurredAt(later)
                                .setPayload(LeadEngaged.newBuilder().setKind(EngagementKind.OPTED_OUT).build())
                                .build())), ack);
                case BOOKING -> producer.send(booking(key, "bx" + i, lead, later,
                        BookingCanceled.newBuilder().build()), ack);
            }
        }
    }

    private ProducerRecord<String, byte[]> command(String key, String id, String lead, Instant at, Object payload) {
        Command command = Command.newBuilder().setCommandId(id).setTenantId(TENANT).setLeadId(lead).setIssuedAt(at)
                .setPayload(payload).build();
        return new ProducerRecord<>(Topics.COMMANDS, key, commands.serialize(Topics.COMMANDS, command));
    }

    private ProducerRecord<String, byte[]> booking(String key, String eventId, String lead, Instant at, Object payload) {
        int i = indexOf(lead);
        BookingEvent event = BookingEvent.newBuilder().setEventId(eventId).setTenantId(TENANT).setLeadId(lead)
                .setBookingId("bk" + i).setOccurredAt(at).setPayload(payload).build();
        return new ProducerRecord<>(Topics.BOOKING_EVENTS, key, bookingEvents.serialize(Topics.BOOKING_EVENTS, event));
    }

    private KafkaProducer<String, byte[]> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "followup-chaos-feed");
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }
}
