package dev.followup.bench;

import dev.followup.events.LeadKey;
import dev.followup.events.SequenceKey;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.EngagementKind;
import dev.followup.events.v1.EnrollInSequence;
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEngaged;
import dev.followup.events.v1.LeadErased;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.LeadFollowUp;
import dev.followup.events.v1.SequenceDefinition;
import dev.followup.events.v1.SequenceStep;
import dev.followup.events.v1.StepType;
import dev.followup.events.v1.TenantSettings;
import dev.followup.events.v1.Weekday;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The soak's traffic, as upstream services send it on the contract topics: lead {@code l<i>} is captured hot at
 * {@code i / rate} seconds (the tenant's follow-ups: an email {@value #EMAIL_AFTER_S} s and an SMS
 * {@value #SMS_AFTER_S} s later), and by {@link Kind} from its index also enrolled in a two-step sequence, or replies,
 * or is erased, {@value #CHURN_AFTER_S} s after its capture (after its email, before its SMS).
 */
final class SoakFeed implements AutoCloseable {

    /** The channels the soak's tasks use: email drafts go to the executor's Maildir, SMS drafts to its outbox. */
    static final List<Channel> CHANNELS = List.of(Channel.EMAIL, Channel.SMS);
    static final String SEQUENCE = "soak-cadence";
    static final int EMAIL_AFTER_S = 20;
    static final int SMS_AFTER_S = 40;
    static final int CHURN_AFTER_S = 30;
    static final int SEQUENCE_AFTER_S = 10;

    /** What happens to a lead besides its two follow-ups. */
    enum Kind {
        /** both follow-ups fire: 2 due tasks */
        PLAIN(2),
        /** also enrolled in the sequence (an email 10 s later, an SMS 5 s after its receipt): 4 due tasks */
        ENROLLED(4),
        /** replies after its email: the SMS is canceled, 1 due task */
        REPLIES(1),
        /** erased after its email: the SMS is canceled, its email draft deleted, 1 due task */
        ERASED(1);

        final int dueTasks;

        Kind(int dueTasks) {
            this.dueTasks = dueTasks;
        }
    }

    static Kind kindOf(int i) {
        return Kind.values()[i % 4];
    }

    private final String tenant;
    private final int rate;
    private final int leads;
    private final KafkaProducer<String, byte[]> producer;
    private final AvroSerializer<LeadEvent> leadEvents = new AvroSerializer<>(LeadEvent.class);
    private final AvroSerializer<Command> commands = new AvroSerializer<>(Command.class);
    private final AtomicLong captured = new AtomicLong();
    private final AtomicLong erased = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private volatile boolean stopped;
    private volatile double captureSeconds = Double.NaN;

    /** {@code rate} leads per second, {@code leads} in all. */
    SoakFeed(String bootstrap, String tenant, int rate, int leads) {
        this.tenant = tenant;
        this.rate = rate;
        this.leads = leads;
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "followup-bench-soak-feed");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * The tenant's settings (no window, no quota, every day a working day, drafts only, the two follow-ups) and the
     * sequence, acknowledged.
     */
    void publishDefinitions() throws Exception {
        TenantSettings settings = TenantSettings.newBuilder().setTenantId(tenant).setAutoEnabled(true)
                .setLeadScoreThreshold(0.5)
                .setLeadFollowUps(List.of(
                        LeadFollowUp.newBuilder().setDelay(EMAIL_AFTER_S + "s").setChannel(Channel.EMAIL).build(),
                        LeadFollowUp.newBuilder().setDelay(SMS_AFTER_S + "s").setChannel(Channel.SMS).build()))
                .setBookingFollowUps(List.of()).setTimezone("UTC").setWorkingDays(Arrays.asList(Weekday.values()))
                .setSendWindow(null).setMaxTasksPerDay(0).setMaxTasksPerMinute(null).build();
        producer.send(new ProducerRecord<>(Topics.TENANT_SETTINGS, tenant,
                new AvroSerializer<>(TenantSettings.class).serialize(Topics.TENANT_SETTINGS, settings)))
                .get(60, TimeUnit.SECONDS);
        SequenceDefinition cadence = SequenceDefinition.newBuilder().setTenantId(tenant).setSequenceId(SEQUENCE)
                .setName("soak cadence").setSteps(List.of(
                        // not at once: the enrollment (commands topic) can be read before the capture (lead events),
                        // and a step fired before the lead's address is known fails
                        SequenceStep.newBuilder().setType(StepType.EMAIL).setDelay(SEQUENCE_AFTER_S + "s").build(),
                        SequenceStep.newBuilder().setType(StepType.SMS).setDelay("5s").build()))
                .build();
        producer.send(new ProducerRecord<>(Topics.SEQUENCES, SequenceKey.of(tenant, SEQUENCE).toString(),
                new AvroSerializer<>(SequenceDefinition.class).serialize(Topics.SEQUENCES, cadence)))
                .get(60, TimeUnit.SECONDS);
    }

    /**
     * Sends the traffic on the calling thread, paced from {@code start} (a late loop catches up rather than lowering
     * the rate), until every lead is captured and churned or {@link #stop} is called.
     */
    void run() {
        long start = System.nanoTime();
        int next = 0;
        int churned = 0;
        long churnAfter = TimeUnit.SECONDS.toNanos(CHURN_AFTER_S);
        while (!stopped && churned < leads) {
            long elapsed = System.nanoTime() - start;
            int due = (int) Math.min(leads, elapsed * rate / 1_000_000_000L + 1);
            for (; next < due; next++) {
                capture(next);
            }
            if (next == leads && Double.isNaN(captureSeconds)) {
                captureSeconds = (System.nanoTime() - start) / 1e9;
            }
            int churnDue = elapsed < churnAfter ? 0
                    : (int) Math.min(next, (elapsed - churnAfter) * rate / 1_000_000_000L + 1);
            for (; churned < churnDue; churned++) {
                churn(churned);
            }
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " records of the soak feed were not acknowledged",
                        firstFailure.get());
            }
            LockSupport.parkNanos(20_000_000);
        }
        producer.flush();
    }

    void stop() {
        stopped = true;
    }

    long captured() {
        return captured.get();
    }

    /** How long capturing every lead took (NaN until then). */
    double captureSeconds() {
        return captureSeconds;
    }

    long erased() {
        return erased.get();
    }

    private void capture(int i) {
        String lead = TimerFeed.leadId(i);
        Instant now = Instant.now();
        // made-up contact data: the drafts need an address and a number; nothing of it is printed
        LeadEvent event = LeadEvent.newBuilder().setEventId("e" + i).setTenantId(tenant).setLeadId(lead)
                .setOccurredAt(now).setPayload(LeadCaptured.newBuilder().setName("Soak Lead " + i)
                        .setEmail(lead + "@soak.invalid").setPhone(String.format("+1555%07d", i % 10_000_000))
                        .setTimezone("UTC").setPredProb(0.9).build())
                .build();
        send(Topics.LEAD_EVENTS, lead, leadEvents.serialize(Topics.LEAD_EVENTS, event));
        if (kindOf(i) == Kind.ENROLLED) {
            Command enroll = Command.newBuilder().setCommandId("s" + i).setTenantId(tenant).setLeadId(lead)
                    .setIssuedAt(now).setPayload(EnrollInSequence.newBuilder().setSequenceId(SEQUENCE).build()).build();
            send(Topics.COMMANDS, lead, commands.serialize(Topics.COMMANDS, enroll));
        }
        captured.incrementAndGet();
    }

    private void churn(int i) {
        Object payload = switch (kindOf(i)) {
            case REPLIES -> LeadEngaged.newBuilder().setKind(EngagementKind.REPLIED).build();
            case ERASED -> LeadErased.newBuilder().build();
            default -> null;
        };
        if (payload == null) {
            return;
        }
        String lead = TimerFeed.leadId(i);
        LeadEvent event = LeadEvent.newBuilder().setEventId("x" + i).setTenantId(tenant).setLeadId(lead)
                .setOccurredAt(Instant.now()).setPayload(payload).build();
        send(Topics.LEAD_EVENTS, lead, leadEvents.serialize(Topics.LEAD_EVENTS, event));
        if (payload instanceof LeadErased) {
            erased.incrementAndGet();
        }
    }

    private void send(String topic, String lead, byte[] value) {
        producer.send(new ProducerRecord<>(topic, LeadKey.of(tenant, lead).toString(), value), (metadata, e) -> {
            if (e != null) {
                failures.incrementAndGet();
                firstFailure.compareAndSet(null, e);
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
