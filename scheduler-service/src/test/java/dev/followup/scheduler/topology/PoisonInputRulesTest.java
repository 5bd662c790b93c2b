package dev.followup.scheduler.topology;

import static dev.followup.scheduler.topology.SchedulerDriver.START;
import static org.assertj.core.api.Assertions.assertThat;

import dev.followup.events.LeadKey;
import dev.followup.events.Topics;
import dev.followup.events.serde.AvroSerializer;
import dev.followup.events.v1.Channel;
import dev.followup.events.v1.Command;
import dev.followup.events.v1.DueTask;
import dev.followup.events.v1.LeadCaptured;
import dev.followup.events.v1.LeadEvent;
import dev.followup.events.v1.LeadScored;
import dev.followup.events.v1.ScheduleTask;
import dev.followup.events.v1.StepType;
import dev.followup.scheduler.policy.TaskIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Poison input on every input topic of the scheduler: each bad record ends on {@code <topic>.dlq} with its original
 * bytes and an error header naming what was wrong (or is handled as the contract says), the metric counts it, and
 * the record after it is processed as usual.
 */
class PoisonInputRulesTest {

    static final List<String> INPUTS = List.of(Topics.LEAD_EVENTS, Topics.BOOKING_EVENTS, Topics.COMMANDS,
            Topics.RECEIPTS);

    /** Counts what the topology reports as dead-lettered, per source topic (the metric's source). */
    static final class CountingEvents implements SchedulerEvents {
        final Map<String, Integer> deadLettered = new ConcurrentHashMap<>();

        final Map<String, Integer> settingsRejected = new ConcurrentHashMap<>();
        final java.util.concurrent.atomic.AtomicInteger sequencesRejected = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void deadLettered(String sourceTopic) {
            deadLettered.merge(sourceTopic, 1, Integer::sum);
        }

        @Override
        public void tenantSettingsRejected(String reason) {
            settingsRejected.merge(reason, 1, Integer::sum);
        }

        @Override
        public void sequenceDefinitionRejected() {
            sequencesRejected.incrementAndGet();
        }
    }

    /** Template ids that name a path: the executor resolves template ids to files, per tenant. */
    static final List<String> PATH_LIKE_TEMPLATE_IDS = List.of("../../globex/email/x", "a/b", "/etc/passwd", "..");

    private static SchedulerDriver driver(CountingEvents events) {
        return new SchedulerDriver(SchedulerSettings.defaults(), events);
    }

    private static void assertDeadLettered(TestRecord<String, byte[]> dlq, String topic, byte[] original,
            String errorPart) {
        Map<String, String> headers = SchedulerDriver.headers(dlq);
        assertThat(dlq.value()).isEqualTo(original);
        assertThat(headers.get(DeadLetters.ERROR)).contains(errorPart);
        assertThat(headers).containsEntry(DeadLetters.SOURCE_TOPIC, topic)
                .containsKeys(DeadLetters.ERROR_CLASS, DeadLetters.SOURCE_PARTITION, DeadLetters.SOURCE_OFFSET);
    }

    /** The record behind the poison: a manual email task due one minute later, on the lead topic's key. */
    private static void nextRecordStillWorks(SchedulerDriver d, String leadId) {
        d.scheduleTask("cmd-after-" + leadId, leadId, Channel.EMAIL, d.now().plus(Duration.ofMinutes(1)));
        d.advance(Duration.ofMinutes(2));
        assertThat(d.emitted(Channel.EMAIL)).extracting(DueTask::getLeadId).contains(leadId);
    }

    @Test
    void garbageBytesOnEveryInputTopicAreDeadLetteredAndTheNextRecordIsProcessed() {
        CountingEvents events = new CountingEvents();
        try (SchedulerDriver d = driver(events)) {
            byte[] garbage = {(byte) 0xC3, 0x01, 1, 2, 3, 'x', 0, (byte) 0xFF};
            for (String topic : INPUTS) {
                d.raw(topic, "acme:lead-1", garbage);
            }
            for (String topic : INPUTS) {
                List<TestRecord<String, byte[]>> dlq = d.deadLetters(topic);
                assertThat(dlq).as(topic).hasSize(1);
                assertDeadLettered(dlq.get(0), topic, garbage, "cannot decode record from topic '" + topic + "'");
                assertThat(dlq.get(0).key()).isEqualTo("acme:lead-1");
                assertThat(events.deadLettered).as("metric of " + topic).containsEntry(topic, 1);
            }
            nextRecordStillWorks(d, "lead-1");
        }
    }

    @Test
    void aValidAvroRecordOfAnotherTypeIsDeadLetteredNamingTheExpectedType() {
        CountingEvents events = new CountingEvents();
        try (SchedulerDriver d = driver(events)) {
            byte[] command = new AvroSerializer<>(Command.class).serialize(Topics.COMMANDS, Command.newBuilder()
                    .setCommandId("c-1").setTenantId("acme").setLeadId("lead-1").setIssuedAt(START)
                    .setPayload(ScheduleTask.newBuilder().setChannel(Channel.SMS).setDueAt(START).build()).build());
            byte[] leadEvent = new AvroSerializer<>(LeadEvent.class).serialize(Topics.LEAD_EVENTS, LeadEvent.newBuilder()
                    .setEventId("e-1").setTenantId("acme").setLeadId("lead-1").setOccurredAt(START)
                    .setPayload(new LeadScored(0.9)).build());
            d.raw(Topics.LEAD_EVENTS, "acme:lead-1", command);
            d.raw(Topics.BOOKING_EVENTS, "acme:lead-1", leadEvent);
            d.raw(Topics.COMMANDS, "acme:lead-1", leadEvent);
            d.raw(Topics.RECEIPTS, "acme:lead-1", command);

            assertDeadLettered(d.deadLetters(Topics.LEAD_EVENTS).get(0), Topics.LEAD_EVENTS, command, "LeadEvent");
            assertDeadLettered(d.deadLetters(Topics.BOOKING_EVENTS).get(0), Topics.BOOKING_EVENTS, leadEvent,
                    "BookingEvent");
            assertDeadLettered(d.deadLetters(Topics.COMMANDS).get(0), Topics.COMMANDS, leadEvent, "Command");
            assertDeadLettered(d.deadLetters(Topics.RECEIPTS).get(0), Topics.RECEIPTS, command, "Receipt");
            assertThat(events.deadLettered).containsOnlyKeys(INPUTS).allSatisfy((topic, n) -> assertThat(n).isOne());
            assertThat(d.emittedAll()).as("the scheduled SMS of the misplaced command never fires").isEmpty();
            nextRecordStillWorks(d, "lead-1");
        }
    }

    @Test
    void aTenantWithoutSettingsIsScheduledWithTheContractDefaults() {
        try (SchedulerDriver d = driver(new CountingEvents())) {
            d.leadEventOf("never-configured", "lead-1", START, new LeadScored(0.9));
            d.advance(Duration.ofMinutes(31));
            List<DueTask> fired = d.emitted(Channel.EMAIL);
            assertThat(fired).extracting(DueTask::getTenantId).containsExactly("never-configured");
            assertThat(fired.get(0).getDueAt()).isEqualTo(START.plus(Duration.ofMinutes(30)));
            assertThat(d.deadLetters(Topics.LEAD_EVENTS)).isEmpty();
        }
    }

    @Test
    void aLeadWithAnInvalidTimeZoneIsDeadLetteredNamingTheFieldAndTheValue() {
        CountingEvents events = new CountingEvents();
        try (SchedulerDriver d = driver(events)) {
            for (String zone : List.of("Mars/Olympus", "EST", "+02:00")) {
                d.leadEvent("lead-tz", START, LeadCaptured.newBuilder().setName("Ada").setTimezone(zone)
                        .setPredProb(0.9).build());
            }
            List<TestRecord<String, byte[]>> dlq = d.deadLetters(Topics.LEAD_EVENTS);
            assertThat(dlq).hasSize(3);
            assertThat(SchedulerDriver.headers(dlq.get(0)).get(DeadLetters.ERROR)).contains("timezone 'Mars/Olympus'");
            assertThat(SchedulerDriver.headers(dlq.get(1)).get(DeadLetters.ERROR)).contains("timezone 'EST'");
            assertThat(SchedulerDriver.headers(dlq.get(2)).get(DeadLetters.ERROR)).contains("timezone '+02:00'");
            assertThat(events.deadLettered).containsEntry(Topics.LEAD_EVENTS, 3);
            assertThat(d.profile("lead-tz")).as("nothing of the bad records was kept").isNull();
            nextRecordStillWorks(d, "lead-tz");
        }
    }

    @Test
    void aFarFutureDueTimeStaysPendingAndTheNextRecordIsProcessed() {
        CountingEvents events = new CountingEvents();
        try (SchedulerDriver d = driver(events)) {
            d.scheduleTask("cmd-future", "lead-future", Channel.SMS, Instant.ofEpochMilli(Long.MAX_VALUE));
            d.scheduleTask("cmd-9999", "lead-future", Channel.CALL, Instant.parse("9999-12-31T23:59:59Z"));
            d.advance(Duration.ofDays(400));

            assertThat(d.emittedAll()).isEmpty();
            assertThat(d.dueIndexSize()).isEqualTo(2);
            assertThat(events.deadLettered).isEmpty();
            nextRecordStillWorks(d, "lead-future");
        }
    }

    @Test
    void anOversizeRecordIsDeadLetteredBeforeItReachesTheStores() {
        CountingEvents events = new CountingEvents();
        try (SchedulerDriver d = driver(events)) {
            LeadEvent huge = LeadEvent.newBuilder().setEventId("e-huge").setTenantId("acme").setLeadId("lead-big")
                    .setOccurredAt(START).setPayload(LeadCaptured.newBuilder().setName("n".repeat(600 * 1024))
                            .setPredProb(0.9).build()).build();
            byte[] bytes = new AvroSerializer<>(LeadEvent.class).serialize(Topics.LEAD_EVENTS, huge);
            d.raw(Topics.LEAD_EVENTS, LeadKey.of("acme", "lead-big").toString(), bytes);

            TestRecord<String, byte[]> dlq = d.deadLetters(Topics.LEAD_EVENTS).get(0);
            assertDeadLettered(dlq, Topics.LEAD_EVENTS, bytes, bytes.length + " bytes");
            assertThat(SchedulerDriver.headers(dlq).get(DeadLetters.ERROR)).contains(
                    String.valueOf(SchedulerTopology.MAX_INPUT_RECORD_BYTES));
            assertThat(events.deadLettered).containsEntry(Topics.LEAD_EVENTS, 1);
            assertThat(d.profile("lead-big")).isNull();
            d.advance(Duration.ofHours(3));
            assertThat(d.emittedAll()).isEmpty();
            nextRecordStillWorks(d, "lead-big");
        }
    }

    @Test
    void aScheduleTaskWithAPathLikeTemplateIdIsDeadLetteredNamingItAndCreatesNoTask() {
        CountingEvents events = new CountingEvents();
        try (SchedulerDriver d = driver(events)) {
            for (String templateId : PATH_LIKE_TEMPLATE_IDS) {
                String commandId = "cmd-tpl-" + PATH_LIKE_TEMPLATE_IDS.indexOf(templateId);
                byte[] bytes = new AvroSerializer<>(Command.class).serialize(Topics.COMMANDS, Command.newBuilder()
                        .setCommandId(commandId).setTenantId("acme").setLeadId("lead-tpl").setIssuedAt(START)
                        .setPayload(ScheduleTask.newBuilder().setChannel(Channel.EMAIL).setDueAt(START)
                                .setTemplateId(templateId).build()).build());
                d.raw(Topics.COMMANDS, "acme:lead-tpl", bytes);

                List<TestRecord<String, byte[]>> dlq = d.deadLetters(Topics.COMMANDS);
                assertThat(dlq).as(templateId).hasSize(1);
                assertDeadLettered(dlq.get(0), Topics.COMMANDS, bytes, "templateId '" + templateId
                        + "' is not a valid identifier");
                assertThat(d.task(TaskIds.manual("acme", commandId))).as(templateId).isNull();
            }
            assertThat(events.deadLettered).containsEntry(Topics.COMMANDS, PATH_LIKE_TEMPLATE_IDS.size());
            d.advance(Duration.ofMinutes(1));
            assertThat(d.emittedAll()).isEmpty();
            nextRecordStillWorks(d, "lead-tpl");
        }
    }

    @Test
    void aSequenceWithAPathLikeStepTemplateIdIsNotStoredAndTheLastGoodDefinitionStays() {
        CountingEvents events = new CountingEvents();
        try (SchedulerDriver d = driver(events)) {
            for (String templateId : PATH_LIKE_TEMPLATE_IDS) {
                d.sequence("bad", true, SchedulerDriver.step(StepType.CALL, "0m"),
                        SchedulerDriver.step(StepType.EMAIL, "1m", templateId, null, null));
            }
            assertThat(events.sequencesRejected).hasValue(PATH_LIKE_TEMPLATE_IDS.size());
            d.enroll("enroll-bad", "lead-seq", "bad", null);
            assertThat(d.deadLetters(Topics.COMMANDS)).singleElement().satisfies(r ->
                    assertThat(SchedulerDriver.headers(r).get(DeadLetters.ERROR)).contains("'bad' is not a sequence"));
            assertThat(d.enrollment("lead-seq", "bad")).isNull();

            d.sequence("good", true, SchedulerDriver.step(StepType.CALL, "0m", "tpl-call", null, null));
            d.sequence("good", true, SchedulerDriver.step(StepType.CALL, "0m", "../../globex/call/x", null, null));
            d.enroll("enroll-good", "lead-seq", "good", null);
            d.advance(Duration.ofMinutes(1));
            assertThat(d.emitted(Channel.CALL)).singleElement().satisfies(t ->
                    assertThat(t.getTemplateId()).as("the last good definition").isEqualTo("tpl-call"));
            assertThat(events.sequencesRejected).hasValue(PATH_LIKE_TEMPLATE_IDS.size() + 1);
            nextRecordStillWorks(d, "lead-seq");
        }
    }

    @Test
    void aCommandForAnUnknownTaskIsANoOpNotAPoison() {
        try (SchedulerDriver d = driver(new CountingEvents())) {
            d.cancelTask("lead-1", "mt-" + "0".repeat(32));
            assertThat(d.deadLetters(Topics.COMMANDS)).isEmpty();
            assertThat(d.task("mt-" + "0".repeat(32))).isNull();
            nextRecordStillWorks(d, "lead-1");
        }
    }
}
